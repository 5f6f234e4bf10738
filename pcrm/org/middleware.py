"""Privileged roles (roles.toml ``mfa = true``) must have a TOTP second factor.

Until they set one up, every page but the MFA set-up pages and sign-out
redirects them there.

The middleware is sync- and async-capable (Django's ``markcoroutinefunction``
pattern): under uvicorn the whole middleware chain runs on the event loop, so a
request does not hop to a worker thread and back just to pass through it. Exempt
paths (the API, sign-in, static files) are let through before the session or the
user is touched.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect

from pcrm.org.roles import requires_mfa

_ALLOWED_PREFIXES: tuple[str, ...] = ("/accounts/", "/i18n/", "/static/", "/api/")
_ALLOWED_PREFIXES += ("/s/",)  # customers' survey links (campaigns): public pages

GetResponse = Callable[[HttpRequest], HttpResponseBase]
AsyncGetResponse = Callable[[HttpRequest], Awaitable[HttpResponseBase]]


class SecondFactorRequiredMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response: GetResponse | AsyncGetResponse) -> None:
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            # Tell Django this instance is a coroutine function; __call__ switches.
            markcoroutinefunction(self)

    def __call__(self, request: HttpRequest) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        if not _exempt(request):
            user = request.user
            if user.is_authenticated and requires_mfa(user) and not _has_totp(user):
                return _to_setup()
        return self.get_response(request)

    async def __acall__(self, request: HttpRequest) -> HttpResponseBase:
        if not _exempt(request):
            user = await request.auser()
            if user.is_authenticated and requires_mfa(user) and not await _ahas_totp(user):
                return _to_setup()
        response: HttpResponseBase = await self.get_response(request)  # type: ignore[misc]
        return response


def _exempt(request: HttpRequest) -> bool:
    return request.path.startswith(_ALLOWED_PREFIXES)


def _to_setup() -> HttpResponse:
    return redirect("mfa_activate_totp")


def _has_totp(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    has: bool = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    return has


async def _ahas_totp(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    has: bool = await Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).aexists()
    return has
