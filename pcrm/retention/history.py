"""Load the bank's history from the customers tables into DuckDB, set-based and columnar.

Each table is one SQL query built with the ORM (joins, the per-holding last transaction
day and the local booking dates are computed by the database), read column-wise into
Arrow: on PostgreSQL through ``COPY (query) TO STDOUT`` parsed by Arrow's CSV reader, with
no Python object per row; elsewhere (the embedded SQLite) from the DB-API cursor in
chunks. Dates are calendar days in the bank's time zone (settings.TIME_ZONE).

Retention sits beside complaints (same layer), so complaint cases are read through
``apps.get_model("complaints", "ComplaintCase")`` guarded: when that app is absent the
contact log's complaint purposes are the only complaint source.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import psycopg
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from django.apps import apps
from django.db import connection
from django.db.models import F, FloatField, Max, QuerySet
from django.db.models.functions import Cast, TruncDate
from django.utils import timezone

from pcrm.customers.choices import ASSET_PRODUCT_TYPES
from pcrm.customers.models import Customer, Holding, Interaction, Transaction
from pcrm.lib.pgcopy import copy_out

CHUNK = 50_000
I64, F64, STR, DATE = pa.int64(), pa.float64(), pa.string(), pa.date32()


def _empty(columns: dict[str, pa.DataType]) -> pa.Table:
    return pa.table({n: pa.array([], type=t) for n, t in columns.items()})


def _copy_csv(sql: str, params: Any, columns: dict[str, pa.DataType]) -> pa.Table:
    """PostgreSQL: stream the query out with COPY and parse it with Arrow (C, columnar)."""
    connection.ensure_connection()
    raw: Any = connection.connection
    query = psycopg.ClientCursor(raw).mogrify(sql, params)
    data = copy_out(raw, f"COPY ({query}) TO STDOUT WITH (FORMAT csv)")
    if not data:
        return _empty(columns)
    return pacsv.read_csv(
        pa.py_buffer(data),
        read_options=pacsv.ReadOptions(column_names=list(columns), block_size=1 << 24),
        parse_options=pacsv.ParseOptions(newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(
            column_types=columns, strings_can_be_null=True, quoted_strings_can_be_null=False
        ),
    )


def _fetch(sql: str, params: Any, columns: dict[str, pa.DataType]) -> pa.Table:
    """Any other database: raw DB-API rows in chunks, one Arrow batch per chunk (dates may
    arrive as ISO strings, as from SQLite, and are cast by Arrow)."""
    batches: list[pa.Table] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            cols = list(zip(*rows, strict=True))
            batches.append(
                pa.table(
                    {
                        name: pa.array(col).cast(kind)
                        for (name, kind), col in zip(columns.items(), cols, strict=True)
                    }
                )
            )
    return pa.concat_tables(batches) if batches else _empty(columns)


def arrow_of(qs: QuerySet[Any], columns: dict[str, pa.DataType]) -> pa.Table:
    """The queryset's named columns (fields or annotations, in this order) as an Arrow table."""
    sql, params = qs.order_by().values_list(*columns).query.sql_with_params()
    if connection.vendor == "postgresql":
        return _copy_csv(sql, params, columns)
    return _fetch(sql, params, columns)


def history_load(*, since: dt.date, customer_ids: list[int] | None = None) -> Any:
    """A DuckDB connection with tables customers, holdings, txns, contacts, complaints.

    Transactions are those booked on or after ``since`` (enough to rebuild every AUM needed).
    """
    con = duckdb.connect()
    for name, table in history_tables(since=since, customer_ids=customer_ids).items():
        con.register(name, table)
    return con


def history_tables(*, since: dt.date, customer_ids: list[int] | None = None) -> dict[str, Any]:
    """The Arrow tables :func:`history_load` registers (also timed by bench/retention.py)."""
    cust = Customer.objects.all()
    if customer_ids is not None:
        cust = cust.filter(pk__in=customer_ids)

    def of_customers(qs: QuerySet[Any]) -> QuerySet[Any]:
        return qs if customer_ids is None else qs.filter(customer_id__in=customer_ids)

    customers = arrow_of(
        cust.annotate(aum_f=Cast("aum", FloatField())),
        {"pk": I64, "aum_f": F64, "branch_id": I64, "manager_id": I64},
    ).rename_columns(["id", "aum", "branch_id", "manager_id"])
    holdings = arrow_of(
        of_customers(Holding.objects.all()).annotate(ptype=F("product__product_type")),
        {"pk": I64, "customer_id": I64, "ptype": STR, "matures_on": DATE, "status": STR},
    ).rename_columns(["id", "customer_id", "ptype", "matures_on", "status"])
    # The last transaction day per holding: one small aggregate over the transactions,
    # joined here, rather than a GROUP BY over every holding column in the database.
    last = arrow_of(
        of_customers(Transaction.objects.filter(holding__isnull=False))
        .values("holding_id")
        .annotate(last_txn=Max(TruncDate("booked_at"))),
        {"holding_id": I64, "last_txn": DATE},
    ).rename_columns(["id", "last_txn"])
    holdings = holdings.join(last, keys="id", join_type="left outer")
    asset = pc.is_in(holdings["ptype"], value_set=pa.array(sorted(ASSET_PRODUCT_TYPES)))
    holdings = holdings.append_column("asset", asset)
    since_at = dt.datetime.combine(since, dt.time.min, tzinfo=timezone.get_current_timezone())
    txns = arrow_of(
        of_customers(Transaction.objects.filter(booked_at__gte=since_at)).annotate(
            day=TruncDate("booked_at"), amount_f=Cast("amount", FloatField())
        ),
        {
            "customer_id": I64,
            "holding_id": I64,
            "day": DATE,
            "amount_f": F64,
            "counterparty": STR,
            "memo": STR,
        },
    ).rename_columns(["customer_id", "holding_id", "day", "amount", "counterparty", "memo"])
    contacts = arrow_of(
        of_customers(Interaction.objects.all()).annotate(day=TruncDate("occurred_at")),
        {"customer_id": I64, "day": DATE, "outcome": STR, "purpose": STR},
    )
    return {
        "customers": customers,
        "holdings": holdings,
        "txns": txns,
        "contacts": contacts,
        "complaints": _complaints(of_customers),
    }


def _complaints(of_customers: Any) -> pa.Table:
    """Complaint cases (received, closed) when the complaints app is installed."""
    columns = {"customer_id": I64, "received": DATE, "closed": DATE}
    try:
        case_model = apps.get_model("complaints", "ComplaintCase")
    except LookupError:
        return _empty(columns)
    qs = of_customers(case_model.objects.filter(customer_id__isnull=False)).annotate(
        received=TruncDate("received_at"), closed=TruncDate("closed_at")
    )
    return arrow_of(qs, columns)
