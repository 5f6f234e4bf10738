"""Checks shared by the complaint services: who may act on a case, recusal, audit."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from pcrm.audit.services import audit_record
from pcrm.complaints.models import ComplaintCase
from pcrm.org.models import Branch, Role, Staff
from pcrm.org.roles import can
from pcrm.org.selectors import branch_heads_of, branch_subtree_ids

# Roles that look after customers and so may handle a complaint (not auditors or admins).
HANDLING_ROLES = frozenset(
    {Role.CUSTOMER_MANAGER, Role.WEALTH_ADVISOR, Role.LOBBY_MANAGER, Role.TELLER, Role.BRANCH_HEAD}
)


def serves_branch(staff: Any, branch_id: int) -> bool:
    """Whether the case's branch is the staff member's branch or below it."""
    home: int | None = getattr(staff, "branch_id", None)
    return home is not None and branch_id in branch_subtree_ids(branch_id=home)


def ensure_recusal(*, handler: Any, complained_staff_id: int | None) -> None:
    """The handler is never the member of staff complained about (recusal)."""
    if handler is not None and complained_staff_id and handler.pk == complained_staff_id:
        raise ValidationError(_("被投诉员工须回避，不能处理针对本人的投诉。"))


def ensure_handler_eligible(*, handler: Staff, case: ComplaintCase) -> None:
    if not handler.is_active or handler.role not in HANDLING_ROLES:
        raise ValidationError(_("该员工不能担任投诉处理人。"))
    if not serves_branch(handler, case.branch_id):
        raise ValidationError(_("处理人须为投诉所属网点的员工。"))
    ensure_recusal(handler=handler, complained_staff_id=case.complained_staff_id)


def ensure_can_work(actor: Any, case: ComplaintCase) -> None:
    """The handler works the case; a branch head of the case's branch may step in."""
    if case.handler_id and actor.pk == case.handler_id:
        return
    if can(actor, "complaint.approve") and serves_branch(actor, case.branch_id):
        ensure_recusal(handler=actor, complained_staff_id=case.complained_staff_id)
        return
    raise PermissionDenied(_("只有处理人或网点负责人可以处理该投诉。"))


def ensure_approver(actor: Any, case: ComplaintCase) -> None:
    """Approvals take the branch head's capability, for this branch, and no conflict."""
    if not (can(actor, "complaint.approve") and serves_branch(actor, case.branch_id)):
        raise PermissionDenied(_("需要网点负责人审批。"))
    ensure_recusal(handler=actor, complained_staff_id=case.complained_staff_id)


def ensure_open(case: ComplaintCase) -> None:
    if case.closed_at is not None:
        raise ValidationError(_("投诉已办结。"))


def heads_for(branch: Branch) -> list[Staff]:
    """The branch heads answerable for a branch: its own, else the nearest above it."""
    current: Branch | None = branch
    while current is not None:
        heads = list(branch_heads_of(branch=current))
        if heads:
            return heads
        current = current.parent
    return []


def audit_case(actor: Any, action: str, case: ComplaintCase, **data: Any) -> None:
    """One audit event per service; only masked or non-personal values go in ``data``."""
    audit_record(
        actor=actor,
        action=action,
        target=case,
        data={"case_no": case.case_no, **data},
        branch_code=case.branch.code,
    )


def followup_item(
    *,
    actor: Any,
    case: ComplaintCase,
    staff: Any,
    subject: str,
    due_on: Any,
    priority: int,
    reason: str,
    channel: str = "phone",
) -> str:
    """A ``complaint_followup`` work item for a case with a known customer (idempotent).

    Work items belong to a customer, so a visitor's case gets none: its deadlines
    are shown on the complaints pages and in the clock alerts instead. Returns the
    item key, or "" when no item could be raised.
    """
    from pcrm.worklist.services import work_item_put

    if case.customer is None or staff is None:
        return ""
    item, _created = work_item_put(
        actor=actor,
        customer=case.customer,
        staff=staff,
        kind="complaint_followup",
        subject=f"{case.case_no}:{subject}",
        due_on=due_on,
        channel=channel,
        content="after_sales",
        priority=priority,
        reason=reason,
    )
    return item.item_key
