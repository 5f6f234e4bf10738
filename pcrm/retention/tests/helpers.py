"""Small builders for the retention tests (customers with a history at given days)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from pcrm.customers.models import Customer, Holding
from pcrm.retention.features import frame_at
from pcrm.retention.history import history_load
from tests.factories import (
    CustomerFactory,
    HoldingFactory,
    InteractionFactory,
    ProductFactory,
    TransactionFactory,
)


def day(n: int) -> dt.date:
    """Today minus n days."""
    return timezone.localdate() - dt.timedelta(days=n)


def at(n: int) -> dt.datetime:
    return dt.datetime.combine(day(n), dt.time(12), tzinfo=timezone.get_current_timezone())


def customer(aum: float = 100000, **kwargs: Any) -> tuple[Customer, Holding]:
    """A customer whose demand deposit holds ``aum``, reached yesterday."""
    c = CustomerFactory(aum=Decimal(f"{aum:.2f}"), **kwargs)
    demand = HoldingFactory(
        customer=c,
        product=ProductFactory(code="DD", product_type="demand_deposit", risk_level=""),
        market_value=Decimal(f"{aum:.2f}"),
    )
    return c, demand


def txn(c: Customer, holding: Holding | None, n: int, amount: float, **kwargs: Any) -> None:
    TransactionFactory(
        customer=c, holding=holding, booked_at=at(n), amount=Decimal(f"{amount:.2f}"), **kwargs
    )


def contact(c: Customer, n: int, outcome: str = "reached", **kwargs: Any) -> None:
    InteractionFactory(customer=c, occurred_at=at(n), outcome=outcome, **kwargs)


def row(c: Customer, t_days: int = 0, since_days: int = 400) -> dict[str, Any]:
    """The feature frame's row of customer ``c`` at today − t_days."""
    con = history_load(since=day(since_days), customer_ids=[c.pk])
    f = frame_at(con, t=day(t_days), today=day(0))
    return {k: v[0] for k, v in f.items()}


def fired_row(c: Customer, t_days: int = 0) -> dict[str, bool]:
    from pcrm.retention.scoring import fired

    con = history_load(since=day(400), customer_ids=[c.pk])
    f = frame_at(con, t=day(t_days), today=day(0))
    return {k: bool(v[0]) for k, v in fired(f).items()}
