"""Intake of complaints (staff pages and the call centre's API) and assignment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.complaints.choices import Category, IntakeChannel, Status
from pcrm.complaints.models import ComplaintCase, ComplaintRepeat
from pcrm.complaints.services.common import (
    audit_case,
    ensure_handler_eligible,
    ensure_open,
    ensure_recusal,
    serves_branch,
)
from pcrm.customers.models import Customer
from pcrm.lib.crypto import blind_index
from pcrm.lib.masking import mask_phone
from pcrm.org.models import Branch, Staff
from pcrm.org.roles import can


@dataclass
class Intake:
    """What is known when a complaint is received: a customer, or an unidentified visitor."""

    channel: str
    category: str
    description: str
    received_at: dt.datetime
    customer: Customer | None = None
    visitor_name: str = ""
    visitor_phone: str = ""
    branch: Branch | None = None
    quality_complaint: bool = False
    complained_staff: Staff | None = None
    handler: Staff | None = None


def intake_validate(intake: Intake, *, now: dt.datetime) -> Branch:
    """Every rule an intake must pass before anything is written; returns the case's branch."""
    errors: dict[str, str] = {}
    if intake.channel not in IntakeChannel.values:
        errors["channel"] = _("受理渠道无效。")
    if intake.category not in Category.values:
        errors["category"] = _("投诉类别无效。")
    if not intake.description.strip():
        errors["description"] = _("请填写投诉内容。")
    if intake.received_at > now:
        errors["received_at"] = _("受理时间不能晚于现在。")
    if intake.customer is None and not (intake.visitor_name.strip() and intake.visitor_phone):
        errors["customer"] = _("请指定客户，或填写来访人姓名和电话。")
    if intake.customer is not None and (intake.visitor_name or intake.visitor_phone):
        errors["customer"] = _("已指定客户时不填写来访人信息。")
    branch = intake.customer.branch if intake.customer is not None else intake.branch
    if branch is None:
        errors["branch"] = _("未识别客户的投诉须指定受理网点。")
    if errors:
        raise ValidationError(errors)
    assert branch is not None  # noqa: S101  (narrowed by the check above)
    return branch


def _open_duplicate(intake: Intake, phone_index: str) -> ComplaintCase | None:
    """The same complaint still open for the same complainant (same category)."""
    qs = ComplaintCase.objects.select_for_update().filter(
        category=intake.category, status=Status.OPEN, closed_at__isnull=True
    )
    if intake.customer is not None:
        qs = qs.filter(customer=intake.customer)
    else:
        qs = qs.filter(customer__isnull=True, visitor_phone_index=phone_index)
    return qs.order_by("received_at", "id").first()


@transaction.atomic
def complaint_open(
    *, actor: Any, intake: Intake, source: str = "staff"
) -> tuple[ComplaintCase, bool]:
    """Open a case, or merge a repeat of an open one into it. Returns (case, merged).

    ``actor`` is the member of staff (needs ``complaint.take``) or None for a system
    caller, named by ``source``. The taker handles the case unless they are the one
    complained about (recusal), in which case it waits for assignment.
    """
    if actor is not None and not can(actor, "complaint.take"):
        raise PermissionDenied(_("您没有受理投诉的权限。"))
    branch = intake_validate(intake, now=timezone.now())
    phone_index = blind_index(intake.visitor_phone, purpose="phone") if intake.visitor_phone else ""
    existing = _open_duplicate(intake, phone_index)
    if existing is not None:
        return _merge_repeat(actor, existing, intake, source), True
    case = _create_case(actor, intake, branch, phone_index, source)
    audit_case(
        actor,
        "complaint.open",
        case,
        source=source,
        category=case.category,
        channel=case.channel,
        customer_no=intake.customer.customer_no if intake.customer else "",
        visitor_phone=case.visitor_phone_masked,
    )
    return case, False


def _create_case(
    actor: Any, intake: Intake, branch: Branch, phone_index: str, source: str
) -> ComplaintCase:
    handler = intake.handler
    complained_id = intake.complained_staff.pk if intake.complained_staff else None
    if handler is None and actor is not None and actor.pk != complained_id:
        handler = actor
    case = ComplaintCase(
        case_no=f"pending-{timezone.now().timestamp()}",
        branch=branch,
        customer=intake.customer,
        visitor_name=intake.visitor_name.strip(),
        visitor_phone=intake.visitor_phone,
        visitor_phone_masked=mask_phone(intake.visitor_phone),
        visitor_phone_index=phone_index,
        channel=intake.channel,
        category=intake.category,
        description=intake.description.strip(),
        received_at=intake.received_at,
        quality_complaint=intake.quality_complaint,
        complained_staff=intake.complained_staff,
        opened_by=actor,
        source=source,
    )
    if handler is not None:
        ensure_handler_eligible(handler=handler, case=case)
        case.handler = handler
    case.save()
    local = timezone.localtime(case.received_at)
    case.case_no = f"TS{local:%Y%m%d}{case.pk:06d}"
    case.save(update_fields=["case_no"])
    return case


def _merge_repeat(actor: Any, case: ComplaintCase, intake: Intake, source: str) -> ComplaintCase:
    ComplaintRepeat.objects.create(
        case=case,
        received_at=intake.received_at,
        channel=intake.channel,
        description=intake.description.strip(),
        recorded_by=actor,
        source=source,
    )
    case.repeat_count += 1
    case.save(update_fields=["repeat_count"])
    audit_case(actor, "complaint.repeat", case, source=source, repeat_count=case.repeat_count)
    return case


@transaction.atomic
def complaint_assign(*, actor: Any, case: ComplaintCase, handler: Staff) -> ComplaintCase:
    """Assign or reassign the handler: never the member of staff complained about."""
    ensure_open(case)
    ensure_recusal(handler=handler, complained_staff_id=case.complained_staff_id)
    # A branch head assigns and reassigns; other takers only pick up an unassigned case.
    allowed = can(actor, "complaint.approve") or (
        can(actor, "complaint.take") and case.handler_id is None
    )
    if not allowed or not serves_branch(actor, case.branch_id):
        raise PermissionDenied(_("您不能分派该投诉。"))
    ensure_handler_eligible(handler=handler, case=case)
    previous = case.handler.staff_code if case.handler else ""
    case.handler = handler
    case.save(update_fields=["handler"])
    audit_case(actor, "complaint.assign", case, handler=handler.staff_code, previous=previous)
    return case
