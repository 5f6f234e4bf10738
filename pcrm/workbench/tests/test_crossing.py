"""A complaint case opens a sales opportunity for the customer's manager (technique 8)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pcrm.complaints.services import Intake, complaint_open
from pcrm.value.models import Opportunity

pytestmark = pytest.mark.django_db


def _case(personas):  # type: ignore[no-untyped-def]
    case, _merged = complaint_open(
        actor=personas.lobby,
        intake=Intake(
            channel="counter",
            category="waiting",
            description="排队太久",
            received_at=timezone.now() - dt.timedelta(hours=1),
            customer=personas.mine,
        ),
    )
    return case


def test_taker_opens_an_opportunity_for_the_manager(client, personas):
    case = _case(personas)
    client.force_login(personas.lobby)
    url = reverse("workbench:complaint_opportunity", args=[case.case_no])
    response = client.post(url, {"text": "客户有定期到期，可推荐稳健理财"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.opportunity_requested
    opportunity = Opportunity.objects.get(customer=personas.mine)
    assert opportunity.source == "complaint"
    assert opportunity.owner == personas.manager
    # Asking twice does not open a second one.
    client.post(url, {"text": "再次提出"})
    assert Opportunity.objects.filter(customer=personas.mine).count() == 1


def test_empty_notes_write_nothing(client, personas):
    case = _case(personas)
    client.force_login(personas.lobby)
    client.post(reverse("workbench:complaint_opportunity", args=[case.case_no]), {"text": " "})
    case.refresh_from_db()
    assert not case.opportunity_requested
    assert not Opportunity.objects.exists()


def test_staff_of_another_branch_get_404(client, personas):
    case = _case(personas)
    client.force_login(personas.other_manager)
    url = reverse("workbench:complaint_opportunity", args=[case.case_no])
    assert client.post(url, {"text": "x"}).status_code == 404
