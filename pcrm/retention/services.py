"""Writes of churn management: train, score, open win-back cases, record actions and outcomes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.audit.services import audit_record
from pcrm.customers.models import Customer
from pcrm.org.roles import can
from pcrm.retention.features import FEATURES, frame_at
from pcrm.retention.history import history_load
from pcrm.retention.models import CaseStatus, ChurnModel, RiskScore, WinBackAction, WinBackCase
from pcrm.retention.policy import section
from pcrm.retention.scoring import SIGNALS, fired, matrix, reasons_for, rules_score
from pcrm.retention.training import coefficients, dumps, fit, history_since, loads, predict
from pcrm.worklist.services import work_item_put

BATCH = 5000


@transaction.atomic
def churn_model_train(*, actor: Any, today: dt.date | None = None) -> ChurnModel:
    """Train on the bank's own history (or record a rules-only model) and store it."""
    today = today or timezone.localdate()
    con = history_load(since=history_since(today))
    fitted = fit(con, today)
    record = ChurnModel.objects.create(
        kind=fitted.kind,
        window_start=fitted.window_start,
        window_end=fitted.window_end,
        rows=fitted.rows,
        positives=fitted.positives,
        auc=fitted.auc,
        top_precision=fitted.top_precision,
        features=list(FEATURES),
        coefficients=coefficients(fitted.pipeline) if fitted.pipeline is not None else {},
        blob=dumps(fitted.pipeline) if fitted.pipeline is not None else b"",
    )
    audit_record(
        actor=actor,
        action="retention.model_train",
        target=record,
        data={"kind": record.kind, "rows": record.rows, "auc": record.auc},
    )
    return record


def churn_model_current() -> ChurnModel | None:
    """The latest trained (or rules-only) model."""
    return ChurnModel.objects.first()


def churn_model_due(today: dt.date | None = None) -> bool:
    """True when there is no model or the latest is older than the policy's retrain_days."""
    latest = churn_model_current()
    today = today or timezone.localdate()
    age = dt.timedelta(days=section("training")["retrain_days"])
    return latest is None or timezone.localtime(latest.trained_at).date() + age <= today


def model_features(model: ChurnModel | None) -> list[str]:
    """The inputs a stored model was trained on (older models may have fewer)."""
    return list(model.features) if model is not None and model.features else list(FEATURES)


def score_frame(
    f: dict[str, np.ndarray], model: ChurnModel | None
) -> tuple[np.ndarray, np.ndarray | None, dict[str, np.ndarray]]:
    """(scores, contributions or None, fired signals) for a feature frame, vectorised."""
    on = fired(f)
    if model is not None and model.kind == "learned" and model.blob:
        scores, contributions = predict(loads(model.blob), matrix(f, model_features(model)))
        return scores, contributions, on
    return rules_score(on), None, on


@transaction.atomic
def risk_scores_refresh(*, actor: Any, today: dt.date | None = None) -> int:
    """Score every current customer with the latest model; replaces the stored scores."""
    today = today or timezone.localdate()
    con = history_load(since=today - dt.timedelta(days=section("signals")["aum_window_days"] + 1))
    f = frame_at(con, t=today, today=today)
    model = churn_model_current()
    scores, contributions, on = score_frame(f, model)
    RiskScore.objects.all().delete()
    rows = []
    for i in np.flatnonzero(f["eligible"]):
        signals = [name for name in SIGNALS if on[name][i]]
        rows.append(
            RiskScore(
                customer_id=int(f["id"][i]),
                model=model,
                scored_on=today,
                score=round(float(scores[i]), 4),
                signals=signals,
                # No fired signal, no reason to explain: skip the per-row work.
                reasons=reasons_for(
                    f,
                    on,
                    int(i),
                    None if contributions is None else contributions[i],
                    model_features(model),
                )
                if signals
                else [],
                aum_then=Decimal(f"{float(f['aum_then'][i]):.2f}"),
            )
        )
    RiskScore.objects.bulk_create(rows, batch_size=BATCH)
    audit_record(
        actor=actor,
        action="retention.score",
        data={"scored": len(rows), "model": model.pk if model else None},
    )
    return len(rows)


def approach_for(signals: list[str]) -> tuple[str, str, str]:
    """(channel, content, text) of the suggested approach: the first signal in policy order."""
    wb = section("win_back")
    for name in wb["approach_order"]:
        if name in signals:
            channel, content, text = wb["approach"][name]
            return str(channel), str(content), str(text)
    channel, content, text = wb["approach"]["neglect"]
    return str(channel), str(content), str(text)


@transaction.atomic
def win_back_open(*, actor: Any, today: dt.date | None = None) -> int:
    """A case and a `win_back` work item (subject = month) for every at-risk customer."""
    today = today or timezone.localdate()
    wb = section("win_back")
    subject = f"{today:%Y-%m}"
    at_risk = RiskScore.objects.filter(
        score__gte=wb["at_risk_score"], customer__manager__isnull=False
    ).select_related("customer", "customer__manager", "customer__branch")
    opened = 0
    for risk in at_risk:
        customer = risk.customer
        channel, content, text = approach_for(list(risk.signals))
        _case, created = WinBackCase.objects.get_or_create(
            customer=customer,
            subject=subject,
            defaults={
                "branch_id": customer.branch_id,
                "staff": customer.manager,
                "score": risk.score,
                "approach": text,
                "reasons": risk.reasons,
                "aum_at_risk": risk.aum_then,
            },
        )
        reason = "；".join(f"{r['label']}：{r['fact']}" for r in risk.reasons) or text
        work_item_put(
            actor=actor,
            customer=customer,
            staff=customer.manager,
            kind="win_back",
            subject=subject,
            due_on=today + dt.timedelta(days=wb["due_days"]),
            channel=channel,
            content=content,
            priority=wb["priority"],
            reason=reason,
            created_for=today,
        )
        opened += int(created)
    audit_record(actor=actor, action="retention.win_back_open", data={"opened": opened})
    return opened


def _check(actor: Any, case: WinBackCase) -> None:
    if not can(actor, "contact.log"):
        raise PermissionDenied(_("您的岗位无权记录挽回行动。"))
    if case.status in (CaseStatus.RESTORED, CaseStatus.LOST):
        raise ValidationError(_("该挽回案例已结案。"))


@transaction.atomic
def win_back_action_record(*, actor: Any, case: WinBackCase, note: str) -> WinBackAction:
    """Record what was done for the customer; the case counts as contacted."""
    _check(actor, case)
    if not note.strip():
        raise ValidationError(_("请填写挽回行动。"))
    action = WinBackAction.objects.create(case=case, staff=actor, note=note.strip()[:500])
    case.status = CaseStatus.CONTACTED
    case.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="retention.win_back_action",
        target=case,
        data={"customer_no": case.customer.customer_no, "status": case.status},
        branch_code=case.customer.branch.code,
    )
    return action


@transaction.atomic
def win_back_outcome_record(
    *, actor: Any, case: WinBackCase, outcome: str, note: str = ""
) -> WinBackCase:
    """Close the case as restored (AUM saved = the customer's AUM now) or lost."""
    _check(actor, case)
    if outcome not in (CaseStatus.RESTORED, CaseStatus.LOST):
        raise ValidationError(_("挽回结果只能是已挽回或已流失。"))
    customer = Customer.objects.get(pk=case.customer_id)
    WinBackAction.objects.create(
        case=case,
        staff=actor,
        note=note.strip()[:500] or str(CaseStatus(outcome).label),
        outcome=outcome,
    )
    case.status = outcome
    case.aum_saved = customer.aum if outcome == CaseStatus.RESTORED else Decimal(0)
    case.closed_at = timezone.now()
    case.save(update_fields=["status", "aum_saved", "closed_at"])
    audit_record(
        actor=actor,
        action="retention.win_back_outcome",
        target=case,
        data={"customer_no": customer.customer_no, "outcome": outcome},
        branch_code=customer.branch.code,
    )
    return case
