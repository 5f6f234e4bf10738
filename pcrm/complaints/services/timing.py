"""The regulatory clock on a case: complexity, extension, pauses and the nightly alerts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.audit.services import audit_record
from pcrm.complaints import clock
from pcrm.complaints.choices import AlertKind, ClockStage, Status
from pcrm.complaints.models import ClockAlert, ClockPause, ComplaintCase
from pcrm.complaints.policy import ComplaintRules, current_policy
from pcrm.complaints.services.common import (
    audit_case,
    ensure_approver,
    ensure_can_work,
    ensure_open,
    followup_item,
    heads_for,
)


def complaint_due_at(
    case: ComplaintCase, *, rules: ComplaintRules | None = None, now: dt.datetime | None = None
) -> dt.datetime:
    """The deadline to decide and tell the customer, net of pauses (reads prefetched pauses)."""
    rules = rules or current_policy()
    spans = [(p.started_at, p.ended_at) for p in case.pauses.all()]
    return clock.deadline(
        received_at=case.received_at,
        limit_days=rules.stage_days(case.stage),
        pauses=spans,
        now=now or timezone.now(),
    )


def _ensure_undecided(case: ComplaintCase) -> None:
    ensure_open(case)
    if case.decided_at is not None:
        raise ValidationError(_("已答复客户，时限不再变化。"))


@transaction.atomic
def complaint_mark_complex(*, actor: Any, case: ComplaintCase, reason: str) -> ComplaintCase:
    """A complex case may take the longer (complex) period."""
    ensure_can_work(actor, case)
    _ensure_undecided(case)
    if case.stage != ClockStage.STANDARD:
        raise ValidationError(_("该投诉已按复杂投诉或延期处理。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请说明复杂原因。")})
    case.stage, case.complex_reason = ClockStage.COMPLEX, reason.strip()
    case.save(update_fields=["stage", "complex_reason"])
    audit_case(actor, "complaint.complex", case)
    return case


@transaction.atomic
def complaint_extend(
    *, actor: Any, case: ComplaintCase, reason: str, customer_told_at: dt.datetime | None
) -> ComplaintCase:
    """Extend to the longest period: only with the branch head's approval, the customer told."""
    ensure_approver(actor, case)
    _ensure_undecided(case)
    if case.stage == ClockStage.EXTENDED:
        raise ValidationError(_("该投诉已延期，不能再次延期。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请说明延期原因。")})
    if customer_told_at is None or customer_told_at > timezone.now():
        raise ValidationError({"customer_told_at": _("延期须告知客户，请记录告知时间。")})
    case.stage, case.extension_reason = ClockStage.EXTENDED, reason.strip()
    case.extension_approved_by, case.extension_approved_at = actor, timezone.now()
    case.extension_told_at = customer_told_at
    case.save()
    audit_case(actor, "complaint.extend", case)
    return case


@transaction.atomic
def clock_pause(
    *, actor: Any, case: ComplaintCase, reason: str, at: dt.datetime | None = None
) -> ClockPause:
    """Stop the clock while waiting for an outside appraisal."""
    ensure_can_work(actor, case)
    _ensure_undecided(case)
    at = at or timezone.now()
    if case.pauses.filter(ended_at__isnull=True).exists():
        raise ValidationError(_("计时已暂停。"))
    last_end = max((p.ended_at for p in case.pauses.all() if p.ended_at), default=None)
    if at < case.received_at or at > timezone.now() or (last_end and at < last_end):
        raise ValidationError({"at": _("暂停时间须在受理之后、现在之前，且不早于上次恢复。")})
    if not reason.strip():
        raise ValidationError({"reason": _("请说明暂停原因（如等待外部鉴定）。")})
    pause = ClockPause.objects.create(
        case=case, started_at=at, reason=reason.strip(), started_by=actor
    )
    audit_case(actor, "complaint.clock_pause", case)
    return pause


@transaction.atomic
def clock_resume(*, actor: Any, case: ComplaintCase, at: dt.datetime | None = None) -> ClockPause:
    """Restart the clock; the deadline moves by exactly the paused time."""
    ensure_can_work(actor, case)
    at = at or timezone.now()
    pause = case.pauses.filter(ended_at__isnull=True).first()
    if pause is None:
        raise ValidationError(_("计时未暂停。"))
    if at < pause.started_at or at > timezone.now():
        raise ValidationError({"at": _("恢复时间须在暂停之后、现在之前。")})
    pause.ended_at = at
    pause.save(update_fields=["ended_at"])
    audit_case(
        actor,
        "complaint.clock_resume",
        case,
        paused_hours=round((at - pause.started_at).total_seconds() / 3600, 2),
    )
    return pause


def _alert(
    case: ComplaintCase,
    kind: str,
    staff: Any,
    due: dt.datetime,
    today: dt.date,
    rules: ComplaintRules,
) -> None:
    label = AlertKind(kind).label
    key = followup_item(
        actor=None,
        case=case,
        staff=staff,
        subject=f"{kind}:{staff.staff_code}",
        due_on=min(today, timezone.localdate(due)) if kind == AlertKind.OVERDUE else today,
        priority=rules.priorities[f"{kind}_priority"],
        reason=_("投诉 %(no)s 答复期限%(label)s：%(due)s")
        % {"no": case.case_no, "label": label, "due": f"{timezone.localtime(due):%Y-%m-%d %H:%M}"},
    )
    ClockAlert.objects.create(
        case=case, kind=kind, staff=staff, due_at=due, raised_on=today, work_item_key=key
    )


@transaction.atomic
def clock_alerts_raise(*, now: dt.datetime | None = None) -> dict[str, int]:
    """The nightly run: warn the handler and the branch head of cases due soon or overdue.

    Idempotent: one alert per case, kind and person, however often it runs.
    """
    now = now or timezone.now()
    rules = current_policy()
    today = timezone.localdate(now)
    counts = {"checked": 0, "due_soon": 0, "overdue": 0}
    cases = (
        ComplaintCase.objects.filter(status=Status.OPEN, decided_at__isnull=True)
        .select_related("branch", "branch__parent", "customer", "customer__branch", "handler")
        .prefetch_related("pauses")
    )
    # Read once what earlier runs raised, and each branch's heads once (not per case).
    raised_before = set(
        ClockAlert.objects.filter(
            case__status=Status.OPEN, case__decided_at__isnull=True
        ).values_list("case_id", "kind", "staff_id")
    )
    heads_by_branch: dict[int, list[Any]] = {}
    for case in cases:
        counts["checked"] += 1
        due = complaint_due_at(case, rules=rules, now=now)
        if due < now:
            kind = AlertKind.OVERDUE
        elif clock.days_left(due=due, now=now) <= rules.warn_days:
            kind = AlertKind.DUE_SOON
        else:
            continue
        if case.branch_id not in heads_by_branch:
            heads_by_branch[case.branch_id] = heads_for(case.branch)
        people = [case.handler] if case.handler else []
        people += [h for h in heads_by_branch[case.branch_id] if h not in people]
        for who in people:
            if (case.pk, kind, who.pk) not in raised_before:
                _alert(case, kind, who, due, today, rules)
                counts[kind] += 1
    audit_record(actor=None, action="complaint.clock_run", data=counts)
    return counts
