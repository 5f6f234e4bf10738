"""Diagnosis numbers on a hand-checked customer (rating C3, model R1 .3 / R2 .3 / R3 .3 / R4 .1).

Holdings (market value / principal):
  demand deposit R1 200 000 / 200 000, no maturity            → liquid
  time deposit   R1 300 000 / 300 000, matures in 20 days     → ≤30 days, reinvest
  fund           R4 360 000 / 400 000, matures in 100 days    → ≤180 days, loss −10 %
  wealth         R3 140 000 / 100 000, matures in 400 days    → >365 days, gain +40 %
  credit card (not an asset)                                  → excluded
Total 1 000 000, principal 1 000 000, P/L 0.
By risk: R1 .50 (gap +.20), R2 0 (−.30), R3 .14 (−.16), R4 .36 (+.26) → rebalance R1 and R4
towards R2 (200 000 and 260 000). Largest holding the fund at .36: no concentration flag.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pcrm.value.diagnosis import diagnose, diagnosis_run
from pcrm.value.models import Diagnosis
from tests.factories import HoldingFactory, ProductFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def customer(personas):  # type: ignore[no-untyped-def]
    c = personas.mine
    c.risk_rating, c.risk_assessed_on = "C3", TODAY - dt.timedelta(days=10)
    c.save()
    dd = ProductFactory(code="DD", name="活期", product_type="demand_deposit", risk_level="R1")
    td = ProductFactory(code="TD", name="定期", product_type="time_deposit", risk_level="R1")
    ProductFactory(code="W2", name="稳健理财", product_type="wealth", risk_level="R2")
    fund = ProductFactory(code="F4", name="成长基金", product_type="fund", risk_level="R4")
    w3 = ProductFactory(code="W3", name="平衡理财", product_type="wealth", risk_level="R3")
    ProductFactory(code="R5X", name="高风险", product_type="fund", risk_level="R5")
    card = ProductFactory(code="CC", name="白金信用卡", product_type="credit_card", risk_level="")

    def hold(product, mv, principal, days):  # type: ignore[no-untyped-def]
        matures = TODAY + dt.timedelta(days=days) if days is not None else None
        HoldingFactory(
            customer=c,
            product=product,
            market_value=Decimal(mv),
            principal=Decimal(principal),
            matures_on=matures,
        )

    hold(dd, "200000", "200000", None)
    hold(td, "300000", "300000", 20)
    hold(fund, "360000", "400000", 100)
    hold(w3, "140000", "100000", 400)
    hold(card, "0", "0", None)
    return c


def test_totals_allocation_ladder(customer) -> None:  # type: ignore[no-untyped-def]
    r = diagnose(customer=customer, today=TODAY)
    assert Decimal(r["total"]) == Decimal("1000000")
    assert Decimal(r["pnl"]) == 0
    assert len(r["holdings"]) == 4
    risk = {row["level"]: row for row in r["allocation"]["by_risk"]}
    assert Decimal(risk["R1"]["share"]) == Decimal("0.5")
    assert Decimal(risk["R1"]["gap"]) == Decimal("0.2")
    assert Decimal(risk["R2"]["gap"]) == Decimal("-0.3")
    assert Decimal(risk["R4"]["share"]) == Decimal("0.36")
    types = {row["type"]: Decimal(row["amount"]) for row in r["allocation"]["by_type"]}
    assert types == {
        "fund": Decimal("360000"),
        "time_deposit": Decimal("300000"),
        "demand_deposit": Decimal("200000"),
        "wealth": Decimal("140000"),
    }
    ladder = [Decimal(b["amount"]) for b in r["ladder"]]
    assert ladder == [
        Decimal("300000"),
        Decimal("0"),
        Decimal("360000"),
        Decimal("0"),
        Decimal("140000"),
        Decimal("200000"),
    ]
    pnl = {h["product_code"]: Decimal(h["pnl_ratio"]) for h in r["holdings"]}
    assert pnl["F4"] == Decimal("-0.1")
    assert pnl["W3"] == Decimal("0.4")
    assert r["concentration"]["flag"] is False
    assert Decimal(r["concentration"]["share"]) == Decimal("0.36")


def test_suggestions_follow_domain_and_pass_gate(customer) -> None:  # type: ignore[no-untyped-def]
    r = diagnose(customer=customer, today=TODAY)
    by_kind: dict[str, list[dict]] = {}
    for s in r["suggestions"]:
        by_kind.setdefault(s["kind"], []).append(s)
    assert sorted(by_kind) == ["gain", "loss", "rebalance", "reinvest"]
    assert by_kind["reinvest"][0]["product"] == "定期"
    assert by_kind["loss"][0]["product"] == "活期"  # lowest risk below R4 that passes
    assert "分析原因" in by_kind["loss"][0]["text"]
    assert Decimal(by_kind["gain"][0]["amount"]) == Decimal("40000")
    rebal = {Decimal(s["amount"]) for s in by_kind["rebalance"]}
    assert rebal == {Decimal("200000.00"), Decimal("260000.00")}
    assert {s["product"] for s in by_kind["rebalance"]} == {"稳健理财"}
    assert all(s["product"] != "高风险" for s in r["suggestions"])


def test_expired_assessment_names_no_product(customer) -> None:  # type: ignore[no-untyped-def]
    customer.risk_assessed_on = TODAY - dt.timedelta(days=400)
    customer.save()
    r = diagnose(customer=customer, today=TODAY)
    assert r["suggestions"]
    assert all(s["product_id"] is None for s in r["suggestions"])


def test_run_saves_snapshot(customer, personas) -> None:  # type: ignore[no-untyped-def]
    saved = diagnosis_run(actor=personas.manager, customer=customer, today=TODAY)
    assert Diagnosis.objects.get(pk=saved.pk).snapshot["total"] == "1000000.00"
