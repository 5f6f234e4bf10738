"""The walk-in hot path: the queue machine's call served straight from ASGI.

Every millisecond of a swipe reaches the manager's screen. Through Django's full
ASGI stack the call would pay for the request signals and the page middleware
(sessions, CSRF, locale, messages, htmx, axes, the second factor), several of which
hop through asgiref's one shared sync thread, and then for a fresh thread per sync
view. None of that applies to a token-authenticated JSON call, so ``pcrm.asgi``
routes its path here: the DRF view itself (same authentication, validation and
errors as through the URLconf) runs on two long-lived database threads that keep
their connection open, with the response headers the security middleware would add.

The URLconf keeps the same view for the test client, WSGI and the API schema.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from typing import Any, cast

from django.core.handlers.asgi import ASGIRequest
from django.core.handlers.exception import convert_exception_to_response
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.security import SecurityMiddleware
from django.utils import translation

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]
AsgiApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Two threads: one per core of the target machine; each holds one connection.
_DB_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pcrm-hot-db")


def _unused(request: HttpRequest) -> HttpResponse:  # the middleware below only post-process
    raise NotImplementedError


_SECURITY = SecurityMiddleware(_unused)
_FRAMES = XFrameOptionsMiddleware(_unused)


def bare_route(
    view: Callable[..., HttpResponseBase],
    *,
    max_body: int,
    threads: ThreadPoolExecutor = _DB_THREADS,
) -> AsgiApp:
    """An ASGI app that serves ``view`` (a DRF ``as_view()``) on the database threads."""

    def rendered(request: HttpRequest) -> HttpResponseBase:
        try:
            response = view(request)
            render = getattr(response, "render", None)
            if callable(render):
                render()
            return response
        except (OperationalError, InterfaceError):
            # No request signals here to retire a broken connection (a database restart):
            # close it, so that this thread's next call connects afresh.
            connection.close()
            raise

    handler = convert_exception_to_response(rendered)  # any other error: a logged 500

    def serve(request: HttpRequest) -> HttpResponseBase:
        translation.activate(translation.get_language_from_request(request))
        try:
            response = cast(HttpResponse, handler(request))  # a sync view: never awaitable
        finally:
            translation.deactivate()
        response = _SECURITY.process_response(request, response)
        return _FRAMES.process_response(request, response)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        body = await _read_body(receive, max_body)
        if body is None:
            await _send(send, HttpResponse(status=413))
            return
        request = ASGIRequest(scope, BytesIO(body))
        loop = asyncio.get_running_loop()
        response = await loop.run_in_executor(threads, functools.partial(serve, request))
        await _send(send, response)

    return app


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The request body, or None when it is larger than ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b""  # nobody is listening for the answer; the view sees an empty body
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def _send(send: Send, response: HttpResponseBase) -> None:
    content = response.content if isinstance(response, HttpResponse) else b""
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.items()]
    headers.append((b"content-length", str(len(content)).encode()))
    for cookie in response.cookies.values():
        headers.append((b"set-cookie", cookie.output(header="").strip().encode("ascii")))
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": content})
