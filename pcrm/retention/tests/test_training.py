"""Label construction without look-ahead, the rules-only fallback, and the explanations."""

from __future__ import annotations

import numpy as np
import pytest

from pcrm.retention.features import FEATURES
from pcrm.retention.models import RiskScore
from pcrm.retention.policy import section
from pcrm.retention.scoring import rules_score, signal_labels
from pcrm.retention.services import churn_model_train, risk_scores_refresh
from pcrm.retention.tests.helpers import contact, customer, row, txn
from pcrm.retention.training import cutoffs, top_precision

pytestmark = pytest.mark.django_db
H = section("label")["horizon_days"]
CUT = H  # the cut-off is H days ago, so the label window ends today


def test_features_at_cutoff_ignore_everything_after_it() -> None:
    quiet, _qd = customer(aum=100000)
    contact(quiet, CUT + 1)
    leaver, ld = customer(aum=20000)  # today's AUM, after the move below
    contact(leaver, CUT + 1)
    # After the cut-off the leaver moves 80% out to another bank, is unreachable and declines.
    txn(leaver, ld, CUT - 10, -80000, counterparty="他行（招商银行）")
    contact(leaver, CUT - 20, outcome="declined")
    before, after = row(quiet, t_days=CUT), row(leaver, t_days=CUT)
    for name in FEATURES:
        assert after[name] == pytest.approx(before[name]), name
    assert bool(after["label"]) is True
    assert bool(before["label"]) is False


def test_label_needs_the_policy_fall_within_the_horizon() -> None:
    fall = section("label")["aum_fall_share"]
    c, d = customer(aum=100000 * (1 - fall) + 1)
    txn(c, d, CUT - 5, -(100000 * fall - 1))
    assert bool(row(c, t_days=CUT)["label"]) is False
    c2, d2 = customer(aum=100000 * (1 - fall))
    txn(c2, d2, CUT - 5, -100000 * fall)
    assert bool(row(c2, t_days=CUT)["label"]) is True
    # The same fall before the cut-off is a feature, not the label.
    c3, d3 = customer(aum=100000 * (1 - fall))
    txn(c3, d3, CUT + 5, -100000 * fall)
    r3 = row(c3, t_days=CUT)
    assert bool(r3["label"]) is False
    assert r3["aum_drop"] == pytest.approx(fall)


def test_every_account_closed_in_horizon_is_churn() -> None:
    c, d = customer(aum=0)
    d.status = "closed"
    d.save()
    txn(c, d, CUT - 30, -5000, memo="销户转出")  # AUM 5000 at the cut-off, all gone after
    r = row(c, t_days=CUT)
    assert bool(r["eligible"])
    assert bool(r["label"])


def test_cutoffs_leave_a_full_horizon_after_each() -> None:
    import datetime as dt

    today = dt.date(2026, 6, 30)
    assert max(cutoffs(today)) == today - dt.timedelta(days=H)


def test_too_little_history_falls_back_to_rules(personas) -> None:  # type: ignore[no-untyped-def]
    model = churn_model_train(actor=personas.admin)
    assert model.kind == "rules"
    assert model.blob in (b"", bytearray(), memoryview(b""))
    c, d = customer(aum=70000, branch=personas.branch, manager=personas.manager)
    contact(c, 1)
    txn(c, d, 5, -60000, counterparty="他行（建设银行）")
    risk_scores_refresh(actor=personas.admin)
    risk = RiskScore.objects.get(customer=c)
    weights = section("rules")
    # 13万 → 7万 also leaves the gold tier: its downgrade is pending (快升缓降).
    expected = weights["aum_drop"] + weights["transfer_out"] + weights["tier_downgrade"]
    assert risk.score == pytest.approx(min(1.0, expected))
    assert set(risk.signals) == {"aum_drop", "transfer_out", "tier_downgrade"}


def test_explanations_name_the_signals_with_their_facts(personas) -> None:  # type: ignore[no-untyped-def]
    c, d = customer(aum=40000, branch=personas.branch, manager=personas.manager)
    contact(c, 1)
    txn(c, d, 5, -60000, counterparty="他行（建设银行）")
    risk_scores_refresh(actor=personas.admin)
    reasons = RiskScore.objects.get(customer=c).reasons
    labels = signal_labels()
    assert [r["label"] for r in reasons] == [
        labels["aum_drop"],
        labels["transfer_out"],
        labels["tier_downgrade"],  # 10万 (gold floor) → 4万
    ]
    assert "60%" in reasons[0]["fact"]
    assert "10.0万元" in reasons[0]["fact"]
    assert "6.0万元" in reasons[1]["fact"]
    assert "1笔" in reasons[1]["fact"]
    assert "低于金卡门槛10.0万元已5天" in reasons[2]["fact"]


def test_rules_score_is_capped_and_top_precision() -> None:
    on = {name: np.array([True, False]) for name in section("rules")}
    assert rules_score(on).tolist() == [1.0, 0.0]
    y, p = np.array([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]), np.linspace(1, 0, 10)
    assert top_precision(y, p) == 1.0


def test_monthly_task_retrains_only_when_due(personas) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from pcrm.retention.models import ChurnModel
    from pcrm.retention.services import churn_model_due
    from pcrm.retention.tasks import retention_monthly

    assert churn_model_due()
    retention_monthly.call()
    assert ChurnModel.objects.count() == 1
    assert not churn_model_due()
    retention_monthly.call()
    assert ChurnModel.objects.count() == 1
    later = timezone.localdate() + dt.timedelta(days=section("training")["retrain_days"])
    assert churn_model_due(later)
