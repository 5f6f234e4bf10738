"""Load the bank's history from the customers tables into DuckDB, set-based.

Retention sits beside complaints (same layer), so complaint cases are read through
``apps.get_model("complaints", "ComplaintCase")`` guarded: when that app is absent the
contact log's complaint purposes are the only complaint source.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import duckdb
import pyarrow as pa
from django.apps import apps
from django.db.models import F, Max

from pcrm.customers.choices import ASSET_PRODUCT_TYPES
from pcrm.customers.models import Customer, Holding, Interaction, Transaction


def _table(rows: list[tuple[Any, ...]], names: list[str], types: list[pa.DataType]) -> pa.Table:
    columns: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
    return pa.table({n: pa.array(c, type=t) for n, c, t in zip(names, columns, types, strict=True)})


def _float(rows: Any, at: int) -> list[tuple[Any, ...]]:
    return [(*r[:at], float(r[at] or 0), *r[at + 1 :]) for r in rows]


def history_load(*, since: dt.date, customer_ids: list[int] | None = None) -> Any:
    """A DuckDB connection with tables customers, holdings, txns, contacts, complaints.

    Transactions are those booked on or after ``since`` (enough to rebuild every AUM needed).
    """
    con = duckdb.connect()
    cust = Customer.objects.all()
    if customer_ids is not None:
        cust = cust.filter(pk__in=customer_ids)
    ids = cust.values("pk")
    c_rows = _float(cust.values_list("pk", "aum", "branch_id", "manager_id"), 1)
    con.register(
        "customers",
        _table(
            c_rows,
            ["id", "aum", "branch_id", "manager_id"],
            [pa.int64(), pa.float64(), pa.int64(), pa.int64()],
        ),
    )
    h_raw = list(
        Holding.objects.filter(customer_id__in=ids)
        .annotate(ptype=F("product__product_type"), last=Max("transactions__booked_at"))
        .values_list("pk", "customer_id", "ptype", "matures_on", "status", "last")
    )
    h_rows: list[tuple[Any, ...]] = [
        (*r[:5], r[5].date() if r[5] else None, r[2] in ASSET_PRODUCT_TYPES) for r in h_raw
    ]
    con.register(
        "holdings",
        _table(
            h_rows,
            ["id", "customer_id", "ptype", "matures_on", "status", "last_txn", "asset"],
            [
                pa.int64(),
                pa.int64(),
                pa.string(),
                pa.date32(),
                pa.string(),
                pa.date32(),
                pa.bool_(),
            ],
        ),
    )
    since_at = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    t_raw = Transaction.objects.filter(customer_id__in=ids, booked_at__gte=since_at).values_list(
        "customer_id", "holding_id", "booked_at", "amount", "counterparty", "memo"
    )
    t_rows: list[tuple[Any, ...]] = [
        (r[0], r[1], r[2].date(), float(r[3]), r[4], r[5]) for r in t_raw
    ]
    con.register(
        "txns",
        _table(
            t_rows,
            ["customer_id", "holding_id", "day", "amount", "counterparty", "memo"],
            [pa.int64(), pa.int64(), pa.date32(), pa.float64(), pa.string(), pa.string()],
        ),
    )
    i_raw = Interaction.objects.filter(customer_id__in=ids).values_list(
        "customer_id", "occurred_at", "outcome", "purpose"
    )
    i_rows: list[tuple[Any, ...]] = [(r[0], r[1].date(), r[2], r[3]) for r in i_raw]
    con.register(
        "contacts",
        _table(
            i_rows,
            ["customer_id", "day", "outcome", "purpose"],
            [pa.int64(), pa.date32(), pa.string(), pa.string()],
        ),
    )
    con.register("complaints", _complaints(ids))
    return con


def _complaints(ids: Any) -> pa.Table:
    """Complaint cases (received, closed) when the complaints app is installed."""
    rows: list[tuple[Any, ...]] = []
    try:
        case_model = apps.get_model("complaints", "ComplaintCase")
    except LookupError:
        case_model = None
    if case_model is not None:
        got = case_model.objects.filter(customer_id__in=ids).values_list(
            "customer_id", "received_at", "closed_at"
        )
        rows = [(r[0], r[1].date(), r[2].date() if r[2] else None) for r in got]
    return _table(
        rows, ["customer_id", "received", "closed"], [pa.int64(), pa.date32(), pa.date32()]
    )
