"""The churn model learns the demo bank's simulated churn (issue 8 §3): held-out AUC printed."""

from __future__ import annotations

import pytest
from django.utils import timezone

from pcrm.demo.generator import bank_generate
from pcrm.retention.models import RiskScore
from pcrm.retention.services import churn_model_train, risk_scores_refresh

DEMO_CUSTOMERS = 2000
SEED = 4242


@pytest.mark.django_db
def test_demo_bank_model_auc(capsys: pytest.CaptureFixture[str]) -> None:
    today = timezone.localdate()
    bank_generate(seed=SEED, customers=DEMO_CUSTOMERS, branches=3, today=today)
    model = churn_model_train(actor=None, today=today)
    with capsys.disabled():
        print(
            f"\n[retention] demo {DEMO_CUSTOMERS} customers: kind={model.kind} rows={model.rows} "
            f"positives={model.positives} held-out AUC={model.auc} "
            f"top-10% precision={model.top_precision} coef={model.coefficients}"
        )
    assert model.kind == "learned"
    assert model.auc is not None
    assert model.auc >= 0.75
    scored = risk_scores_refresh(actor=None, today=today)
    assert scored > DEMO_CUSTOMERS // 2
    top = RiskScore.objects.order_by("-score").first()
    assert top is not None
    assert top.reasons, "the riskiest customer has reasons"
