"""Writes of the campaigns app: events and invitations (through each customer's channel
and consent), RSVP and attendance, market-information broadcasts, survey reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.audit.services import audit_record, audit_record_bulk
from pcrm.campaigns.models import (
    Broadcast,
    CustomerEvent,
    Invitation,
    Rsvp,
    SurveyReport,
    SurveyStatus,
)
from pcrm.campaigns.policy import (
    TIER_ORDER,
    broadcast_channel,
    invitation_channel,
    policy,
    tier_of,
)
from pcrm.customers.models import Customer, Interaction
from pcrm.customers.selectors import customer_list_for
from pcrm.org.roles import can
from pcrm.worklist.choices import Content, Kind
from pcrm.worklist.services import work_item_put


def _require(actor: Any, capability: str) -> None:
    if not can(actor, capability):
        raise PermissionDenied(_("您的岗位无权执行此操作。"))


def segment(*, user: Any, orientation: str, min_tier: str) -> list[Customer]:
    """Visible customers of the orientation (any when blank) at or above the tier."""
    qs: QuerySet[Customer] = customer_list_for(user=user).select_related("manager", "branch")
    if orientation:
        qs = qs.filter(orientation=orientation)
    floor = TIER_ORDER.index(min_tier)
    return [c for c in qs.order_by("customer_no") if TIER_ORDER.index(tier_of(c.aum)) >= floor]


@transaction.atomic
def event_create(*, actor: Any, **fields: Any) -> CustomerEvent:
    """Create an event at the actor's branch; the type must be one of policy.toml."""
    _require(actor, "customer.edit")
    if fields.get("event_type") not in policy()["event_types"]:
        raise ValidationError(_("未知的活动类型。"))
    if fields.get("min_tier", "") not in TIER_ORDER:
        raise ValidationError(_("未知的客户等级。"))
    event = CustomerEvent(branch_id=actor.branch_id, organiser=actor, **fields)
    event.full_clean(exclude=["branch", "organiser"])
    event.save()
    audit_record(
        actor=actor,
        action="event.create",
        target=event,
        data={"type": event.event_type},
        branch_code=event.branch.code,
    )
    return event


@transaction.atomic
def event_invite(
    *, actor: Any, event: CustomerEvent, today: dt.date | None = None
) -> dict[str, int]:
    """Invite the target segment up to the capacity. No invitation without marketing consent;
    each through the channel the customer's contact preference allows, as an
    ``event_invitation`` work item for the customer's manager."""
    _require(actor, "customer.edit")
    today = today or timezone.localdate()
    due = max(today, event.held_on - dt.timedelta(days=int(policy()["invitation"]["lead_days"])))
    invited = set(event.invitations.values_list("customer_id", flat=True))
    room = event.capacity - len(invited)
    made = no_consent = 0
    for customer in segment(user=actor, orientation=event.orientation, min_tier=event.min_tier):
        if customer.pk in invited:
            continue
        if not customer.marketing_consent:
            no_consent += 1
            continue
        if made >= room:
            break
        channel = invitation_channel(customer.contact_preference)
        item, _created = work_item_put(
            actor=actor,
            customer=customer,
            staff=customer.manager or actor,
            kind=Kind.EVENT_INVITATION,
            subject=f"event{event.pk}",
            due_on=due,
            channel=channel,
            content=Content.EVENT,
            priority=int(policy()["invitation"]["priority"]),
            reason=_("邀请参加客户活动「%(title)s」（%(date)s，%(venue)s）。")
            % {"title": event.title, "date": event.held_on, "venue": event.venue},
        )
        Invitation.objects.create(
            event=event,
            customer=customer,
            channel=channel,
            aum_at_invite=customer.aum,
            work_item_key=item.item_key,
        )
        made += 1
    audit_record(
        actor=actor,
        action="event.invite",
        target=event,
        data={"invited": made, "no_consent": no_consent},
        branch_code=event.branch.code,
    )
    return {"invited": made, "no_consent": no_consent}


@transaction.atomic
def event_follow_up(*, actor: Any, event: CustomerEvent, text: str) -> CustomerEvent:
    """Record the event summary and follow-up after the event."""
    _require(actor, "customer.edit")
    event.follow_up = text.strip()[:5000]
    event.save(update_fields=["follow_up"])
    audit_record(actor=actor, action="event.follow_up", target=event, branch_code=event.branch.code)
    return event


def _invitation_for(actor: Any, invitation: Invitation) -> None:
    _require(actor, "customer.edit")
    if not customer_list_for(user=actor).filter(pk=invitation.customer_id).exists():
        raise Http404


@transaction.atomic
def invitation_rsvp(*, actor: Any, invitation: Invitation, rsvp: str) -> Invitation:
    """Record the customer's answer."""
    _invitation_for(actor, invitation)
    if rsvp not in Rsvp.values:
        raise ValidationError(_("未知的回复。"))
    invitation.rsvp = rsvp
    invitation.save(update_fields=["rsvp"])
    audit_record(actor=actor, action="event.rsvp", target=invitation, data={"rsvp": rsvp})
    return invitation


@transaction.atomic
def invitation_attend(*, actor: Any, invitation: Invitation, attended: bool) -> Invitation:
    """Record attendance on the day."""
    _invitation_for(actor, invitation)
    invitation.attended = attended
    invitation.save(update_fields=["attended"])
    audit_record(actor=actor, action="event.attend", target=invitation, data={"attended": attended})
    return invitation


def event_results(event: CustomerEvent) -> dict[str, Any]:
    """Invited, accepted and attended counts; AUM change of the attendees since invitation."""
    rows = list(event.invitations.select_related("customer"))
    attended = [i for i in rows if i.attended]
    change = sum((i.customer.aum - i.aum_at_invite for i in attended), Decimal("0"))
    return {
        "invited": len(rows),
        "accepted": sum(1 for i in rows if i.rsvp == Rsvp.ACCEPTED),
        "attended": len(attended),
        "aum_change": change,
    }


@transaction.atomic
def broadcast_send(*, actor: Any, broadcast: Broadcast) -> dict[str, int]:
    """Send the message to its segment: consenting customers only, each through a channel
    their preference allows (do-not-disturb: e-mail or mail), recorded in the contact log.

    A one-way message is not a conversation, so the rows are written here in bulk rather
    than through interaction_log (which would establish service relationships)."""
    _require(actor, "contact.log")
    if broadcast.sent_at is not None:
        raise ValidationError(_("该信息已发送。"))
    now = timezone.now()
    rows, skipped = [], 0
    for c in segment(user=actor, orientation=broadcast.orientation, min_tier=broadcast.min_tier):
        if not c.marketing_consent:
            skipped += 1
            continue
        channel = broadcast_channel(c.contact_preference, has_email=bool(c.email_masked))
        rows.append(
            Interaction(
                customer=c,
                staff=actor,
                occurred_at=now,
                channel=channel,
                outcome="reached",
                purpose=broadcast.title[:200],
                notes=_("市场与产品信息推送"),
            )
        )
    Interaction.objects.bulk_create(rows, batch_size=1000)
    broadcast.sent_at, broadcast.recipients, broadcast.skipped = now, len(rows), skipped
    broadcast.save()
    audit_record_bulk(
        actor=actor,
        action="broadcast.send",
        target_type="customers.customer",
        rows=[
            {"target_id": r.customer_id, "channel": r.channel, "broadcast": broadcast.pk}
            for r in rows
        ],
    )
    return {"sent": len(rows), "skipped": skipped}


@transaction.atomic
def survey_submit(*, actor: Any, report: SurveyReport) -> SurveyReport:
    """The author submits the draft to the branch head."""
    if report.author_id != actor.pk or report.status != SurveyStatus.DRAFT:
        raise ValidationError(_("只有作者可以提交草稿状态的报告。"))
    report.status, report.submitted_at = SurveyStatus.SUBMITTED, timezone.now()
    report.save()
    audit_record(actor=actor, action="survey.submit", target=report, branch_code=report.branch.code)
    return report


@transaction.atomic
def survey_review(*, actor: Any, report: SurveyReport, note: str) -> SurveyReport:
    """The branch head reviews a submitted report of their branch."""
    _require(actor, "report.branch")
    if report.branch_id != actor.branch_id:
        raise Http404
    if report.status != SurveyStatus.SUBMITTED:
        raise ValidationError(_("只能审阅已提交的报告。"))
    report.status, report.reviewed_by = SurveyStatus.REVIEWED, actor
    report.review_note, report.reviewed_at = note.strip(), timezone.now()
    report.save()
    audit_record(actor=actor, action="survey.review", target=report, branch_code=report.branch.code)
    return report
