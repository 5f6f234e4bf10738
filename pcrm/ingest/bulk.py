"""Set-based writes for imports: one statement per chunk, never a save() per row.

PostgreSQL: COPY the chunk into a temporary staging table, then one
``INSERT … SELECT … ON CONFLICT … DO UPDATE … WHERE changed``. SQLite: one
``executemany`` of the same upsert inside the caller's transaction.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

_stage_numbers = itertools.count(1)
# SQLite caps bound parameters per statement; lookups go in slices of this size.
_IN_SLICE = 5000
_KEY_SEP = "\x1f"


@dataclass(frozen=True)
class UpsertPlan:
    """Where a chunk goes: the table, its conflict key, the columns written and updated.

    ``sealed`` columns change on every write (random nonce), so they are left out
    of the "did anything change" comparison; their index/masked columns stand in.
    """

    table: str
    conflict: tuple[str, ...]
    columns: tuple[str, ...]
    update: tuple[str, ...]
    sealed: frozenset[str] = field(default_factory=frozenset)


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def tune_for_bulk() -> None:
    """SQLite: a larger page cache keeps the customer indexes in memory during an import,
    and the statement journals stay in memory.

    Each row of an ``executemany`` upsert is a statement that may fail on a unique
    index, so SQLite journals the pages it changes (a dozen indexes: a dozen pages per
    row) to undo that one statement; in a temporary file that is millions of writes
    per million rows, in memory it is a copy freed at the end of the statement.
    """
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")
            # SQLite refuses to change it inside a transaction (an all-or-nothing import).
            if not connection.in_atomic_block:
                cursor.execute("PRAGMA temp_store = MEMORY")


def upsert(plan: UpsertPlan, rows: Sequence[Sequence[Any]]) -> tuple[int, int]:
    """Write ``rows`` (tuples in ``plan.columns`` order); return (inserted, updated)."""
    if not rows:
        return 0, 0
    if is_postgres():
        return _upsert_postgres(plan, rows)
    return _upsert_sqlite(plan, rows)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _update_clause(plan: UpsertPlan) -> str:
    if not plan.update:
        return "DO NOTHING"
    sets = ", ".join(f"{_q(c)} = EXCLUDED.{_q(c)}" for c in plan.update)
    compared = [c for c in plan.update if c not in plan.sealed] or list(plan.update)
    if is_postgres():
        mine = ", ".join(f"{_q(plan.table)}.{_q(c)}" for c in compared)
        theirs = ", ".join(f"EXCLUDED.{_q(c)}" for c in compared)
        where = f"ROW({mine}) IS DISTINCT FROM ROW({theirs})"
    else:
        where = " OR ".join(f"{_q(plan.table)}.{_q(c)} IS NOT EXCLUDED.{_q(c)}" for c in compared)
    return f"DO UPDATE SET {sets} WHERE {where}"


def _upsert_postgres(plan: UpsertPlan, rows: Sequence[Sequence[Any]]) -> tuple[int, int]:
    stage = f"pcrm_ingest_stage_{next(_stage_numbers)}"
    cols = ", ".join(_q(c) for c in plan.columns)
    conflict = ", ".join(_q(c) for c in plan.conflict)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS "  # noqa: S608 (names are ours)
            f"SELECT {cols} FROM {_q(plan.table)} WITH NO DATA"
        )
        with cursor.copy(f"COPY {stage} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {_q(plan.table)} ({cols}) SELECT {cols} FROM {stage} "  # noqa: S608
            f"ON CONFLICT ({conflict}) {_update_clause(plan)} RETURNING (xmax = 0)"
        )
        flags = [flag for (flag,) in cursor.fetchall()]
        cursor.execute(f"DROP TABLE {stage}")
    inserted = sum(1 for f in flags if f)
    return inserted, len(flags) - inserted


def _upsert_sqlite(plan: UpsertPlan, rows: Sequence[Sequence[Any]]) -> tuple[int, int]:
    cols = ", ".join(_q(c) for c in plan.columns)
    marks = ", ".join(["%s"] * len(plan.columns))
    conflict = ", ".join(_q(c) for c in plan.conflict)
    sql = (
        f"INSERT INTO {_q(plan.table)} ({cols}) VALUES ({marks}) "  # noqa: S608
        f"ON CONFLICT ({conflict}) {_update_clause(plan)}"
    )
    with connection.cursor() as cursor:
        # New rows get rowids above the largest one (every table here has an integer key),
        # so counting them reads only the new part of the table, not all of it.
        cursor.execute(f"SELECT COALESCE(MAX(rowid), 0) FROM {_q(plan.table)}")  # noqa: S608
        top = int(cursor.fetchone()[0])
        changes_before = _total_changes()
        # Decimals go in as text (Django's sqlite3 adapter) so that money keeps its cents.
        cursor.executemany(sql, rows)
        changed = _total_changes() - changes_before
        cursor.execute(f"SELECT COUNT(*) FROM {_q(plan.table)} WHERE rowid > %s", [top])  # noqa: S608
        inserted = int(cursor.fetchone()[0])
    return inserted, changed - inserted


def _total_changes() -> int:
    raw = connection.connection
    return int(raw.total_changes) if raw is not None else 0


def lookup(
    table: str, key: str, wanted: Iterable[str], *columns: str
) -> dict[str, tuple[Any, ...]]:
    """``{key: (columns…)}`` for the wanted keys that exist, in slices."""
    keys = sorted(set(wanted))
    found: dict[str, tuple[Any, ...]] = {}
    select = ", ".join([_q(key), *(_q(c) for c in columns)])
    with connection.cursor() as cursor:
        for start in range(0, len(keys), _IN_SLICE):
            part = keys[start : start + _IN_SLICE]
            if is_postgres():
                cursor.execute(
                    f"SELECT {select} FROM {_q(table)} WHERE {_q(key)} = ANY(%s)",  # noqa: S608
                    [part],
                )
            else:
                marks = ", ".join(["%s"] * len(part))
                cursor.execute(
                    f"SELECT {select} FROM {_q(table)} WHERE {_q(key)} IN ({marks})",  # noqa: S608
                    part,
                )
            for row in cursor.fetchall():
                found[row[0]] = tuple(row[1:])
    return found


def fingerprints(kind: str, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The stored (row digest, raw line digest) of these keys of this kind."""
    keys = sorted(set(keys))
    found: dict[str, tuple[str, str]] = {}
    with connection.cursor() as cursor:
        if is_postgres():
            # One query per chunk; the keys travel as one text (a list of 20,000 strings
            # costs more to adapt than the lookup itself). Parsed codes hold no separator
            # (whitespace is stripped from them); a key that did would only be missed,
            # and a missed fingerprint means "parse and compare", never a wrong skip.
            cursor.execute(
                "SELECT key, digest, raw_digest FROM ingest_importfingerprint "
                "WHERE kind = %s AND key = ANY(string_to_array(%s, %s))",
                [kind, _KEY_SEP.join(keys), _KEY_SEP],
            )
            found.update((key, (digest, raw)) for key, digest, raw in cursor.fetchall())
            return found
        for start in range(0, len(keys), _IN_SLICE):
            part = keys[start : start + _IN_SLICE]
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                "SELECT key, digest, raw_digest FROM ingest_importfingerprint "  # noqa: S608
                f"WHERE kind = %s AND key IN ({marks})",
                [kind, *part],
            )
            found.update((key, (digest, raw)) for key, digest, raw in cursor.fetchall())
    return found


class PlannerStatistics:
    """Keeps PostgreSQL's statistics of the tables an import grows near their real size.

    Autovacuum analyzes a table some time after it changed, and not at all where it is
    off. Until then the planner takes a fingerprint table that grew from nothing to a
    million rows for a small one, and looks a chunk's keys up by reading every row of
    the kind instead of probing the key index: each chunk then costs more than the one
    before, and the next import pays it all again. So an import analyzes the
    fingerprint table and the table it writes each time the fingerprints have doubled
    since their last statistics (a handful of times per import; a plan only needs the
    size within a factor of two). Does nothing on SQLite, whose planner probes the
    unique index without statistics.
    """

    def __init__(self, *tables: str) -> None:
        self.tables = (FINGERPRINT_PLAN.table, *tables)
        self.grown = 0
        self.known = 0.0
        if is_postgres():
            self.known = self._known_rows()
            if self.known < 0:  # never analyzed
                self._analyze()

    def added(self, rows: int) -> None:
        """Count ``rows`` new fingerprints; analyze once they outnumber the known ones."""
        if not is_postgres():
            return
        self.grown += rows
        if self.grown > self.known:
            self._analyze()

    def _analyze(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE " + ", ".join(_q(t) for t in self.tables))
        self.known, self.grown = self._known_rows(), 0

    def _known_rows(self) -> float:
        """The row count the planner believes (-1: the table was never analyzed)."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [self.tables[0]]
            )
            return float(cursor.fetchone()[0])


FINGERPRINT_PLAN = UpsertPlan(
    table="ingest_importfingerprint",
    conflict=("kind", "key"),
    columns=("kind", "key", "digest", "raw_digest"),
    update=("digest", "raw_digest"),
)
