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
