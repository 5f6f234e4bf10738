"""The nine techniques, walked in order on a case (DOMAIN §5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.complaints.checklists import technique, techniques
from pcrm.complaints.choices import Answer
from pcrm.complaints.models import ComplaintCase, ComplaintStep
from pcrm.complaints.services.common import audit_case, ensure_can_work, ensure_open
from pcrm.complaints.services.handling import apply_solution

# Steps whose completion depends on other facts of the case (keys of checklists.toml).
UNDERSTANDING, HANDLING, SALES, FOLLOWUP = "understanding", "handling", "sales", "followup"
APOLOGISED, THANKED = "apologised", "thanked"


@dataclass
class StepEntry:
    """One technique to record: the ticked checklist items and the notes."""

    step: str
    checked: list[str] = field(default_factory=list)
    notes: str = ""
    started_at: dt.datetime | None = None


@dataclass
class SolutionInput:
    solution: str
    answer: str
    reply_due_at: dt.datetime | None = None


@transaction.atomic
def complaint_steps_record(
    *,
    actor: Any,
    case: ComplaintCase,
    entries: list[StepEntry],
    quick: bool = False,
    quality_complaint: bool | None = None,
    solution: SolutionInput | None = None,
) -> list[ComplaintStep]:
    """Record one technique, or several at once (quick mode at the counter), in order.

    A step needs every earlier step done. A quality complaint needs the apology
    recorded before the understanding step completes; handling needs the solution
    and the customer's answer; follow-up needs the decision told to the customer.
    """
    ensure_can_work(actor, case)
    ensure_open(case)
    if not entries:
        raise ValidationError(_("请至少选择一个步骤。"))
    now = timezone.now()
    if quality_complaint is not None:
        case.quality_complaint = quality_complaint
    if solution is not None:
        apply_solution(
            actor,
            case,
            solution=solution.solution,
            answer=solution.answer,
            reply_due_at=solution.reply_due_at,
            at=now,
        )
    done = set(case.steps.values_list("step", flat=True))
    # A step starts when the one before it was completed (the first: at receipt).
    last_done = case.steps.order_by("-position").values_list("completed_at", flat=True).first()
    recorded = []
    for entry in sorted(entries, key=lambda e: _position(e.step)):
        _check_order(entry.step, done)
        _check_items(case, entry)
        _apply_step_facts(case, entry, now)
        if entry.started_at is None and entry.step not in done:
            entry.started_at = last_done or case.received_at
        recorded.append(_upsert(case, entry, actor, now, quick))
        done.add(entry.step)
        last_done = now
    case.save()
    audit_case(actor, "complaint.steps", case, steps=[e.step for e in entries], quick=quick)
    return recorded


def _position(key: str) -> int:
    try:
        return technique(key).position
    except KeyError:
        raise ValidationError(_("未知的处理步骤：%(step)s") % {"step": key}) from None


def _check_order(key: str, done: set[str]) -> None:
    missing = [t.label for t in techniques()[: _position(key)] if t.key not in done]
    if missing:
        raise ValidationError(
            _("请按顺序处理：尚未完成 %(steps)s。") % {"steps": "、".join(missing)}
        )


def _check_items(case: ComplaintCase, entry: StepEntry) -> None:
    # An apology ticked on a case not (yet) judged a quality complaint does no harm.
    allowed = technique(entry.step).item_keys(quality=True)
    unknown = set(entry.checked) - set(allowed)
    if unknown:
        raise ValidationError(_("清单事项无效：%(items)s") % {"items": "、".join(sorted(unknown))})


def _apply_step_facts(case: ComplaintCase, entry: StepEntry, now: dt.datetime) -> None:
    if entry.step == UNDERSTANDING and case.quality_complaint:
        if APOLOGISED in entry.checked and case.apology_at is None:
            case.apology_at = now
        if case.apology_at is None:
            raise ValidationError(_("质量性投诉须先向客户致歉并记录，才能完成“了解投诉问题”。"))
    if entry.step == HANDLING and (not case.solution or case.answer == Answer.PENDING):
        raise ValidationError(_("请先记录解决方案和客户意见。"))
    if entry.step == SALES and THANKED in entry.checked and case.thanked_at is None:
        case.thanked_at = now
    if entry.step == FOLLOWUP and case.decided_at is None:
        raise ValidationError(_("须先把处理结果答复客户，才能进入后续跟踪。"))


def _upsert(
    case: ComplaintCase, entry: StepEntry, actor: Any, now: dt.datetime, quick: bool
) -> ComplaintStep:
    fields: dict[str, Any] = {
        "position": _position(entry.step),
        "checked": list(entry.checked),
        "notes": entry.notes.strip(),
        "completed_at": now,
        "completed_by": actor,
        "quick": quick,
    }
    if entry.started_at is not None:  # a re-recorded step keeps when it started
        fields["started_at"] = entry.started_at
    step, _created = ComplaintStep.objects.update_or_create(
        case=case, step=entry.step, defaults=fields
    )
    return step


@transaction.atomic
def complaint_apology_record(*, actor: Any, case: ComplaintCase) -> ComplaintCase:
    """The apology owed at once for a quality complaint (质量性投诉)."""
    ensure_can_work(actor, case)
    ensure_open(case)
    if case.apology_at is None:
        case.apology_at = timezone.now()
        case.save(update_fields=["apology_at"])
        audit_case(actor, "complaint.apology", case)
    return case
