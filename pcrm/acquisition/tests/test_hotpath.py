"""The swipe served straight from ASGI (pcrm.acquisition.hotpath): the same answers as
through Django's full stack, nothing written on a rejected call."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator
from django.db import connections
from django.urls import reverse

from pcrm import asgi
from pcrm.acquisition.api import swipe_view
from pcrm.acquisition.hotpath import bare_route
from pcrm.acquisition.models import Swipe
from pcrm.audit.models import AuditEvent
from pcrm.org.services import api_token_create

from .conftest import post_swipe, swipe_body

# The view runs on another thread with its own connection: it must see committed data.
pytestmark = pytest.mark.django_db(transaction=True)

LIMIT = 4096


@pytest.fixture
def route() -> Iterator[Any]:
    threads = ThreadPoolExecutor(max_workers=1)
    yield bare_route(swipe_view, max_body=LIMIT, threads=threads)
    threads.submit(connections.close_all).result()  # the test database is dropped later
    threads.shutdown()


def call(
    app: Any, body: bytes, *, token: str | None, method: str = "POST", chunks: int = 1
) -> tuple[int, dict[str, str], bytes]:
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"accept-language", b"zh-hans"),
    ]
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": asgi.SWIPES,
        "raw_path": asgi.SWIPES.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }

    async def run() -> tuple[int, dict[str, str], bytes]:
        communicator = ApplicationCommunicator(app, scope)
        size = max(1, -(-len(body) // chunks))
        parts = [body[i : i + size] for i in range(0, len(body), size)] or [b""]
        for n, part in enumerate(parts):
            more = n < len(parts) - 1
            await communicator.send_input({"type": "http.request", "body": part, "more_body": more})
        start = await communicator.receive_output(10)
        content = await communicator.receive_output(10)
        found = {k.decode().lower(): v.decode() for k, v in start["headers"]}
        return start["status"], found, content["body"]

    # A thread of its own: a browser test's event loop may be running on this one.
    with ThreadPoolExecutor(max_workers=1) as caller:
        return caller.submit(asyncio.run, run()).result()


def _counts() -> tuple[int, int]:
    return Swipe.objects.count(), AuditEvent.objects.filter(action="walk_in.swipe").count()


def test_the_asgi_app_routes_the_urlconf_path_here() -> None:
    assert reverse("api:queue-swipes") == asgi.SWIPES
    assert asgi.SWIPES in asgi._bare


def test_swipe_answers_201_like_the_urlconf_view(
    route: Any, personas: Any, device: str, card: str
) -> None:
    body = json.dumps(swipe_body(card_no=card)).encode()
    status, headers, content = call(route, body, token=device, chunks=3)  # several messages
    assert status == 201, content
    answer = json.loads(content)
    assert answer["customer_no"] == personas.mine.customer_no
    assert Swipe.objects.get().pk == answer["swipe_id"]
    assert headers["content-type"] == "application/json"
    assert headers["content-length"] == str(len(content))
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "auth;dur=" in headers["server-timing"]
    # The same card through the URLconf: the same identification.
    again = post_swipe(device, swipe_body(card_no=card, ticket_no="A002")).json()
    assert {k: again[k] for k in ("customer_no", "tier", "flags")} == {
        k: answer[k] for k in ("customer_no", "tier", "flags")
    }


@pytest.mark.parametrize(
    ("token", "body", "status", "error"),
    [
        ("pcrm_nope", {"id_no": "310115198005170011"}, 401, "authentication_failed"),
        (None, {"id_no": "310115198005170011"}, 401, "not_authenticated"),
        ("device", {"branch_code": "B9", "id_no": "310115198005170011"}, 403, "permission_denied"),
        ("device", {"card_no": "12ab"}, 400, None),
        ("device", "{not json", 400, None),
    ],
)
def test_rejected_calls_answer_as_through_the_urlconf_and_write_nothing(
    route: Any, personas: Any, device: str, token: str | None, body: Any, status: int, error: Any
) -> None:
    raw = device if token == "device" else token
    payload = body if isinstance(body, str) else json.dumps(swipe_body(**body))
    before = _counts()
    got_status, headers, content = call(route, payload.encode(), token=raw)
    assert got_status == status
    answer = json.loads(content)
    assert answer["error"]
    if error:
        assert answer["error"] == error
    assert _counts() == before
    # The URLconf's view gives the same status and error code.
    reference = post_swipe(raw or "", payload, as_text=True) if raw else None
    if reference is not None:
        assert reference.status_code == status
        assert reference.json()["error"] == answer["error"]
    if status == 401:
        assert headers["www-authenticate"] == "Bearer"


def test_oversized_body_is_413_and_writes_nothing(route: Any, personas: Any, device: str) -> None:
    body = json.dumps(swipe_body(id_no="310115198005170011", ticket_no="x" * LIMIT)).encode()
    status, _headers, _content = call(route, body, token=device, chunks=4)
    assert status == 413
    assert _counts() == (0, 0)


def test_other_methods_are_405(route: Any, personas: Any, device: str) -> None:
    status, headers, _content = call(route, b"", token=device, method="GET")
    assert status == 405
    assert "POST" in headers["allow"]


def test_system_token_is_403(route: Any, personas: Any) -> None:
    _token, raw = api_token_create(actor=None, name="sys", kind="system", branch=None)
    status, _headers, _content = call(
        route, json.dumps(swipe_body(id_no=personas.mine.id_no)).encode(), token=raw
    )
    assert status == 403
    assert _counts() == (0, 0)


@pytest.mark.postgres
def test_a_lost_database_connection_costs_one_call(
    route: Any, personas: Any, device: str, card: str
) -> None:
    """After a database restart the long-lived thread reconnects on its next call."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("ends a PostgreSQL backend")
    body = json.dumps(swipe_body(card_no=card)).encode()
    assert call(route, body, token=device)[0] == 201
    with connection.cursor() as cursor:  # end the route thread's backend, as a restart would
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    assert call(route, body, token=device)[0] == 500
    again = json.dumps(swipe_body(card_no=card, ticket_no="A002")).encode()
    assert call(route, again, token=device)[0] == 201
