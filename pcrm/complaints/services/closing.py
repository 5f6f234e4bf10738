"""Closing a case and the follow-up plan: thanks, opportunity, letter, survey, root cause."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.complaints.checklists import step_keys
from pcrm.complaints.choices import ContactPurpose, RootCause, Status
from pcrm.complaints.models import ComplaintCase, FollowUpContact
from pcrm.complaints.policy import current_policy
from pcrm.complaints.services.common import (
    audit_case,
    ensure_can_work,
    ensure_open,
    followup_item,
)
from pcrm.customers.choices import Channel

# The satisfaction scale of the survey (a scale definition, not a business threshold).
SATISFACTION_SCALE = range(1, 6)


@transaction.atomic
def complaint_opportunity_request(*, actor: Any, case: ComplaintCase, notes: str) -> ComplaintCase:
    """Ask for a sales opportunity to be opened from the case (technique 8).

    The request is recorded on the case; the workbench (pcrm.workbench.crossing), above
    both features, opens the matching opportunity in the same transaction.
    """
    ensure_can_work(actor, case)
    if not notes.strip():
        raise ValidationError({"notes": _("请写明商机内容。")})
    case.opportunity_requested, case.opportunity_notes = True, notes.strip()
    case.save(update_fields=["opportunity_requested", "opportunity_notes"])
    audit_case(actor, "complaint.opportunity", case)
    return case


@transaction.atomic
def complaint_close(*, actor: Any, case: ComplaintCase) -> ComplaintCase:
    """Close the case: all nine steps done, the decision told and the customer thanked."""
    ensure_can_work(actor, case)
    ensure_open(case)
    missing = set(step_keys()) - set(case.steps.values_list("step", flat=True))
    if missing:
        raise ValidationError(_("九个步骤尚未全部完成。"))
    if case.decided_at is None or case.thanked_at is None:
        raise ValidationError(_("须先答复客户并向客户致谢。"))
    case.status, case.closed_at = Status.CLOSED, timezone.now()
    case.save(update_fields=["status", "closed_at"])
    audit_case(actor, "complaint.close", case)
    return case


@transaction.atomic
def followup_contact_record(
    *,
    actor: Any,
    case: ComplaintCase,
    channel: str,
    purpose: str,
    notes: str = "",
    at: dt.datetime | None = None,
) -> FollowUpContact:
    """A follow-up contact with the complainant (also after the case is closed)."""
    ensure_can_work(actor, case)
    if channel not in Channel.values or purpose not in ContactPurpose.values:
        raise ValidationError(_("联系渠道或目的无效。"))
    contact = FollowUpContact.objects.create(
        case=case,
        occurred_at=at or timezone.now(),
        channel=channel,
        purpose=purpose,
        notes=notes.strip(),
        staff=actor,
    )
    audit_case(actor, "complaint.contact", case, channel=channel, purpose=purpose)
    return contact


def survey_channel_for(case: ComplaintCase) -> str:
    """The survey goes through the channel the customer's contact preference allows."""
    channels = current_policy().survey_channels
    if case.customer is None:
        return channels["visitor"]
    return channels.get(case.customer.contact_preference or "default", channels["default"])


@transaction.atomic
def survey_send(*, actor: Any, case: ComplaintCase) -> ComplaintCase:
    """Plan the satisfaction survey through the customer's channel (a follow-up item)."""
    ensure_can_work(actor, case)
    if case.decided_at is None:
        raise ValidationError(_("答复客户之后才能回访满意度。"))
    rules = current_policy()
    case.survey_channel, case.survey_sent_at = survey_channel_for(case), timezone.now()
    case.save(update_fields=["survey_channel", "survey_sent_at"])
    followup_item(
        actor=actor,
        case=case,
        staff=case.handler or actor,
        subject="survey",
        due_on=timezone.localdate() + dt.timedelta(days=rules.survey_due_days),
        priority=rules.priorities["survey_priority"],
        reason=_("投诉 %(no)s：请向客户发送满意度回访。") % {"no": case.case_no},
        channel=case.survey_channel,
    )
    audit_case(actor, "complaint.survey_send", case, channel=case.survey_channel)
    return case


@transaction.atomic
def survey_record(*, actor: Any, case: ComplaintCase, score: int, notes: str = "") -> ComplaintCase:
    """The customer's satisfaction (1–5) as answered."""
    ensure_can_work(actor, case)
    if score not in SATISFACTION_SCALE:
        raise ValidationError({"score": _("满意度须为 1 到 5。")})
    case.satisfaction, case.satisfaction_at = score, timezone.now()
    case.save(update_fields=["satisfaction", "satisfaction_at"])
    FollowUpContact.objects.create(
        case=case,
        occurred_at=case.satisfaction_at,
        purpose=ContactPurpose.SATISFACTION,
        channel=case.survey_channel or survey_channel_for(case),
        notes=notes.strip(),
        staff=actor,
    )
    audit_case(actor, "complaint.survey_answer", case, score=score)
    return case


@transaction.atomic
def root_cause_record(
    *, actor: Any, case: ComplaintCase, root_cause: str, corrective_action: str
) -> ComplaintCase:
    """The root-cause category and the corrective action (for the analytics page)."""
    ensure_can_work(actor, case)
    if root_cause not in RootCause.values or not corrective_action.strip():
        raise ValidationError(_("请选择根本原因并填写整改措施。"))
    case.root_cause, case.corrective_action = root_cause, corrective_action.strip()
    case.save(update_fields=["root_cause", "corrective_action"])
    audit_case(actor, "complaint.root_cause", case, root_cause=root_cause)
    return case


@transaction.atomic
def root_cause_fixed_tell(
    *, actor: Any, case: ComplaintCase, channel: str, notes: str = ""
) -> ComplaintCase:
    """The bank fixed what the customer raised, and the customer is told."""
    ensure_can_work(actor, case)
    if not case.root_cause:
        raise ValidationError(_("请先记录根本原因和整改措施。"))
    now = timezone.now()
    case.root_cause_fixed_at = case.root_cause_fixed_at or now
    case.root_cause_told_at = now
    case.save(update_fields=["root_cause_fixed_at", "root_cause_told_at"])
    followup_contact_record(
        actor=actor,
        case=case,
        channel=channel,
        purpose=ContactPurpose.ROOT_CAUSE_FIXED,
        notes=notes,
        at=now,
    )
    audit_case(actor, "complaint.root_cause_fixed", case)
    return case


@transaction.atomic
def thank_you_letter_sent(*, actor: Any, case: ComplaintCase) -> ComplaintCase:
    """The printed thank-you letter (感谢函) was sent by mail."""
    ensure_can_work(actor, case)
    case.letter_printed_at = timezone.now()
    case.save(update_fields=["letter_printed_at"])
    FollowUpContact.objects.create(
        case=case,
        occurred_at=case.letter_printed_at,
        channel=Channel.MAIL,
        purpose=ContactPurpose.THANKS,
        notes=_("寄送感谢函"),
        staff=actor,
    )
    audit_case(actor, "complaint.letter", case)
    return case
