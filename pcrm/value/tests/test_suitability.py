from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pcrm.value.policy import number
from pcrm.value.services import opportunity_advance, opportunity_create
from pcrm.value.suitability import suitability_check, suitability_problem
from tests.factories import ProductFactory

TODAY = dt.date(2026, 6, 1)
VALID_DAYS = number("suitability", "assessment_valid_days")
ASSESSED = {
    "valid": TODAY - dt.timedelta(days=VALID_DAYS),
    "expired": TODAY - dt.timedelta(days=VALID_DAYS + 1),
    "missing": None,
}


class _Customer:
    def __init__(self, rating: str, assessed_on: dt.date | None) -> None:
        self.risk_rating, self.risk_assessed_on = rating, assessed_on


class _Product:
    def __init__(self, level: str, product_type: str = "wealth") -> None:
        self.risk_level, self.product_type = level, product_type


@pytest.mark.parametrize("state", list(ASSESSED))
@pytest.mark.parametrize("level", [1, 2, 3, 4, 5])
@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_grid(rating: int, level: int, state: str) -> None:
    customer = _Customer(f"C{rating}", ASSESSED[state])
    product = _Product(f"R{level}")
    problem = suitability_problem(customer=customer, product=product, today=TODAY)
    allowed = state == "valid" and level <= rating
    assert (problem is None) is allowed
    if state == "missing":
        assert problem is not None
        assert "尚未完成风险承受能力评估" in problem
    elif state == "expired":
        assert problem is not None
        assert "有效期" in problem
    elif not allowed:
        assert problem is not None
        assert f"R{level}" in problem
        assert f"C{rating}" in problem


def test_missing_rating_with_date_is_refused() -> None:
    with pytest.raises(ValidationError):
        suitability_check(customer=_Customer("", TODAY), product=_Product("R1"), today=TODAY)


def test_unrated_investment_product_is_refused_cards_are_exempt() -> None:
    customer = _Customer("C5", TODAY)
    assert suitability_problem(customer=customer, product=_Product(""), today=TODAY)
    card = _Product("", "credit_card")
    assert suitability_problem(customer=_Customer("", None), product=card, today=TODAY) is None


@pytest.mark.django_db
def test_services_refuse_unsuitable_without_override(personas) -> None:  # type: ignore[no-untyped-def]
    customer = personas.mine
    customer.risk_rating, customer.risk_assessed_on = "C2", dt.date.today()
    customer.save()
    risky = ProductFactory(code="R4X", risk_level="R4")
    with pytest.raises(ValidationError, match="高于客户风险评级"):
        opportunity_create(
            actor=personas.manager, customer=customer, source="walk_in", product=risky
        )
    opp = opportunity_create(actor=personas.manager, customer=customer, source="walk_in")
    with pytest.raises(ValidationError, match="高于客户风险评级"):
        opportunity_advance(
            actor=personas.manager, opportunity=opp, stage="proposed", product=risky
        )
    opp.refresh_from_db()
    assert opp.stage == "identified"
    assert opp.product is None
