"""Bulk writes for the demo generator: many rows per statement, never one save() per row.

Rows are plain tuples in a declared column order with the primary key assigned by the
generator (so related rows can point at them without reading anything back). SQLite
gets batched ``executemany``; PostgreSQL gets ``COPY … FROM STDIN``. Values are what
both drivers adapt natively: str, int, bool, None, Decimal, date and naive UTC datetime
(Django stores naive UTC on SQLite and sets the PostgreSQL session to UTC). Sealed
columns must be sealed by the caller (see :func:`pcrm.lib.crypto.seal`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.core.management.color import no_style
from django.db import DatabaseError, connection, models
from django.db.models import Max

Row = Sequence[Any]


class TableWriter:
    """Append rows to one model's table."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        fields = {f.attname: f.column for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no column(s) {unknown}")
        self.model = model
        self.table = model._meta.db_table
        self.columns = [str(fields[c]) for c in columns]
        self.written = 0
        self.seconds = 0.0  # time spent writing, for the benchmark

    def write(self, rows: Iterable[Row]) -> int:
        rows = rows if isinstance(rows, list) else list(rows)
        if not rows:
            return 0
        started, quote = time.perf_counter(), connection.ops.quote_name
        names = ", ".join(quote(c) for c in self.columns)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # the driver's cursor: Django's wrapper adds per-row overhead
            if connection.vendor == "postgresql":
                with raw.copy(f"COPY {quote(self.table)} ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join("?" for _ in self.columns)
                raw.executemany(
                    f"INSERT INTO {quote(self.table)} ({names}) VALUES ({marks})",  # noqa: S608
                    rows,
                )
        self.written += len(rows)
        self.seconds += time.perf_counter() - started
        return len(rows)


def next_id(model: type[models.Model]) -> int:
    """The first free primary key (the generator numbers rows itself)."""
    top = model._default_manager.aggregate(top=Max("pk"))["top"]
    return int(top or 0) + 1


def reset_sequences(model_list: Sequence[type[models.Model]]) -> None:
    """After explicit primary keys, move PostgreSQL's sequences past them (SQLite needs nothing)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def tune_for_bulk() -> None:
    """A larger page cache on SQLite: index upkeep dominates big inserts (no effect elsewhere)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # KiB: 256 MB


@contextmanager
def indexes_deferred(model_list: Sequence[type[models.Model]]) -> Iterator[None]:
    """On SQLite, drop the tables' secondary indexes for a big load and build them after.

    Building an index once over sorted data is far cheaper than keeping random keys
    (blind indexes, booking times) in order row by row. The indexes come back even when
    the load fails. Other databases load with their indexes in place.
    """
    if connection.vendor != "sqlite":
        yield
        return
    tables = [m._meta.db_table for m in model_list]
    marks = ", ".join("%s" for _ in tables)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
            f"AND tbl_name IN ({marks})",
            tables,
        )
        saved = cursor.fetchall()
        for name, _sql in saved:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        failed = []
        with connection.cursor() as cursor:
            for name, sql in saved:
                try:
                    cursor.execute(sql)
                except DatabaseError:
                    failed.append(name)
        if failed:
            raise DatabaseError(f"could not rebuild index(es) {failed}: duplicate keys loaded?")
