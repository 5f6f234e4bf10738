from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pcrm.campaigns.models import Broadcast, SurveyReport
from pcrm.campaigns.policy import policy
from pcrm.campaigns.services import (
    broadcast_send,
    event_create,
    event_invite,
    event_results,
    invitation_attend,
    invitation_rsvp,
    survey_review,
    survey_submit,
)
from pcrm.customers.models import Interaction
from pcrm.worklist.models import WorkItem
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
GOLD = Decimal(policy()["tiers"]["gold"])
DND_ALLOWED = {"card", "mail", "sms", "email"}


@pytest.fixture
def book(personas):  # type: ignore[no-untyped-def]
    def make(no, **kw):  # type: ignore[no-untyped-def]
        kw.setdefault("aum", GOLD)
        kw.setdefault("orientation", "service")
        return CustomerFactory(
            customer_no=no, branch=personas.branch, manager=personas.manager, **kw
        )

    return {
        "dnd": make("E1", contact_preference="do_not_disturb"),
        "frequent": make("E2", contact_preference="frequent"),
        "no_consent": make("E3", marketing_consent=False),
        "poor": make("E4", aum=GOLD - 1),
        "value": make("E5", orientation="value"),
    }


def _event(personas, capacity=10):  # type: ignore[no-untyped-def]
    return event_create(
        actor=personas.manager,
        title="红酒品鉴会",
        event_type="wine",
        held_on=dt.date(2099, 5, 1),
        venue="财富中心",
        capacity=capacity,
        orientation="service",
        min_tier="gold",
    )


def test_unknown_type_refused(personas) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError):
        event_create(
            actor=personas.manager,
            title="x",
            event_type="karaoke",
            held_on=dt.date(2099, 1, 1),
            venue="v",
            capacity=1,
        )


def test_invitations_follow_segment_consent_and_channel(personas, book) -> None:  # type: ignore[no-untyped-def]
    event = _event(personas)
    result = event_invite(actor=personas.manager, event=event, today=dt.date(2099, 4, 1))
    assert result == {"invited": 2, "no_consent": 1}
    invited = {i.customer.customer_no: i.channel for i in event.invitations.all()}
    assert set(invited) == {"E1", "E2"}
    assert invited["E1"] in DND_ALLOWED
    assert invited["E2"] == policy()["invitation_channel"]["frequent"]
    items = WorkItem.objects.filter(kind="event_invitation")
    assert items.count() == 2
    assert {i.channel for i in items if i.customer.customer_no == "E1"} <= DND_ALLOWED
    assert event_invite(actor=personas.manager, event=event)["invited"] == 0


def test_capacity(personas, book) -> None:  # type: ignore[no-untyped-def]
    event = _event(personas, capacity=1)
    assert event_invite(actor=personas.manager, event=event)["invited"] == 1


def test_rsvp_attendance_results(personas, book) -> None:  # type: ignore[no-untyped-def]
    event = _event(personas)
    event_invite(actor=personas.manager, event=event)
    inv = event.invitations.get(customer=book["frequent"])
    invitation_rsvp(actor=personas.manager, invitation=inv, rsvp="accepted")
    invitation_attend(actor=personas.manager, invitation=inv, attended=True)
    book["frequent"].aum = GOLD + 5000
    book["frequent"].save()
    assert event_results(event) == {
        "invited": 2,
        "accepted": 1,
        "attended": 1,
        "aum_change": Decimal("5000"),
    }


def test_broadcast_channels_and_contact_log(personas, book) -> None:  # type: ignore[no-untyped-def]
    msg = Broadcast.objects.create(title="四季度市场展望", body="...", author=personas.manager)
    result = broadcast_send(actor=personas.manager, broadcast=msg)
    assert result["skipped"] == 1
    logs = {i.customer.customer_no: i.channel for i in Interaction.objects.all()}
    assert "E3" not in logs
    assert logs["E1"] in {"email", "mail"}
    assert logs["E2"] == "sms"
    assert result["sent"] == len(logs)
    with pytest.raises(ValidationError):
        broadcast_send(actor=personas.manager, broadcast=msg)


def test_dnd_with_email_gets_email(personas) -> None:  # type: ignore[no-untyped-def]
    CustomerFactory(
        customer_no="E9",
        branch=personas.branch,
        manager=personas.manager,
        contact_preference="do_not_disturb",
        email="a@example.com",
    )
    msg = Broadcast.objects.create(title="t", body="b", author=personas.manager)
    broadcast_send(actor=personas.manager, broadcast=msg)
    assert Interaction.objects.get(customer__customer_no="E9").channel == "email"


def test_survey_flow(personas) -> None:  # type: ignore[no-untyped-def]
    report = SurveyReport.objects.create(
        theme="养老需求", body="调研内容", author=personas.manager, branch=personas.branch
    )
    with pytest.raises(ValidationError):
        survey_review(actor=personas.head, report=report, note="好")
    survey_submit(actor=personas.manager, report=report)
    with pytest.raises(PermissionDenied):
        survey_review(actor=personas.manager, report=report, note="好")
    survey_review(actor=personas.head, report=report, note="请细化")
    report.refresh_from_db()
    assert report.status == "reviewed"
    assert report.reviewed_by == personas.head
