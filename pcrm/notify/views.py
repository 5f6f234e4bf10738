"""The live-event stream: ``GET /notify/stream/`` (Server-Sent Events, async under uvicorn)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse

from pcrm.notify.live import Subscriber, hub

# Comment lines keep proxies and the browser from closing an idle stream.
HEARTBEAT_SECONDS = 15.0


async def stream(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The signed-in member of staff's live events, one ``alert`` event per notice."""
    if not isinstance(request, ASGIRequest):
        # Under WSGI (runserver, the test live server) a stream would hold a worker
        # thread for ever; 204 tells EventSource not to reconnect.
        return HttpResponse(status=204)
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse(status=403)
    await hub.ensure_listener()
    subscriber = hub.subscribe(int(user.pk))
    response = StreamingHttpResponse(_events(subscriber), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


async def _events(subscriber: Subscriber) -> AsyncIterator[str]:
    try:
        yield f"retry: 3000\n: connected {os.getpid()}\n\n"
        while True:
            try:
                payload = await asyncio.wait_for(subscriber.queue.get(), HEARTBEAT_SECONDS)
            except TimeoutError:
                yield ": keep-alive\n\n"
                continue
            yield f"event: alert\ndata: {payload}\n\n"
    finally:
        hub.unsubscribe(subscriber)
