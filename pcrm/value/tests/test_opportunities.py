from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from pcrm.audit.models import AuditEvent
from pcrm.value.models import Opportunity
from pcrm.value.policy import money, number
from pcrm.value.services import opportunity_advance, opportunity_close, opportunity_create
from pcrm.value.suggest import opportunity_suggest_all, opportunity_suggest_for
from tests.factories import HoldingFactory, ProductFactory, TransactionFactory

pytestmark = pytest.mark.django_db


def _rated(customer, rating="C3"):  # type: ignore[no-untyped-def]
    customer.risk_rating, customer.risk_assessed_on = rating, timezone.localdate()
    customer.save()
    return customer


def test_stages_forward_audited_and_won(personas) -> None:  # type: ignore[no-untyped-def]
    customer = _rated(personas.mine)
    product = ProductFactory(code="W2", risk_level="R2")
    opp = opportunity_create(actor=personas.manager, customer=customer, source="referral")
    assert opp.owner == personas.manager
    assert opp.branch == personas.branch
    opportunity_advance(actor=personas.manager, opportunity=opp, stage="contacted")
    with pytest.raises(ValidationError, match="请先选择产品"):
        opportunity_advance(actor=personas.manager, opportunity=opp, stage="proposed")
    opportunity_advance(
        actor=personas.manager,
        opportunity=opp,
        stage="proposed",
        product=product,
        amount=Decimal("50000"),
    )
    with pytest.raises(ValidationError, match="只能向后"):
        opportunity_advance(actor=personas.manager, opportunity=opp, stage="contacted")
    won = opportunity_close(actor=personas.manager, opportunity=opp, won=True)
    assert won.stage == "won"
    assert won.closed_at is not None
    assert won.amount == Decimal("50000")
    actions = list(
        AuditEvent.objects.filter(target_id=str(opp.pk)).values_list("action", flat=True)
    )
    assert actions.count("opportunity.advance") == 3
    assert "opportunity.create" in actions


def test_lost_needs_reason(personas) -> None:  # type: ignore[no-untyped-def]
    opp = opportunity_create(actor=personas.manager, customer=personas.mine, source="event")
    with pytest.raises(ValidationError, match="流失原因"):
        opportunity_close(actor=personas.manager, opportunity=opp, won=False, reason=" ")
    lost = opportunity_close(
        actor=personas.manager, opportunity=opp, won=False, reason="客户不感兴趣"
    )
    assert lost.stage == "lost"
    assert lost.lost_reason == "客户不感兴趣"
    with pytest.raises(ValidationError):
        opportunity_advance(actor=personas.manager, opportunity=lost, stage="won")


def test_other_managers_customer_is_404(personas) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Http404):
        opportunity_create(actor=personas.manager, customer=personas.theirs, source="walk_in")


def test_suggestions_from_signals_are_idempotent(personas) -> None:  # type: ignore[no-untyped-def]
    customer = _rated(personas.mine, "C2")
    today = timezone.localdate()
    deposit = ProductFactory(code="DD", product_type="demand_deposit", risk_level="R1")
    term = ProductFactory(code="TD", product_type="time_deposit", risk_level="R1")
    HoldingFactory(
        customer=customer, product=deposit, market_value=money("opportunity", "idle_demand_amount")
    )
    HoldingFactory(
        customer=customer,
        product=term,
        matures_on=today + dt.timedelta(days=number("opportunity", "maturity_window_days")),
    )
    HoldingFactory(
        customer=customer,
        product=term,
        matures_on=today + dt.timedelta(days=number("opportunity", "maturity_window_days") + 1),
    )
    TransactionFactory(customer=customer, amount=money("opportunity", "large_inflow_amount"))
    customer.potential, customer.aum = number("opportunity", "lift_potential_min"), Decimal("1")
    customer.save()
    made = opportunity_suggest_for(customer=customer, today=today)
    assert sorted(o.source for o in made) == ["idle_deposit", "large_inflow", "lift", "maturity"]
    maturity = next(o for o in made if o.source == "maturity")
    assert maturity.product == term
    assert maturity.owner == personas.manager
    assert opportunity_suggest_for(customer=customer, today=today) == []
    assert opportunity_suggest_all(today=today)["opportunities"] == 0
    assert Opportunity.objects.filter(customer=customer).count() == 4


def test_below_thresholds_no_suggestion(personas) -> None:  # type: ignore[no-untyped-def]
    customer = personas.mine
    deposit = ProductFactory(code="DD", product_type="demand_deposit", risk_level="R1")
    HoldingFactory(
        customer=customer,
        product=deposit,
        market_value=money("opportunity", "idle_demand_amount") - 1,
    )
    TransactionFactory(customer=customer, amount=money("opportunity", "large_inflow_amount") - 1)
    assert opportunity_suggest_for(customer=customer) == []
    assert opportunity_suggest_all()["customers"] == 0  # no candidate signal: not opened
