"""Read the operational tables the rules need, in columnar form (pyarrow).

On PostgreSQL each query streams through ``COPY ... TO STDOUT`` into pyarrow's CSV
reader; on SQLite the cursor's rows are turned into columns. Money is read as integer
cents so that thresholds compare exactly (−9.99 % is not −10 %).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any

import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.db import connection, connections, transaction

from pcrm.lib.pgcopy import CopyOutReader

LOCAL_DATE = {
    "postgresql": "(({col}) AT TIME ZONE 'Asia/Shanghai')::date",
    "sqlite": "date({col}, '+8 hours')",
}
# A money column (DECIMAL(18, 2)) is selected with _cents() and declared MONEY; it comes back
# as int64 cents. PostgreSQL sends the decimal text as stored (multiplying on the server
# cost a quarter of the holdings read) and pyarrow parses it as a double: up to ¥10 trillion
# its error and that of × 100 stay below a fifth of a cent, so rounding gives the exact cents.
# SQLite multiplies itself.
CENTS = {
    "postgresql": "{col}",
    "sqlite": "CAST(ROUND(({col}) * 100) AS INTEGER)",
}
MONEY, F64 = pa.decimal128(18, 2), pa.float64()


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType


def _local_date(col: str) -> str:
    return LOCAL_DATE[connection.vendor].format(col=col)


def _cents(col: str) -> str:
    return CENTS[connection.vendor].format(col=col)


def fetch_arrow(sql: str, columns: list[Column], params: dict[str, Any] | None = None) -> pa.Table:
    """Run a SELECT and return its rows as a pyarrow table with the given column types."""
    schema = pa.schema([(c.name, c.type) for c in columns])
    if connection.vendor == "postgresql":
        text = pa.schema([(c.name, F64 if c.type == MONEY else c.type) for c in columns])
        return _money_to_cents(_fetch_copy(sql, text, params or {}), columns)
    with connection.cursor() as cursor:
        cursor.execute(sql, params or {})
        rows = cursor.fetchall()
    data: list[Sequence[Any]] = list(zip(*rows, strict=True)) if rows else [[] for _ in columns]
    arrays = [_array(values, c.type) for values, c in zip(data, columns, strict=True)]
    return pa.Table.from_arrays(arrays, names=schema.names)


def _money_to_cents(table: pa.Table, columns: list[Column]) -> pa.Table:
    """MONEY columns read as double yuan → exact int64 cents."""
    for i, column in enumerate(columns):
        if column.type == MONEY:
            cents = pc.cast(pc.round(pc.multiply(table.column(i), 100.0)), pa.int64())
            table = table.set_column(i, column.name, cents)
    return table


def _array(column: Sequence[Any], kind: pa.DataType) -> pa.Array:
    values = list(column)
    if pa.types.is_date32(kind):
        values = [
            dt.date.fromisoformat(str(v)[:10]) if v not in (None, "") else None for v in values
        ]
    elif pa.types.is_boolean(kind) or pa.types.is_integer(kind):
        values = [int(v) if v is not None else None for v in values]
    elif kind == MONEY:  # already cents (see CENTS)
        return pa.array([int(v) if v is not None else None for v in values], type=pa.int64())
    return pa.array(values, type=kind)


def _fetch_copy(sql: str, schema: pa.Schema, params: dict[str, Any]) -> pa.Table:
    raw = connection.connection
    if raw is None:  # pragma: no cover - the cursor above always connects
        connection.ensure_connection()
        raw = connection.connection
    bound = psycopg.ClientCursor(raw).mogrify(sql, params) if params else sql
    # Parsed as it arrives: pyarrow reads blocks on its own thread while earlier ones
    # are parsed on others, so receiving and parsing overlap.
    with CopyOutReader(raw, f"COPY ({bound}) TO STDOUT (FORMAT CSV)") as stream:
        if not stream.peek():
            return schema.empty_table()
        return pacsv.read_csv(
            stream,
            read_options=pacsv.ReadOptions(column_names=schema.names, block_size=1 << 22),
            convert_options=pacsv.ConvertOptions(
                column_types=schema, strings_can_be_null=False, quoted_strings_can_be_null=False
            ),
        )


I64, I32, STR, DATE = pa.int64(), pa.int32(), pa.string(), pa.date32()


def read_customers() -> pa.Table:
    sql = """SELECT c.id, c.customer_no, c.branch_id, c.manager_id,
        CASE WHEN c.service_established THEN 1 ELSE 0 END,
        CASE WHEN c.red_list THEN 1 ELSE 0 END,
        c.potential, c.orientation, c.contact_preference, c.risk_rating, c.risk_assessed_on,
        CASE WHEN c.marketing_consent THEN 1 ELSE 0 END,
        CASE WHEN c.phone_masked <> '' THEN 1 ELSE 0 END,
        c.birth_date, CASE WHEN c.lunar_birthday THEN 1 ELSE 0 END
        FROM customers_customer c"""
    names = [
        ("id", I64), ("customer_no", STR), ("branch_id", I64), ("manager_id", I64),
        ("service_established", I32), ("red_list", I32), ("potential", I32),
        ("orientation", STR), ("pref", STR), ("risk_rating", STR),
        ("risk_assessed_on", DATE), ("marketing_consent", I32), ("has_phone", I32),
        ("birth_date", DATE), ("lunar_birthday", I32),
    ]  # fmt: skip
    return fetch_arrow(sql, [Column(n, t) for n, t in names])


def read_products() -> pa.Table:
    sql = "SELECT id, name, product_type, risk_level FROM customers_product"
    names = [("id", I64), ("name", STR), ("product_type", STR), ("risk_level", STR)]
    return fetch_arrow(sql, [Column(n, t) for n, t in names])


def read_holdings(pages: tuple[int, int | None] | None = None) -> pa.Table:
    """Active holdings; on PostgreSQL optionally only those stored in heap pages
    [first, last) (a TID range scan, so that parts can be read side by side)."""
    sql = f"""SELECT id, customer_id, product_id, {_cents("principal")}, {_cents("market_value")},
        matures_on FROM customers_holding WHERE status = 'active'"""  # noqa: S608 (no user input)
    if pages is not None:
        first, last = pages
        sql += f" AND ctid >= '({int(first)},0)'::tid"
        if last is not None:
            sql += f" AND ctid < '({int(last)},0)'::tid"
    names = [("id", I64), ("customer_id", I64), ("product_id", I64), ("principal_c", MONEY),
             ("mv_c", MONEY), ("matures_on", DATE)]  # fmt: skip
    return fetch_arrow(sql, [Column(n, t) for n, t in names])


def page_ranges(table: str, parts: int) -> list[tuple[int, int | None]]:
    """PostgreSQL: ``table``'s heap pages cut into ``parts`` ranges; the last is open-ended
    so that pages added since the size was read are not missed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::bigint",
            [table],
        )
        pages = int(cursor.fetchone()[0])
    cuts = [pages * i // parts for i in range(parts)]
    return [(lo, hi) for lo, hi in zip(cuts, [*cuts[1:], None], strict=True)]


def read_transactions(since: dt.date, until: dt.date) -> pa.Table:
    """Transactions booked (local date) in [since, until]."""
    local = _local_date("booked_at")
    sql = f"""SELECT id, txn_id, customer_id, {_cents("amount")}, {local}
        FROM customers_transaction
        WHERE booked_at >= %(lo)s AND booked_at < %(hi)s"""  # noqa: S608 (no user input)
    lo = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC) - dt.timedelta(hours=8)
    hi = dt.datetime.combine(until, dt.time(), tzinfo=dt.UTC) + dt.timedelta(hours=16)
    names = [
        ("id", I64),
        ("txn_id", STR),
        ("customer_id", I64),
        ("amount_c", MONEY),
        ("booked_on", DATE),
    ]
    table = fetch_arrow(sql, [Column(n, t) for n, t in names], _stamp_params(lo, hi))
    return table


def _stamp_params(lo: dt.datetime, hi: dt.datetime) -> dict[str, Any]:
    if connection.vendor == "sqlite":  # Django stores naive UTC text on SQLite
        fmt = "%Y-%m-%d %H:%M:%S"
        return {"lo": lo.strftime(fmt), "hi": hi.strftime(fmt)}
    return {"lo": lo, "hi": hi}


def read_last_reached(until: dt.date) -> pa.Table:
    """Per customer, the local date of the last interaction that reached them (≤ until)."""
    local = _local_date("occurred_at")
    sql = f"""SELECT customer_id, MAX({local}) FROM customers_interaction
        WHERE outcome = 'reached' AND occurred_at < %(hi)s GROUP BY customer_id"""  # noqa: S608 (no user input)
    hi = dt.datetime.combine(until, dt.time(), tzinfo=dt.UTC) + dt.timedelta(hours=16)
    params = _stamp_params(hi, hi)
    params.pop("lo")
    names = [("customer_id", I64), ("last_reached_on", DATE)]
    return fetch_arrow(sql, [Column(n, t) for n, t in names], params)


def read_previous_segments() -> pa.Table:
    """The segments as stored: the rules read the tier columns (slow downgrade); the write
    compares the rest with the new values so that only changed segments are written."""
    explanation = "explanation::text" if connection.vendor == "postgresql" else "explanation"
    sql = f"""SELECT customer_id, tier, tier_since, below_floor_since, {_cents("aum")}, potential,
        CASE WHEN potential_estimated THEN 1 ELSE 0 END, quadrant, interval_days,
        last_reached_on, next_maintenance_on, {explanation}, policy_version
        FROM playbook_customersegment"""  # noqa: S608 (no user input)
    names = [
        ("customer_id", I64), ("tier", STR), ("tier_since", DATE), ("below_floor_since", DATE),
        ("aum_c", MONEY), ("potential", I32), ("potential_estimated", I32), ("quadrant", STR),
        ("interval_days", I32), ("last_reached_on", DATE), ("next_maintenance_on", DATE),
        ("explanation", STR), ("policy_version", I64),
    ]  # fmt: skip
    return fetch_arrow(sql, [Column(n, t) for n, t in names])


def read_branch_heads() -> pa.Table:
    """Per branch, the branch head who gets the unassigned customers' items."""
    sql = """SELECT branch_id, MIN(id) FROM org_staff
        WHERE role = 'branch_head' AND is_active AND branch_id IS NOT NULL GROUP BY branch_id"""
    if connection.vendor == "sqlite":
        sql = sql.replace("AND is_active", "AND is_active = 1")
    return fetch_arrow(sql, [Column("branch_id", I64), Column("staff_id", I64)])


def read_existing_items(
    kinds: list[str], d: dt.date, window_end: dt.date, recent_since: dt.date
) -> pa.Table:
    """Existing items of the playbook's kinds: the key, whether it is open and due in
    [d, window_end] (the another-open-item rule), and whether it was created for a date
    after ``recent_since`` (the at-most-once-per-30-days rules)."""
    sql = """SELECT item_key, customer_id, kind, subject,
        CASE WHEN status IN ('open', 'deferred') AND due_on BETWEEN %(d)s AND %(w)s
             THEN 1 ELSE 0 END,
        CASE WHEN created_for > %(r)s AND created_for <= %(d)s THEN 1 ELSE 0 END
        FROM worklist_workitem WHERE kind IN %(kinds)s
           OR (status IN ('open', 'deferred') AND due_on BETWEEN %(d)s AND %(w)s)"""
    placeholders = ", ".join(f"%(k{i})s" for i in range(len(kinds)))
    sql = sql.replace("%(kinds)s", f"({placeholders})")
    params: dict[str, Any] = {f"k{i}": kind for i, kind in enumerate(kinds)}
    params.update(d=d.isoformat(), w=window_end.isoformat(), r=recent_since.isoformat())
    names = [("item_key", STR), ("customer_id", I64), ("kind", STR), ("subject", STR),
             ("open_in_window", I32), ("recent", I32)]  # fmt: skip
    return fetch_arrow(sql, [Column(n, t) for n, t in names], params)


# Connections reading side by side on PostgreSQL: the server scans on one core per
# connection while pyarrow parses on the others.
READ_CONNECTIONS = 2


def holdings_jobs() -> list[Callable[[], pa.Table]]:
    """Jobs that read the active holdings, the largest table: on PostgreSQL one per read
    connection, each over its share of the heap's pages."""
    if connection.vendor != "postgresql":
        return [read_holdings]
    return [
        partial(read_holdings, pages)
        for pages in page_ranges("customers_holding", READ_CONNECTIONS)
    ]


def read_all(jobs: Mapping[str, Callable[[], pa.Table]]) -> dict[str, pa.Table]:
    """Run the read ``jobs`` and return their tables by name, all from one snapshot.

    On PostgreSQL, outside a transaction, ``READ_CONNECTIONS`` threads take the jobs in
    order, each on a connection of its own in a repeatable-read transaction that imports
    the first one's snapshot (``pg_export_snapshot``): the reads see one consistent
    state, as if they were one query. Otherwise (SQLite, or inside the caller's
    transaction, whose uncommitted rows other connections cannot see) they run one after
    another on the caller's connection."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return {name: job() for name, job in jobs.items()}
    pending = list(jobs.items())
    tables: dict[str, pa.Table] = {}
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = str(cursor.fetchone()[0])
        with ThreadPoolExecutor(READ_CONNECTIONS - 1) as pool:
            helpers = [
                pool.submit(_read_in_snapshot, snapshot, pending)
                for _ in range(READ_CONNECTIONS - 1)
            ]
            tables.update(_take_jobs(pending))
            for helper in helpers:
                tables.update(helper.result())
    return {name: tables[name] for name in jobs}


def _take_jobs(pending: list[tuple[str, Callable[[], pa.Table]]]) -> dict[str, pa.Table]:
    """Run jobs off the shared list until it is empty (``list.pop`` is atomic)."""
    done: dict[str, pa.Table] = {}
    while True:
        try:
            name, job = pending.pop(0)
        except IndexError:
            return done
        done[name] = job()


def _read_in_snapshot(
    snapshot: str, pending: list[tuple[str, Callable[[], pa.Table]]]
) -> dict[str, pa.Table]:
    """Take jobs on this thread's own connection, inside ``snapshot``; close it after."""
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SET TRANSACTION SNAPSHOT %s", [snapshot])
            return _take_jobs(pending)
    finally:
        connections.close_all()
