"""Background jobs of churn management (django.tasks): the monthly retraining and scoring."""

from __future__ import annotations

from django.tasks import task

from pcrm.retention.services import (
    churn_model_current,
    churn_model_due,
    churn_model_train,
    risk_scores_refresh,
    win_back_open,
)


@task()
def retention_monthly() -> dict[str, object]:
    """Retrain when the model is older than the policy's retrain_days, rescore everyone,
    open this month's win-back work (also `pcrm retention_train` + `pcrm retention_score`)."""
    model = churn_model_current()
    if model is None or churn_model_due():
        model = churn_model_train(actor=None)
    scored = risk_scores_refresh(actor=None)
    opened = win_back_open(actor=None)
    return {
        "model": model.pk,
        "kind": model.kind,
        "auc": model.auc,
        "scored": scored,
        "opened": opened,
    }
