from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pcrm.value.models import Opportunity
from pcrm.value.policy import money
from pcrm.value.recommend import recommendations_for
from tests.factories import HoldingFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(personas):  # type: ignore[no-untyped-def]
    c = personas.mine
    c.risk_rating, c.risk_assessed_on = "C2", timezone.localdate()
    c.aum = money("tiers", "platinum")
    c.save()
    for code, ptype, risk in [
        ("CC-PLAT", "credit_card", ""),
        ("MOBILE", "debit_card", ""),
        ("DC-PLAT", "debit_card", ""),
        ("DC-GOLD", "debit_card", ""),
        ("TD", "time_deposit", "R1"),
        ("WM-STABLE", "wealth", "R2"),
    ]:
        ProductFactory(code=code, name=code, product_type=ptype, risk_level=risk)
    HoldingFactory(customer=c, product=ProductFactory(code="CC-PLAT"), market_value=Decimal("0"))
    return c


def test_platinum_card_holder_cross_sell(holder) -> None:  # type: ignore[no-untyped-def]
    recs = recommendations_for(customer=holder)
    assert [r.product.code for r in recs] == ["MOBILE", "DC-PLAT", "DC-GOLD"]
    assert all(r.reason for r in recs)


def test_tier_and_holdings_filter(holder) -> None:  # type: ignore[no-untyped-def]
    holder.aum = money("tiers", "platinum") - 1
    holder.save()
    HoldingFactory(customer=holder, product=ProductFactory(code="MOBILE"))
    assert [r.product.code for r in recommendations_for(customer=holder)] == ["DC-GOLD"]


def test_suitability_and_upsell(holder) -> None:  # type: ignore[no-untyped-def]
    HoldingFactory(customer=holder, product=ProductFactory(code="TD"))
    assert "WM-STABLE" in [r.product.code for r in recommendations_for(customer=holder)]
    holder.risk_rating = "C1"  # R2 wealth is above C1: filtered by the gate
    holder.save()
    assert "WM-STABLE" not in [r.product.code for r in recommendations_for(customer=holder)]


def test_consent_and_channel(holder) -> None:  # type: ignore[no-untyped-def]
    holder.contact_preference = "do_not_disturb"
    holder.save()
    assert {r.channel for r in recommendations_for(customer=holder)} == {"email"}
    holder.marketing_consent = False
    holder.save()
    assert recommendations_for(customer=holder) == []


def test_one_click_opportunity(client, personas, holder) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.manager)
    page = client.get(reverse("value:recommendations", args=[holder.customer_no]))
    assert "白金信用卡客户尚未开通手机银行" in page.content.decode()
    url = reverse(
        "value:recommendation_opportunity", args=[holder.customer_no, "platinum_cc_mobile"]
    )
    client.post(url)
    client.post(url)
    opp = Opportunity.objects.get()
    assert opp.source == "recommendation"
    assert opp.product.code == "MOBILE"
    client.force_login(personas.manager2)
    assert client.post(url).status_code == 404
