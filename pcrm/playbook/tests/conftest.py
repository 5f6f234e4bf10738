"""Builders for playbook tests: a branch with a head and a manager, customers on demand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from pcrm.playbook.policy import default_document
from pcrm.playbook.services import playbook_run
from pcrm.worklist.models import WorkItem
from tests.factories import (
    BranchFactory,
    CustomerFactory,
    HoldingFactory,
    InteractionFactory,
    ProductFactory,
    StaffFactory,
    TransactionFactory,
)

D = dt.date(2026, 9, 22)
POLICY = default_document()


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """An aware datetime at ``hour`` o'clock Shanghai time on ``day``."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class Bank:
    """A small bank: one branch, its head and a manager."""

    def __init__(self) -> None:
        self.branch = BranchFactory(code="S001")
        self.head = StaffFactory(staff_code="H1", role="branch_head", branch=self.branch)
        self.manager = StaffFactory(staff_code="M1", branch=self.branch)

    def customer(self, **kw: Any) -> Any:
        kw.setdefault("branch", self.branch)
        kw.setdefault("manager", self.manager)
        kw.setdefault("service_established", True)
        kw.setdefault("potential", 50)
        kw.setdefault("orientation", "relationship")
        kw.setdefault("contact_preference", "moderate")
        kw.setdefault("risk_rating", "C3")
        kw.setdefault("risk_assessed_on", D - dt.timedelta(days=30))
        kw.setdefault("birth_date", dt.date(1980, 1, 1))
        return CustomerFactory(**kw)

    def holding(self, customer: Any, *, product_type: str = "wealth", risk: str = "R2",
                principal: str = "100000", value: str | None = None, **kw: Any) -> Any:  # fmt: skip
        product = ProductFactory(code=f"{product_type}-{risk}", product_type=product_type,
                                 risk_level=risk,
                                 name=f"测试{product_type}")  # fmt: skip
        return HoldingFactory(customer=customer, product=product, principal=Decimal(principal),
                              market_value=Decimal(value or principal), **kw)  # fmt: skip

    def reached(self, customer: Any, day: dt.date, outcome: str = "reached") -> Any:
        return InteractionFactory(
            customer=customer, staff=self.manager, occurred_at=at(day), outcome=outcome
        )

    def txn(self, customer: Any, day: dt.date, amount: str, hour: int = 10) -> Any:
        return TransactionFactory(
            customer=customer, booked_at=at(day, hour), amount=Decimal(amount)
        )

    def run(self, day: dt.date = D, engine: str = "duckdb") -> Any:
        return playbook_run(actor=None, as_of=day, engine=engine)

    def items(self, customer: Any, kind: str | None = None) -> list[WorkItem]:
        qs = WorkItem.objects.filter(customer=customer)
        if kind:
            qs = qs.filter(kind=kind)
        return list(qs.order_by("due_on", "item_key"))


@pytest.fixture
def bank(db: Any) -> Bank:
    return Bank()
