"""The walk-in hot path: a small pool of long-lived database threads for the queue
machine's API view under ASGI, and ORM lookups compiled to SQL once.

Under uvicorn, Django runs each sync view in a thread of its own: without a pool
every request would open a new PostgreSQL connection, and even with one it checks a
connection out and in and hops through asgiref's shared sync thread. The queue
machine's call is wrapped so its database work runs on two threads that keep their
connection open. Outside ASGI (tests, WSGI) the view runs as usual.
"""

from __future__ import annotations

import asyncio
import functools
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db import InterfaceError, OperationalError, connection, connections
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse

# Two threads: one per core of the target machine; each holds one connection.
_DB_THREADS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pcrm-hot-db")


def on_db_threads(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a DRF ``as_view()`` callable; keeps its schema and CSRF attributes."""

    def run(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response: HttpResponse = view(request, *args, **kwargs)
            render = getattr(response, "render", None)
            if not callable(render):
                return response
            render()
            # A plain response: Django would otherwise call ``render`` again through
            # asgiref's sync thread, one more thread hop for nothing.
            plain = HttpResponse(response.content, status=response.status_code)
            for header, value in response.items():
                plain[header] = value
            return plain
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


class CompiledFirst[M: Model]:
    """``queryset.first()`` of one fixed query shape, compiled to SQL once per thread.

    Building and compiling an ORM query (joins, ``only()``, ``select_related``) costs
    several times the indexed lookup it runs. ``build(value)`` returns the queryset
    for a value (with its ordering); it is compiled once with a marker value, and
    each call runs the same SQL with the marker's parameter replaced, then builds the
    instance and its forward ``select_related`` instances from the row with the
    database converters Django itself would apply (decryption, decimals, dates).
    """

    def __init__(self, build: Callable[[Any], QuerySet[M]]) -> None:
        self._build = build
        self._local = threading.local()

    def _plan(self) -> _Plan:
        plans: dict[tuple[str, int], _Plan] = self._local.__dict__.setdefault("plans", {})
        # This thread's connection object (``connection`` itself is a shared proxy).
        key = (connection.alias, id(connections[connection.alias]))
        plan = plans.get(key)
        if plan is None:
            plan = plans[key] = _Plan.compile(self._build(_MARKER)[:1])
        return plan

    def sql_for(self, value: Any) -> tuple[str, list[Any]]:
        plan = self._plan()
        params = list(plan.params)
        params[plan.marker_at] = value
        return plan.sql, params

    def first(self, value: Any) -> M | None:
        plan = self._plan()
        params = list(plan.params)
        params[plan.marker_at] = value
        if connection.vendor == "postgresql":
            row = _fetch_prepared(plan.sql, params)
        else:  # sqlite3 keeps its own cache of prepared statements
            with connection.cursor() as cursor:
                cursor.execute(plan.sql, params)
                row = cursor.fetchone()
        if row is None:
            return None
        row = next(plan.compiler.apply_converters([row], plan.converters))
        obj: M = plan.build(row)
        return obj


_MARKER = "\x00pcrm-compiled-first-marker\x00"


def _fetch_prepared(sql: str, params: list[Any]) -> Any:
    """Run the query as a server-side prepared statement of this connection.

    Django's cursors bind parameters on the client, so PostgreSQL would plan the
    join again on every swipe (planning costs more than executing it). A psycopg
    cursor with server-side binding prepares it once per connection (psycopg keeps
    the statement's name per connection, so a new or pooled connection prepares
    again). Logged like Django's own queries when they are being captured.
    """
    import psycopg

    connection.ensure_connection()
    start = time.monotonic()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        row = cursor.fetchone()
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": f"/* prepared */ {sql}", "time": f"{time.monotonic() - start:.3f}"}
        )
    return row


@dataclass
class _Plan:
    sql: str
    params: tuple[Any, ...]
    marker_at: int
    compiler: Any
    converters: dict[int, Any]
    model: type[Model]
    columns: tuple[int, int, list[str]]
    related: list[tuple[Any, type[Model], tuple[int, int, list[str]]]]

    @classmethod
    def compile(cls, queryset: QuerySet[Any]) -> _Plan:
        compiler = queryset.query.get_compiler(using=connection.alias)
        sql, params = compiler.as_sql()
        params = tuple(params)
        if params.count(_MARKER) != 1:
            raise ValueError("the query must use the looked-up value exactly once")
        select, info = compiler.select, compiler.klass_info

        def span(fields: list[int]) -> tuple[int, int, list[str]]:
            start, end = fields[0], fields[-1] + 1
            return start, end, [col[0].target.attname for col in select[start:end]]

        related = []
        for rel in info.get("related_klass_infos", []):
            if rel.get("reverse") or rel.get("related_klass_infos"):
                raise ValueError("only one level of forward select_related is supported")
            related.append((rel["field"], rel["model"], span(rel["select_fields"])))
        return cls(
            sql=sql,
            params=params,
            marker_at=params.index(_MARKER),
            compiler=compiler,
            converters=compiler.get_converters([col[0] for col in select]),
            model=info["model"],
            columns=span(info["select_fields"]),
            related=related,
        )

    def build(self, row: list[Any]) -> Any:
        start, end, names = self.columns
        obj = self.model.from_db(connection.alias, names, row[start:end])
        for field, model, (rstart, rend, rnames) in self.related:
            values = row[rstart:rend]
            rel_pk = values[rnames.index(model._meta.pk.attname)]
            related = None if rel_pk is None else model.from_db(connection.alias, rnames, values)
            field.set_cached_value(obj, related)
        return obj
