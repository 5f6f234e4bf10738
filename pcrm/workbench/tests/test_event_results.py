"""Event results with the opportunities from the event, on hand-counted data (issue 6 item 6)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pcrm.campaigns.models import CustomerEvent, Invitation
from pcrm.value.models import Opportunity
from pcrm.workbench.event_results import event_results_combined
from tests.factories import CustomerFactory, HoldingFactory, ProductFactory, TransactionFactory

pytestmark = pytest.mark.django_db
HELD_ON = timezone.localdate() - dt.timedelta(days=10)


def _at(days_after_event: int) -> dt.datetime:
    day = HELD_ON + dt.timedelta(days=days_after_event)
    return dt.datetime.combine(day, dt.time(10), tzinfo=timezone.get_current_timezone())


def _event(personas, title="红酒品鉴会"):  # type: ignore[no-untyped-def]
    return CustomerEvent.objects.create(
        title=title,
        event_type="wine",
        branch=personas.branch,
        organiser=personas.manager,
        held_on=HELD_ON,
        venue="财富中心",
        capacity=20,
    )


def _invite(event, no, at_invite, now, attended, rsvp="accepted"):  # type: ignore[no-untyped-def]
    customer = CustomerFactory(
        customer_no=no,
        branch=event.branch,
        manager=event.organiser,
        aum=Decimal(now),
    )
    Invitation.objects.create(
        event=event,
        customer=customer,
        channel="phone",
        rsvp=rsvp,
        attended=attended,
        aum_at_invite=Decimal(at_invite),
    )
    return customer


def _opp(customer, event, stage, amount):  # type: ignore[no-untyped-def]
    return Opportunity.objects.create(
        customer=customer,
        owner=customer.manager,
        branch=customer.branch,
        source="event",
        stage=stage,
        amount=Decimal(amount),
        event=event,
    )


@pytest.fixture
def bank(personas):  # type: ignore[no-untyped-def]
    """Two attendees (A, B), one who accepted but stayed away (C), one who never answered (D)."""
    event = _event(personas)
    a = _invite(event, "EA", 200000, 260000, attended=True)
    b = _invite(event, "EB", 300000, 250000, attended=True)
    c = _invite(event, "EC", 100000, 500000, attended=False)
    _invite(event, "ED", 100000, 100000, attended=False, rsvp="invited")
    wealth = ProductFactory(code="WMX", product_type="wealth")
    demand = ProductFactory(code="DDX", product_type="demand_deposit", risk_level="")
    card = ProductFactory(code="CCX", product_type="credit_card", risk_level="")
    a_wealth = HoldingFactory(customer=a, product=wealth)
    a_demand = HoldingFactory(customer=a, product=demand)
    b_wealth = HoldingFactory(customer=b, product=wealth)
    b_card = HoldingFactory(customer=b, product=card)
    c_wealth = HoldingFactory(customer=c, product=wealth)
    flows = [
        (a, a_wealth, 0, "90000"),  # counts: on the event day
        (a, a_demand, 1, "-20000"),  # counts
        (a, a_wealth, -1, "5000"),  # before the event: no
        (b, b_wealth, 3, "-50000"),  # counts
        (b, b_card, 3, "1000"),  # not an asset product: no
        (c, c_wealth, 2, "300000"),  # not an attendee: no
    ]
    for customer, holding, days, amount in flows:
        TransactionFactory(
            customer=customer, holding=holding, booked_at=_at(days), amount=Decimal(amount)
        )
    _opp(a, event, "won", "100000")
    _opp(a, event, "identified", "30000")
    _opp(b, event, "proposed", "50000")
    _opp(b, event, "lost", "20000")
    _opp(c, event, "identified", "0")
    # Not this event's: an unlinked "event" opportunity and another event's.
    Opportunity.objects.create(
        customer=a, branch=a.branch, source="event", stage="won", amount=Decimal("999999")
    )
    _opp(b, _event(personas, title="健康讲座"), "won", "888888")
    return event


def test_results_count_the_event_opportunities_and_aum_after(bank):  # type: ignore[no-untyped-def]
    results = event_results_combined(bank)
    assert results["invited"] == 4
    assert results["accepted"] == 3
    assert results["attended"] == 2
    # (260000 − 200000) + (250000 − 300000)
    assert results["aum_change"] == Decimal("10000")
    # 90000 − 20000 − 50000: attendees' asset flows from the event day on
    assert results["net_inflow_after"] == Decimal("20000")
    assert results["opportunities"] == {
        "total": 5,
        "won": 1,
        "won_amount": Decimal("100000"),
        "pipeline": 3,
        "pipeline_amount": Decimal("80000"),
        "lost": 1,
    }


def test_an_event_without_opportunities_shows_zeros(personas):  # type: ignore[no-untyped-def]
    results = event_results_combined(_event(personas))
    assert results["opportunities"]["total"] == 0
    assert results["opportunities"]["won_amount"] == Decimal("0")
    assert results["net_inflow_after"] == Decimal("0")


def test_page_shows_results_and_opens_a_linked_opportunity(client, personas, bank):  # type: ignore[no-untyped-def]
    client.force_login(personas.manager)
    url = reverse("workbench:event_results", args=[bank.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "1 / 100000.00" in html
    assert "3 / 80000.00" in html
    assert ">20000.00<" in html
    assert ">10000.00<" in html
    invitation = Invitation.objects.get(event=bank, customer__customer_no="ED")
    response = client.post(url, {"invitation": invitation.pk, "amount": "60000", "note": ""})
    assert response.status_code == 302
    opp = Opportunity.objects.get(customer__customer_no="ED")
    assert (opp.event_id, opp.source, opp.amount) == (bank.pk, "event", Decimal("60000"))
    assert opp.owner == personas.manager
    assert event_results_combined(bank)["opportunities"]["pipeline"] == 4
    # The campaigns event page links to these results.
    event_page = client.get(reverse("campaigns:event", args=[bank.pk])).content.decode()
    assert url in event_page


def test_invitation_of_another_event_is_refused(client, personas, bank):  # type: ignore[no-untyped-def]
    other = _event(personas, title="收藏品鉴赏")
    stranger = _invite(other, "EZ", 1000, 1000, attended=True)
    invitation = Invitation.objects.get(customer=stranger)
    client.force_login(personas.manager)
    url = reverse("workbench:event_results", args=[bank.pk])
    assert client.post(url, {"invitation": invitation.pk, "amount": "1"}).status_code == 404
    assert not Opportunity.objects.filter(customer=stranger).exists()


def test_other_branch_gets_404(client, personas, bank):  # type: ignore[no-untyped-def]
    client.force_login(personas.other_manager)
    assert client.get(reverse("workbench:event_results", args=[bank.pk])).status_code == 404


def test_event_link_only_for_event_source(personas, bank):  # type: ignore[no-untyped-def]
    from django.core.exceptions import ValidationError

    from pcrm.value.services import opportunity_create

    with pytest.raises(ValidationError):
        opportunity_create(
            actor=personas.manager, customer=personas.mine, source="walk_in", event_id=bank.pk
        )


def test_negative_amount_is_refused(client, personas, bank):  # type: ignore[no-untyped-def]
    invitation = Invitation.objects.get(event=bank, customer__customer_no="ED")
    client.force_login(personas.manager)
    url = reverse("workbench:event_results", args=[bank.pk])
    response = client.post(url, {"invitation": invitation.pk, "amount": "-1"})
    assert response.status_code == 200
    assert not Opportunity.objects.filter(customer__customer_no="ED").exists()
