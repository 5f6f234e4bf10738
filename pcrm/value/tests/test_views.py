from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pcrm.value.diagnosis import diagnosis_run
from pcrm.value.models import Opportunity
from pcrm.value.services import opportunity_create
from tests.factories import HoldingFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(personas):  # type: ignore[no-untyped-def]
    c = personas.mine
    c.risk_rating, c.risk_assessed_on = "C3", timezone.localdate()
    c.save()
    td = ProductFactory(code="TD", name="定期", product_type="time_deposit", risk_level="R1")
    HoldingFactory(customer=c, product=td, matures_on=timezone.localdate() + dt.timedelta(days=5))
    return c


def test_pipeline_counts_per_stage(client, personas, rated) -> None:  # type: ignore[no-untyped-def]
    opportunity_create(
        actor=personas.manager, customer=rated, source="walk_in", amount=Decimal("1000")
    )
    client.force_login(personas.manager)
    html = client.get(reverse("value:pipeline")).content.decode()
    assert 'data-stage="identified"' in html
    assert "1000.00 元" in html
    client.force_login(personas.manager2)
    assert "曾小明" not in client.get(reverse("value:pipeline")).content.decode()


def test_head_sees_branch_pipeline(client, personas, rated) -> None:  # type: ignore[no-untyped-def]
    opportunity_create(actor=personas.manager, customer=rated, source="walk_in")
    client.force_login(personas.head)
    html = client.get(reverse("value:pipeline") + "?scope=branch").content.decode()
    assert "吴经理" in html


def test_other_customer_diagnosis_is_404(client, personas, rated) -> None:  # type: ignore[no-untyped-def]
    saved = diagnosis_run(actor=personas.manager, customer=rated)
    client.force_login(personas.manager2)
    assert client.get(reverse("value:diagnosis", args=[saved.pk])).status_code == 404
    url = reverse("value:diagnoses", args=[rated.customer_no])
    assert client.post(url).status_code == 404
    opp = opportunity_create(actor=personas.manager, customer=rated, source="walk_in")
    assert client.get(reverse("value:opportunity", args=[opp.pk])).status_code == 404


def test_run_diagnosis_and_one_click_opportunity(client, personas, rated) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.manager)
    response = client.post(reverse("value:diagnoses", args=[rated.customer_no]))
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "diagnosis-data" in page
    assert "据此创建商机" in page
    pk = int(response["Location"].rstrip("/").split("/")[-1])
    url = reverse("value:diagnosis_opportunity", args=[pk, 0])
    first = client.post(url)
    second = client.post(url)
    assert first["Location"] == second["Location"]
    opp = Opportunity.objects.get()
    assert opp.source == "diagnosis"
    assert opp.product is not None
    assert opp.product.code == "TD"


def test_advance_refused_message(client, personas, rated) -> None:  # type: ignore[no-untyped-def]
    risky = ProductFactory(code="R5", risk_level="R5")
    opp = opportunity_create(actor=personas.manager, customer=rated, source="walk_in")
    client.force_login(personas.manager)
    url = reverse("value:opportunity", args=[opp.pk])
    html = client.post(
        url, {"a-stage": "proposed", "a-product": risky.pk, "advance": "1"}, follow=True
    ).content.decode()
    assert "不符合适当性要求" in html
    opp.refresh_from_db()
    assert opp.stage == "identified"


def test_plan_pages(client, personas, rated) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.manager)
    response = client.post(
        reverse("value:plan_new"),
        {
            "title": "提升计划",
            "customer_nos": rated.customer_no,
            "due_on": "2099-01-01",
            "goal_aum": "200000",
            "goal_tier": "gold",
        },
    )
    assert response.status_code == 302
    plan_url = response["Location"]
    client.post(plan_url, {"a-title": "电话邀约", "a-due_on": "2000-01-01", "add": "1"})
    html = client.get(plan_url).content.decode()
    assert "逾期未完成 1" in html
    assert "偏离计划" in html
    board = client.get(reverse("value:plans") + "?off=1").content.decode()
    assert "提升计划" in board
    client.force_login(personas.manager2)
    assert client.get(plan_url).status_code == 404
    bad = client.post(
        reverse("value:plan_new"),
        {"title": "x", "customer_nos": rated.customer_no, "due_on": "2099-01-01", "goal_aum": "1"},
    )
    assert "无权查看" in bad.content.decode()


def test_manual_opportunity_gated(client, personas, rated) -> None:  # type: ignore[no-untyped-def]
    risky = ProductFactory(code="R5N", risk_level="R5")
    client.force_login(personas.manager)
    url = reverse("value:opportunity_new", args=[rated.customer_no])
    html = client.post(
        url, {"source": "walk_in", "product": risky.pk, "amount": "10"}
    ).content.decode()
    assert "不符合适当性要求" in html
    assert not Opportunity.objects.exists()
    response = client.post(url, {"source": "walk_in", "amount": "10"})
    assert response.status_code == 302
    assert Opportunity.objects.get().source == "walk_in"


def test_manual_opportunity_cannot_claim_an_event(client, personas, rated) -> None:  # type: ignore[no-untyped-def]
    """An event's opportunities are opened from its results page, linked to the event."""
    client.force_login(personas.manager)
    url = reverse("value:opportunity_new", args=[rated.customer_no])
    response = client.post(url, {"source": "event", "amount": "10"})
    assert response.status_code == 200
    assert "source" in response.context["form"].errors
    assert not Opportunity.objects.exists()
