"""Run a hot API view on a small pool of long-lived database threads under ASGI.

Under uvicorn, Django runs each sync view in a fresh thread per request, so every
request opens a new database connection (no connection pool is installed); on
PostgreSQL that alone costs more than the walk-in latency budget. The queue
machine's call is wrapped so its database work runs on threads that keep their
connection open. Outside ASGI (tests, WSGI) the view runs as usual.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse

# Two threads: one per core of the target machine; each holds one connection.
_DB_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pcrm-hot-db")


def on_db_threads(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a DRF ``as_view()`` callable; keeps its schema and CSRF attributes."""

    def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response: HttpResponse = view(request, *args, **kwargs)
            render = getattr(response, "render", None)
            if callable(render):
                render()
            return response
        except (OperationalError, InterfaceError):
            connection.close()  # a broken long-lived connection is replaced next time
            raise

    async def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if isinstance(request, ASGIRequest):
            loop = asyncio.get_running_loop()
            call = functools.partial(run, request, *args, **kwargs)
            return await loop.run_in_executor(_DB_THREADS, call)
        return await sync_to_async(run)(request, *args, **kwargs)

    for name in ("cls", "initkwargs", "view_class", "view_initkwargs", "csrf_exempt"):
        if hasattr(view, name):
            setattr(wrapper, name, getattr(view, name))
    return wrapper
