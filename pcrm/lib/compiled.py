"""ORM lookups compiled to SQL once: for hot paths that run one fixed query shape.

Building and compiling an ORM query (joins, ``only()``, ``select_related``) costs
several times the indexed lookup it runs. Used by the queue machine's call (token
check, customer lookup), where every millisecond reaches the manager's screen.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, connections
from django.db.models import Model, QuerySet


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
    again). Logged like Django's own queries when they are being captured; errors
    are Django's own too (``django.db.OperationalError`` for a lost connection).
    """
    import psycopg

    connection.ensure_connection()
    start = time.monotonic()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
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
