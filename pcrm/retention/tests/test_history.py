"""The columnar history extraction: values, local booking days, text that needs quoting
(PostgreSQL COPY → CSV → Arrow), the customer filter, and empty tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pcrm.retention.history import history_tables
from tests.factories import (
    CustomerFactory,
    HoldingFactory,
    InteractionFactory,
    ProductFactory,
    TransactionFactory,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def _local(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def test_tables_hold_the_hand_made_history() -> None:
    c = CustomerFactory(aum=Decimal("123456.78"))
    other = CustomerFactory(aum=Decimal("1"))
    demand = HoldingFactory(
        customer=c, product=ProductFactory(code="HD", product_type="demand_deposit", risk_level="")
    )
    HoldingFactory(
        customer=c,
        product=ProductFactory(code="HC", product_type="credit_card", risk_level=""),
        status="closed",
        matures_on=dt.date(2026, 10, 1),
    )
    # 00:30 in the bank's time zone is the previous day in UTC: the local day counts.
    TransactionFactory(
        customer=c,
        holding=demand,
        booked_at=_local(TODAY, 0, 30),
        amount=Decimal("-50000.25"),
        counterparty='他行,"招商"\n银行',
        memo="",
    )
    TransactionFactory(customer=c, holding=demand, booked_at=_local(TODAY - dt.timedelta(3), 9))
    TransactionFactory(customer=c, holding=None, booked_at=_local(TODAY - dt.timedelta(400), 9))
    InteractionFactory(customer=c, occurred_at=_local(TODAY, 0, 10), outcome="declined")
    TransactionFactory(customer=other, booked_at=_local(TODAY, 9))

    t = history_tables(since=TODAY - dt.timedelta(days=30), customer_ids=[c.pk])
    assert t["customers"].to_pylist() == [
        {"id": c.pk, "aum": 123456.78, "branch_id": c.branch_id, "manager_id": c.manager_id}
    ]
    holdings = sorted(t["holdings"].to_pylist(), key=lambda r: r["id"])
    assert [(h["ptype"], h["asset"], h["status"]) for h in holdings] == [
        ("demand_deposit", True, "active"),
        ("credit_card", False, "closed"),
    ]
    assert holdings[0]["last_txn"] == TODAY
    assert holdings[1]["last_txn"] is None
    assert holdings[1]["matures_on"] == dt.date(2026, 10, 1)
    txns = sorted(t["txns"].to_pylist(), key=lambda r: r["day"])
    assert [r["day"] for r in txns] == [TODAY - dt.timedelta(3), TODAY]  # 400 days ago: no
    assert txns[1]["amount"] == -50000.25
    assert txns[1]["counterparty"] == '他行,"招商"\n银行'
    assert txns[1]["memo"] == ""
    assert t["contacts"].to_pylist() == [
        {"customer_id": c.pk, "day": TODAY, "outcome": "declined", "purpose": ""}
    ]
    assert t["complaints"].num_rows == 0
    assert str(t["complaints"].schema.field("received").type) == "date32[day]"


def test_empty_database_gives_typed_empty_tables() -> None:
    t = history_tables(since=TODAY)
    assert all(table.num_rows == 0 for table in t.values())
    assert str(t["txns"].schema.field("amount").type) == "double"
