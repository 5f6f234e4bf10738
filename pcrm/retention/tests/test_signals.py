"""Each churn signal fires exactly at its policy threshold (policy.toml)."""

from __future__ import annotations

import pytest

from pcrm.retention.policy import section
from pcrm.retention.tests.helpers import contact, customer, day, fired_row, row, txn
from tests.factories import HoldingFactory, ProductFactory

pytestmark = pytest.mark.django_db
S = section("signals")


@pytest.mark.parametrize(
    ("share", "fires"), [(S["aum_drop_share"], True), (S["aum_drop_share"] - 0.01, False)]
)
def test_aum_drop_at_threshold(share: float, fires: bool) -> None:
    then = 100000.0
    c, demand = customer(aum=then * (1 - share))
    txn(c, demand, 10, -then * share, counterparty="", memo="取现")
    r = row(c)
    assert r["aum_then"] == pytest.approx(then)
    assert fired_row(c)["aum_drop"] is fires


def test_aum_drop_ignores_flows_older_than_window() -> None:
    c, demand = customer(aum=50000)
    txn(c, demand, S["aum_window_days"] + 5, -50000)
    assert fired_row(c)["aum_drop"] is False


@pytest.mark.parametrize(("delta", "fires"), [(0, True), (-0.01, False)])
def test_large_transfer_to_other_bank_at_threshold(delta: float, fires: bool) -> None:
    c, demand = customer(aum=500000)
    txn(c, demand, 5, -(S["large_transfer_amount"] + delta), counterparty="他行（招商银行）")
    assert fired_row(c)["transfer_out"] is fires


def test_large_payment_not_to_a_bank_is_no_transfer_out() -> None:
    c, demand = customer(aum=500000)
    txn(c, demand, 5, -S["large_transfer_amount"] * 3, counterparty="某某装修公司", memo="装修款")
    assert fired_row(c)["transfer_out"] is False


def test_transfer_matched_by_memo() -> None:
    c, demand = customer(aum=500000)
    txn(c, demand, 5, -S["large_transfer_amount"], counterparty="", memo="跨行转出")
    assert fired_row(c)["transfer_out"] is True


def _matured(c, n: int):  # type: ignore[no-untyped-def]
    return HoldingFactory(
        customer=c,
        product=ProductFactory(code="TD1", product_type="time_deposit", risk_level="R1"),
        matures_on=day(n),
        status="closed",
        market_value=0,
    )


@pytest.mark.parametrize(
    ("n", "fires"), [(S["reinvest_grace_days"], True), (S["reinvest_grace_days"] - 1, False)]
)
def test_maturity_not_reinvested_after_grace(n: int, fires: bool) -> None:
    c, _ = customer()
    _matured(c, n)
    assert fired_row(c)["maturity_not_reinvested"] is fires


def test_maturity_reinvested_within_grace_is_no_signal() -> None:
    c, _ = customer()
    _matured(c, 20)
    wealth = HoldingFactory(customer=c, product=ProductFactory(code="WM1", product_type="wealth"))
    txn(c, wealth, 20 - S["reinvest_grace_days"], 100000, memo="理财申购")
    assert fired_row(c)["maturity_not_reinvested"] is False


def _interval(aum: float) -> int:
    rows = sorted(S["maintenance"], key=lambda r: -r["aum_floor"])
    return next(int(r["interval_days"]) for r in rows if aum >= r["aum_floor"])


@pytest.mark.parametrize(("extra", "fires"), [(1, True), (0, False)])
def test_neglect_after_twice_the_interval(extra: int, fires: bool) -> None:
    aum = 100000.0
    c, _ = customer(aum=aum)
    contact(c, S["neglect_factor"] * _interval(aum) + extra)
    contact(c, 1, outcome="not_reached")  # an unanswered call is no reached contact
    assert fired_row(c)["neglect"] is fires


def test_declined_contact_within_window() -> None:
    c, _ = customer()
    contact(c, 1)
    contact(c, S["declined_window_days"] - 1, outcome="declined")
    assert fired_row(c)["declined"] is True
    c2, _ = customer()
    contact(c2, 1)
    contact(c2, S["declined_window_days"] + 1, outcome="declined")
    assert fired_row(c2)["declined"] is False


def test_recent_complaint_in_contact_log() -> None:
    c, _ = customer()
    contact(c, S["complaint_window_days"] - 1, purpose=S["complaint_purposes"][0])
    assert fired_row(c)["complaint"] is True
    c2, _ = customer()
    contact(c2, S["complaint_window_days"] + 1, purpose=S["complaint_purposes"][0])
    assert fired_row(c2)["complaint"] is False


def test_accounts_closed_recently() -> None:
    c, _ = customer()
    closed = HoldingFactory(customer=c, status="closed", market_value=0)
    txn(c, closed, 3, -1000, memo="销户")
    assert fired_row(c)["accounts_closed"] is True
    assert fired_row(c, t_days=5)["accounts_closed"] is False  # not yet closed 5 days ago


def test_quiet_customer_fires_nothing() -> None:
    c, _ = customer()
    contact(c, 1)
    assert not any(fired_row(c).values())


def test_complaint_case_open_or_recent() -> None:
    """Complaint cases are read through apps.get_model (complaints is the same layer)."""
    import datetime as dt

    from django.apps import apps

    from pcrm.retention.tests.helpers import at

    case_model = apps.get_model("complaints", "ComplaintCase")
    old = at(S["complaint_window_days"] + 30)
    still_open, _c_open = customer()
    contact(still_open, 1)
    closed, _c_closed = customer()
    contact(closed, 1)
    for who, closed_at in ((still_open, None), (closed, old + dt.timedelta(days=3))):
        case_model.objects.create(
            case_no=f"TS{who.pk}",
            branch=who.branch,
            customer=who,
            channel="counter",
            category="waiting",
            description="排队时间过长",
            received_at=old,
            closed_at=closed_at,
        )
    assert fired_row(still_open)["complaint"] is True
    assert fired_row(closed)["complaint"] is False
