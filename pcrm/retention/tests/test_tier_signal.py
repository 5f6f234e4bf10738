"""The "tier downgrade pending" signal (快升缓降) at its threshold, with its facts in Chinese.

Retention rebuilds the tier from the AUM history with its own policy floors and grace
(the playbook, which owns tiers, is a higher layer); a test keeps both policies equal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pcrm.retention.models import RiskScore
from pcrm.retention.policy import section
from pcrm.retention.scoring import fact, fired, signal_labels
from pcrm.retention.services import approach_for, risk_scores_refresh
from pcrm.retention.tests.helpers import contact, customer, day, fired_row, row, txn

pytestmark = pytest.mark.django_db
S = section("signals")
GRACE = S["tier_downgrade_days"]
FLOORS = {r["tier"]: float(r["floor"]) for r in S["tiers"]}
PLATINUM = FLOORS["platinum"]


def test_floors_and_grace_match_the_playbook_default_policy() -> None:
    import pcrm.playbook

    doc = json.loads((Path(pcrm.playbook.__file__).parent / "default_policy.json").read_text())
    assert {t["tier"]: float(t["floor"]) for t in doc["tiers"]} == FLOORS
    assert doc["tier_downgrade_days"] == GRACE


@pytest.mark.parametrize(("days_ago", "fires"), [(GRACE - 1, True), (GRACE, False)])
def test_pending_until_the_grace_has_passed(days_ago: int, fires: bool) -> None:
    """AUM one yuan below the platinum floor since ``days_ago``: still platinum within the
    grace (the downgrade is pending), downgraded once the grace has passed."""
    c, demand = customer(aum=PLATINUM - 1)
    contact(c, 1)
    txn(c, demand, days_ago, -1)
    assert fired_row(c)["tier_downgrade"] is fires


@pytest.mark.parametrize(("now", "fires"), [(PLATINUM, False), (PLATINUM - 0.01, True)])
def test_at_the_floor_is_no_downgrade(now: float, fires: bool) -> None:
    c, demand = customer(aum=now)
    contact(c, 1)
    txn(c, demand, 5, -(PLATINUM + 50000 - now))  # from 1,050,000 down to ``now``
    assert fired_row(c)["tier_downgrade"] is fires


def test_fast_up_then_down_within_the_grace() -> None:
    c, demand = customer(aum=50000)
    contact(c, 1)
    txn(c, demand, 60, PLATINUM)  # platinum for 40 days (fast up) ...
    txn(c, demand, 20, -PLATINUM)  # ... then back to 5万 twenty days ago
    r = row(c)
    assert (int(r["tier_held"]), int(r["tier_now"]), int(r["tier_days_below"])) == (2, 0, 20)
    assert fired_row(c)["tier_downgrade"] is True


def test_dropping_within_the_same_tier_is_no_signal() -> None:
    c, demand = customer(aum=PLATINUM * 2)
    contact(c, 1)
    txn(c, demand, 10, -PLATINUM * 2)  # 4M → 2M: still platinum
    assert fired_row(c)["tier_downgrade"] is False


def test_fact_in_chinese_and_in_the_reasons(personas) -> None:  # type: ignore[no-untyped-def]
    c, demand = customer(aum=800000, branch=personas.branch, manager=personas.manager)
    contact(c, 1)
    txn(c, demand, 30, -400000, counterparty="", memo="取现")  # 1.2M → 0.8M thirty days ago
    from pcrm.retention.features import frame_at
    from pcrm.retention.history import history_load

    f = frame_at(history_load(since=day(400), customer_ids=[c.pk]), t=day(0), today=day(0))
    assert bool(fired(f)["tier_downgrade"][0])
    text = fact("tier_downgrade", f, 0)
    assert text == "资产80.0万元低于白金门槛100.0万元已30天，60天内未回升将降为金卡"
    risk_scores_refresh(actor=personas.admin)
    risk = RiskScore.objects.get(customer=c)
    assert "tier_downgrade" in risk.signals
    assert {"signal": "tier_downgrade", "label": signal_labels()["tier_downgrade"]}.items() <= (
        next(r for r in risk.reasons if r["signal"] == "tier_downgrade").items()
    )
    assert risk.score == pytest.approx(
        section("rules")["tier_downgrade"] + section("rules")["aum_drop"]
    )
    assert "保级" in approach_for(["tier_downgrade"])[2]
