from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pcrm.value.models import Opportunity
from tests.browser import login
from tests.factories import HoldingFactory, ProductFactory


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_manager_runs_diagnosis_and_creates_opportunity(live_server, page, personas) -> None:  # type: ignore[no-untyped-def]
    customer = personas.mine
    customer.risk_rating, customer.risk_assessed_on = "C3", timezone.localdate()
    customer.save()
    td = ProductFactory(code="TD", name="定期", product_type="time_deposit", risk_level="R1")
    HoldingFactory(
        customer=customer, product=td, matures_on=timezone.localdate() + dt.timedelta(days=5)
    )
    login(page, live_server.url, "M1")
    page.goto(f"{live_server.url}/value/customers/{customer.customer_no}/diagnoses/")
    page.click("#run-diagnosis")
    page.wait_for_selector("#suggestions")
    assert page.locator("#total").inner_text() == "100000.00"
    page.wait_for_function("() => typeof Chart !== 'undefined'")
    page.locator("#suggestions button").first.click()
    page.wait_for_selector("#stage")
    assert "已识别" in page.locator("#stage").inner_text()
    opp = Opportunity.objects.get(customer=customer)
    assert opp.source == "diagnosis"
    assert opp.product == td


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_diagnosis_and_pipeline_fit_a_phone(live_server, phone_page, personas) -> None:  # type: ignore[no-untyped-def]
    customer = personas.mine
    customer.risk_rating, customer.risk_assessed_on = "C2", timezone.localdate()
    customer.save()
    HoldingFactory(customer=customer, product=ProductFactory(code="W2", risk_level="R2"))
    login(phone_page, live_server.url, "M1")
    phone_page.goto(f"{live_server.url}/value/customers/{customer.customer_no}/diagnoses/")
    phone_page.click("#run-diagnosis")
    phone_page.wait_for_selector("#total")
    for path in ("", "/value/", "/value/plans/", "/campaigns/"):
        if path:
            phone_page.goto(f"{live_server.url}{path}")
        overflow = phone_page.evaluate(
            "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, path
