"""Handling a complaint: the solution and the customer's answer, escalation, commitments,
and the decision told to the customer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.complaints.choices import Answer, CommitmentKind, CommitmentStatus, Status
from pcrm.complaints.models import Commitment, ComplaintCase
from pcrm.complaints.policy import current_policy
from pcrm.complaints.services.common import (
    audit_case,
    ensure_approver,
    ensure_can_work,
    ensure_open,
    followup_item,
    heads_for,
)


def apply_solution(
    actor: Any,
    case: ComplaintCase,
    *,
    solution: str,
    answer: str,
    reply_due_at: dt.datetime | None,
    at: dt.datetime,
) -> None:
    """Record the solution told to the customer and their answer (no save, no audit).

    Accepted: the case is decided and the customer told. Not accepted: a definite
    reply time is required and becomes a ``complaint_followup`` item for the handler.
    """
    if not solution.strip():
        raise ValidationError({"solution": _("请填写告知客户的解决方案。")})
    if answer not in Answer.values:
        raise ValidationError({"answer": _("客户意见无效。")})
    if answer == Answer.NOT_ACCEPTED and (reply_due_at is None or reply_due_at <= at):
        raise ValidationError({"reply_due_at": _("客户不接受时，须给出明确的（将来的）答复时间。")})
    case.solution, case.answer = solution.strip(), answer
    case.reply_due_at = reply_due_at if answer == Answer.NOT_ACCEPTED else None
    if answer == Answer.ACCEPTED and case.decided_at is None:
        case.decided_at, case.decision, case.status = at, case.solution, Status.DECIDED
    if answer == Answer.NOT_ACCEPTED and reply_due_at is not None:
        followup_item(
            actor=actor,
            case=case,
            staff=case.handler or actor,
            subject=f"reply:{reply_due_at:%Y%m%d%H%M}",
            due_on=timezone.localdate(reply_due_at),
            priority=current_policy().priorities["reply_priority"],
            reason=_("投诉 %(no)s：客户未接受方案，须在承诺时间前答复客户。")
            % {"no": case.case_no},
        )


@transaction.atomic
def complaint_solution_record(
    *,
    actor: Any,
    case: ComplaintCase,
    solution: str,
    answer: str,
    reply_due_at: dt.datetime | None = None,
) -> ComplaintCase:
    """Record the proposed solution and the customer's answer (technique 6)."""
    ensure_can_work(actor, case)
    ensure_open(case)
    apply_solution(
        actor,
        case,
        solution=solution,
        answer=answer,
        reply_due_at=reply_due_at,
        at=timezone.now(),
    )
    case.save()
    audit_case(actor, "complaint.solution", case, answer=answer)
    return case


@transaction.atomic
def complaint_escalate(
    *, actor: Any, case: ComplaintCase, options_considered: str
) -> ComplaintCase:
    """A hard case goes to the branch head, with the options already considered."""
    ensure_can_work(actor, case)
    ensure_open(case)
    if not options_considered.strip():
        raise ValidationError({"options_considered": _("请写明已考虑过的解决方案。")})
    heads = [h for h in heads_for(case.branch) if h.pk != case.complained_staff_id]
    if not heads:
        raise ValidationError(_("找不到可上报的网点负责人。"))
    case.escalated_to, case.escalated_at = heads[0], timezone.now()
    case.options_considered = options_considered.strip()
    case.save(update_fields=["escalated_to", "escalated_at", "options_considered"])
    followup_item(
        actor=actor,
        case=case,
        staff=heads[0],
        subject="escalation",
        due_on=timezone.localdate(),
        priority=current_policy().priorities["escalation_priority"],
        reason=_("投诉 %(no)s 已上报，请研究处理方案。") % {"no": case.case_no},
    )
    audit_case(actor, "complaint.escalate", case, to=heads[0].staff_code)
    return case


@transaction.atomic
def commitment_make(
    *, actor: Any, case: ComplaintCase, kind: str, description: str, amount: Decimal
) -> Commitment:
    """Record a promise to the customer; beyond the handler's authority it awaits approval."""
    ensure_can_work(actor, case)
    ensure_open(case)
    if kind not in CommitmentKind.values or not description.strip() or amount < 0:
        raise ValidationError(_("承诺类型、内容或金额无效。"))
    handler_role = case.handler.role if case.handler else actor.role
    limit = current_policy().authority_of(handler_role)
    within = amount <= limit
    commitment = Commitment.objects.create(
        case=case,
        kind=kind,
        description=description.strip(),
        amount=amount,
        status=CommitmentStatus.WITHIN_AUTHORITY if within else CommitmentStatus.PENDING,
        made_by=actor,
        made_at=timezone.now(),
    )
    audit_case(
        actor,
        "complaint.commitment",
        case,
        kind=kind,
        amount=str(amount),
        status=commitment.status,
    )
    return commitment


@transaction.atomic
def commitment_decide(
    *, actor: Any, commitment: Commitment, approve: bool, note: str = ""
) -> Commitment:
    """The branch head approves or rejects a commitment beyond the handler's authority.

    Nobody approves their own promise (four eyes), and the staff complained about
    never approves anything on the case.
    """
    case = commitment.case
    ensure_approver(actor, case)
    if commitment.status != CommitmentStatus.PENDING:
        raise ValidationError(_("该承诺无需审批或已审批。"))
    if commitment.made_by_id == actor.pk:
        raise ValidationError(_("不能审批本人作出的承诺。"))
    commitment.status = CommitmentStatus.APPROVED if approve else CommitmentStatus.REJECTED
    commitment.decided_by, commitment.decided_at = actor, timezone.now()
    commitment.decision_note = note.strip()
    commitment.save()
    audit_case(actor, "complaint.commitment_decide", case, status=commitment.status)
    return commitment


@transaction.atomic
def complaint_decide(
    *, actor: Any, case: ComplaintCase, decision: str, told_at: dt.datetime | None = None
) -> ComplaintCase:
    """The decision is made and told to the customer: this stops the regulatory clock."""
    ensure_can_work(actor, case)
    ensure_open(case)
    told_at = told_at or timezone.now()
    if not decision.strip():
        raise ValidationError({"decision": _("请填写处理结果。")})
    if told_at < case.received_at or told_at > timezone.now():
        raise ValidationError({"told_at": _("答复时间须在受理之后、现在之前。")})
    if case.commitments.filter(status=CommitmentStatus.PENDING).exists():
        raise ValidationError(_("尚有待审批的承诺，审批后才能答复客户。"))
    case.decision, case.decided_at, case.status = decision.strip(), told_at, Status.DECIDED
    case.save(update_fields=["decision", "decided_at", "status"])
    audit_case(actor, "complaint.decide", case)
    return case
