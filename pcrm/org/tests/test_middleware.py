"""The second-factor middleware in both modes, and the whole chain async under ASGI."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from asgiref.sync import async_to_sync, iscoroutinefunction
from django.core.handlers.asgi import ASGIHandler
from django.http import HttpRequest, HttpResponse
from django.test import AsyncClient
from django.urls import reverse

from pcrm.org.middleware import SecondFactorRequiredMiddleware
from tests.factories import StaffFactory


def _sync_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


async def _async_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def test_middleware_takes_the_mode_of_the_chain() -> None:
    assert iscoroutinefunction(SecondFactorRequiredMiddleware(_async_view))
    assert not iscoroutinefunction(SecondFactorRequiredMiddleware(_sync_view))


def test_no_project_middleware_is_adapted_under_asgi(caplog: pytest.LogCaptureFixture) -> None:
    """Django logs every middleware it must wrap in a thread hop; none may be."""
    caplog.set_level(logging.DEBUG, logger="django.request")
    ASGIHandler()
    adapted = [r.getMessage() for r in caplog.records if "adapted" in r.getMessage()]
    assert adapted == []


def _async_get(path: str, user: Any = None) -> Any:
    client = AsyncClient()

    async def go() -> Any:
        if user is not None:
            await client.aforce_login(user)
        return await client.get(path)

    return async_to_sync(go)()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["branch_head", "admin"])
def test_async_privileged_role_without_totp_is_sent_to_set_up(role: str) -> None:
    staff = StaffFactory(staff_code=f"PA-{role}", role=role, branch=None)
    response = _async_get(reverse("workbench:home"), staff)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_async_privileged_role_with_totp_gets_in(personas: Any) -> None:
    assert _async_get(reverse("workbench:home"), personas.head).status_code == 200


@pytest.mark.django_db
def test_async_manager_needs_no_second_factor(personas: Any) -> None:
    assert _async_get(reverse("workbench:home"), personas.manager).status_code == 200


@pytest.mark.django_db
def test_async_exempt_path_lets_privileged_role_through() -> None:
    staff = StaffFactory(staff_code="PA-exempt", role="admin", branch=None)
    # Sign-out stays reachable (allauth shows its confirmation page).
    assert _async_get(reverse("account_logout"), staff).status_code == 200
