"""The bulk write path for generated work items (the playbook's nightly run).

Set-based and idempotent like :func:`pcrm.worklist.services.work_item_put`: only keys not
yet in the queue are inserted, so an item open, done or skipped is never raised again.
On PostgreSQL the rows are ``COPY``-ed straight into the table (the engine has already
left out the keys it read); should a key have been taken meanwhile, that copy is rolled
back to its savepoint and the rows go through a temporary table and
``INSERT ... ON CONFLICT DO NOTHING``, as they always do on SQLite. The caller
(the playbook run service) holds its run lock, opens the transaction and writes the
run's one audit event.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, transaction
from django.utils import timezone

from pcrm.lib.pgcopy import copy_in
from pcrm.worklist.models import WorkItem

ITEM_COLUMNS = (
    "item_key", "customer_id", "staff_id", "branch_id", "kind", "subject", "due_on",
    "channel", "content", "priority", "reason",
)  # fmt: skip


def _sql_type(kind: pa.DataType) -> str:
    if pa.types.is_integer(kind):
        return "bigint"
    if pa.types.is_date(kind):
        return "date"
    if pa.types.is_floating(kind):
        return "double precision"
    if pa.types.is_boolean(kind):
        return "boolean"
    return "text"


def bulk_load_temp(cursor: Any, name: str, table: pa.Table) -> None:
    """Create temporary table ``name`` shaped like ``table`` and fill it in bulk."""
    cols = ", ".join(f"{f.name} {_sql_type(f.type)}" for f in table.schema)
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} ({cols})")
    if table.num_rows == 0:
        return
    if connection.vendor == "postgresql":
        copy_in(cursor.cursor, name, table)
        cursor.execute(f"ANALYZE {name}")  # temporary tables get no statistics otherwise
        return
    marks = ", ".join(["%s"] * table.num_columns)
    # SQLite keeps dates as ISO text (as Django does).
    columns = [c.cast(pa.string()) if pa.types.is_date(c.type) else c for c in table.columns]
    rows = zip(*(col.to_pylist() for col in columns), strict=True)
    cursor.executemany(f"INSERT INTO {name} VALUES ({marks})", list(rows))  # noqa: S608


def _fixed_columns(*, run_id: int, created_for: Any) -> dict[str, Any]:
    """Values of the WorkItem columns the engine does not compute (defaults, run, dates);
    read from the model so that columns added later get their defaults."""
    given = set(ITEM_COLUMNS) | {"id"}
    fixed: dict[str, Any] = {}
    for field in WorkItem._meta.concrete_fields:
        if not field.column or field.column in given:
            continue
        value: Any
        if field.column == "run_id":
            value = run_id
        elif field.column == "created_for":
            value = created_for
        elif getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False):
            value = timezone.now()
        else:
            value = field.get_default()
        fixed[field.column] = field.get_db_prep_save(value, connection)
    return fixed


def _constant(value: Any, rows: int) -> pa.Array:
    """``value`` repeated ``rows`` times (a null column is cast to its target's type)."""
    if value is None:
        return pa.nulls(rows, pa.string())
    return pa.repeat(pa.scalar(value), rows)


# Session memory for rebuilding indexes after a large load (a sort per index).
REBUILD_MAINTENANCE_MEM = "256MB"


def _rebuildable_indexes(cursor: Any, target: str) -> list[tuple[str, str]]:
    """(drop, create) statements of ``target``'s indexes, the primary key and unique
    constraints as constraints. An index a foreign key refers to stays: dropping it would
    drop the foreign key."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid), c.conname, "
        "pg_get_constraintdef(c.oid) FROM pg_index i LEFT JOIN pg_constraint c "
        "ON c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u') "
        "WHERE i.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint f "
        "WHERE f.contype = 'f' AND f.conindid = i.indexrelid) ORDER BY 1",
        [target],
    )
    found = []
    for index, definition, constraint, condef in cursor.fetchall():
        if constraint:
            found.append((
                f'ALTER TABLE {target} DROP CONSTRAINT "{constraint}"',
                f'ALTER TABLE {target} ADD CONSTRAINT "{constraint}" {condef}',
            ))  # fmt: skip
        else:
            found.append((f"DROP INDEX {index}", definition))
    return found


def _copy_rebuilding_indexes(cursor: Any, target: str, table: pa.Table) -> None:
    """COPY a load larger than the table it goes into (the first run, or after the queue
    was purged) with the indexes dropped and built again afterwards: one sort per index
    costs a third of inserting millions of entries one by one. Inside the caller's
    transaction, so a failure restores the indexes; the table stays locked (ACCESS
    EXCLUSIVE) until the transaction ends, which a nightly run can afford."""
    indexes = _rebuildable_indexes(cursor, target)
    cursor.execute(f"SET LOCAL maintenance_work_mem = '{REBUILD_MAINTENANCE_MEM}'")
    for drop, _create in indexes:
        cursor.execute(drop)
    copy_in(cursor, target, _numbered(cursor, target, table))
    for _drop, create in indexes:
        cursor.execute(create)


def _numbered(cursor: Any, target: str, table: pa.Table) -> pa.Table:
    """``table`` with its identity columns filled from one block of their sequences: no
    ``nextval`` per row, and the primary key then builds from presorted input.

    Only while ``target`` is locked exclusively (its indexes are dropped): every other
    insert, the only other user of the sequence, waits for the lock before it draws a
    number, so nothing can draw one between ``nextval`` and ``setval``."""
    cursor.execute(
        "SELECT a.attname, pg_get_serial_sequence(%s, a.attname) FROM pg_attribute a "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped "
        "AND pg_get_serial_sequence(%s, a.attname) IS NOT NULL",
        [target, target, target],
    )
    for column, sequence in cursor.fetchall():
        if column in table.column_names or table.num_rows == 0:
            continue
        cursor.execute("SELECT nextval(%s)", [sequence])
        first = int(cursor.fetchone()[0])
        cursor.execute("SELECT setval(%s, %s)", [sequence, first + table.num_rows - 1])
        numbers = pa.array(np.arange(first, first + table.num_rows, dtype=np.int64))
        table = table.add_column(0, column, numbers)
    return table


def _is_large_load(cursor: Any, target: str, table: pa.Table) -> bool:
    """Whether ``table`` outweighs what ``target`` already holds (its heap size, which is
    always current, unlike planner statistics)."""
    cursor.execute("SELECT pg_relation_size(%s::regclass)", [target])
    return int(table.nbytes) > int(cursor.fetchone()[0])


def copy_insert(cursor: Any, target: str, table: pa.Table) -> bool:
    """PostgreSQL: ``COPY`` ``table`` straight into ``target`` (heap multi-insert, no
    staging), all or nothing under a savepoint. False when a unique key was already taken
    (a concurrent writer, or a duplicate in ``table``): nothing was written, and the caller
    falls back to its staged ``ON CONFLICT`` statement."""
    raw = cursor.cursor
    try:
        with transaction.atomic():
            if _is_large_load(raw, target, table):
                _copy_rebuilding_indexes(raw, target, table)
            else:
                copy_in(raw, target, table)
    except psycopg.errors.UniqueViolation:
        return False
    return True


def _kind_counts(kinds: pa.ChunkedArray) -> dict[str, int]:
    counts = pc.value_counts(kinds)
    return dict(
        zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True)
    )


def work_items_bulk_put(*, run: Any, rows: pa.Table) -> dict[str, int]:
    """Insert the generated items whose ``item_key`` is new; returns counts per kind of
    the items actually created. ``run`` provides ``pk`` and ``as_of``.

    The engine already left out the keys it read, so on PostgreSQL the rows are first
    copied straight into the table; only when a key was taken meanwhile (or twice in
    ``rows``) does it go the staged way, where the unique key decides."""
    table = rows.select(list(ITEM_COLUMNS))
    fixed = _fixed_columns(run_id=run.pk, created_for=run.as_of)
    target = WorkItem._meta.db_table
    if table.num_rows == 0:
        return {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            full = table
            for column, value in fixed.items():
                full = full.append_column(column, _constant(value, table.num_rows))
            if copy_insert(cursor, target, full):
                return _kind_counts(table["kind"])
        return _staged_put(cursor, target, table, fixed)


def _staged_put(cursor: Any, target: str, table: pa.Table, fixed: dict[str, Any]) -> dict[str, int]:
    columns = ", ".join([*ITEM_COLUMNS, *fixed])
    values = ", ".join([*(f"n.{c}" for c in ITEM_COLUMNS), *(["%s"] * len(fixed))])
    # Table and column names are ours (model metadata), never user input. No anti-join in the
    # INSERT: the unique key decides (an anti-join against the table being filled turns
    # quadratic on PostgreSQL when its statistics say it is empty).
    insert = (
        f"INSERT INTO {target} ({columns}) SELECT {values} FROM pcrm_new_items n WHERE true "  # noqa: S608
        "ON CONFLICT (item_key) DO NOTHING"
    )
    bulk_load_temp(cursor, "pcrm_new_items", table)
    if connection.vendor == "postgresql":
        counted = f"WITH ins AS ({insert} RETURNING kind) SELECT kind, COUNT(*) FROM ins"  # noqa: S608
        cursor.execute(counted + " GROUP BY kind", list(fixed.values()))
        counts = {kind: int(count) for kind, count in cursor.fetchall()}
    else:
        exists = f"SELECT 1 FROM {target} w WHERE w.item_key = n.item_key"  # noqa: S608
        keys = "(SELECT DISTINCT kind, item_key FROM pcrm_new_items)"
        fresh = f"FROM {keys} n WHERE NOT EXISTS ({exists})"
        cursor.execute(f"SELECT n.kind, COUNT(*) {fresh} GROUP BY n.kind")
        counts = {kind: int(count) for kind, count in cursor.fetchall()}
        cursor.execute(insert, list(fixed.values()))
    cursor.execute("DROP TABLE IF EXISTS pcrm_new_items")
    return counts


def upsert_rows(
    *,
    table_name: str,
    key: str,
    rows: pa.Table,
    fixed: dict[str, Any],
    update: Iterable[str],
    casts: dict[str, str] | None = None,
) -> int:
    """Insert or update rows of ``table_name`` by ``key`` in one statement (segments)."""
    columns = [*rows.column_names, *fixed]
    use = (casts or {}) if connection.vendor == "postgresql" else {}
    selected = [f"n.{c}::{use[c]}" if c in use else f"n.{c}" for c in rows.column_names]
    values = ", ".join([*selected, *(["%s"] * len(fixed))])
    sets = ", ".join(f"{c} = excluded.{c}" for c in update)
    with connection.cursor() as cursor:
        bulk_load_temp(cursor, "pcrm_upsert_rows", rows)
        target = f"{table_name} ({', '.join(columns)})"
        insert = f"INSERT INTO {target} SELECT {values} "
        cursor.execute(
            insert + f"FROM pcrm_upsert_rows n WHERE true ON CONFLICT ({key}) DO UPDATE SET {sets}",
            list(fixed.values()),
        )
        cursor.execute("DROP TABLE IF EXISTS pcrm_upsert_rows")
    return int(rows.num_rows)


def item_kinds() -> Sequence[str]:
    """Kinds a playbook run generates (the others come from features)."""
    return (
        "establish_relationship", "maintenance", "maturity_reminder", "stop_loss", "gain_protect",
        "large_account_change", "birthday_greeting", "holiday_greeting", "red_list_invite",
        "risk_reassessment",
    )  # fmt: skip
