import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pcrm.audit.models import AuditEvent
from pcrm.customers.models import Customer, Interaction
from pcrm.customers.services import (
    customer_access_grant,
    customer_aum_refresh,
    customer_contact_terms_set,
    customer_identity_set,
    customer_profile_update,
    customer_reveal,
    interaction_log,
)
from tests.factories import HoldingFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_reveal_returns_clear_value_and_writes_one_audit_event(personas):
    value = customer_reveal(
        actor=personas.manager, customer=personas.mine, field="phone", reason="客户来电"
    )
    assert value == personas.mine.phone
    event = AuditEvent.objects.get(action="customer.reveal")
    assert (event.reason, event.actor, event.data["field"]) == (
        "客户来电",
        personas.manager,
        "phone",
    )
    assert value not in str(event.data)


@pytest.mark.parametrize(
    ("field", "reason", "error"),
    [("name", "理由充分", ValidationError), ("phone", " ", ValidationError)],
)
def test_reveal_refuses_bad_requests(personas, field, reason, error):
    with pytest.raises(error):
        customer_reveal(actor=personas.manager, customer=personas.mine, field=field, reason=reason)
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("who", ["teller", "lobby", "auditor", "admin"])
def test_roles_without_reveal_are_refused(personas, who):
    with pytest.raises(PermissionDenied):
        customer_reveal(
            actor=getattr(personas, who), customer=personas.mine, field="id_no", reason="看看"
        )


def test_reached_contact_establishes_the_relationship(personas):
    interaction_log(
        actor=personas.manager, customer=personas.mine, channel="phone", outcome="reached"
    )
    personas.mine.refresh_from_db()
    assert personas.mine.service_established
    assert personas.mine.established_by == personas.manager
    assert AuditEvent.objects.get(action="interaction.log").data["established"] is True


def test_unreached_contact_does_not_establish(personas):
    interaction_log(
        actor=personas.manager, customer=personas.mine, channel="sms", outcome="not_reached"
    )
    personas.mine.refresh_from_db()
    assert not personas.mine.service_established
    assert Interaction.objects.count() == 1


def test_contact_log_refuses_future_times_and_roles_without_capability(personas):
    future = timezone.now() + dt.timedelta(hours=1)
    with pytest.raises(ValidationError):
        interaction_log(
            actor=personas.manager,
            customer=personas.mine,
            channel="phone",
            outcome="reached",
            occurred_at=future,
        )
    with pytest.raises(PermissionDenied):
        interaction_log(
            actor=personas.teller, customer=personas.mine, channel="phone", outcome="reached"
        )
    assert not Interaction.objects.exists()


def test_contact_terms_record_who_and_when_and_audit_only_changes(personas):
    customer_contact_terms_set(
        actor=personas.manager, customer=personas.mine, contact_preference="moderate"
    )
    customer_contact_terms_set(
        actor=personas.manager, customer=personas.mine, contact_preference="moderate"
    )
    fresh = Customer.objects.get(pk=personas.mine.pk)
    assert fresh.contact_preference == "moderate"
    assert fresh.contact_preference_recorded_by == personas.manager
    assert fresh.contact_preference_recorded_at is not None
    assert AuditEvent.objects.filter(action="customer.contact_terms").count() == 1


def test_profile_update_refuses_unknown_fields(personas):
    with pytest.raises(ValidationError):
        customer_profile_update(actor=personas.manager, customer=personas.mine, red_list=True)
    customer_profile_update(actor=personas.manager, customer=personas.mine, occupation="教师")
    assert Customer.objects.get(pk=personas.mine.pk).occupation == "教师"


def test_identity_set_fills_masked_and_index_columns(personas):
    customer_identity_set(personas.mine, phone="13800001111", email="A.B@Example.com")
    assert personas.mine.phone_masked == "138****1111"
    assert personas.mine.email_masked == "A***@Example.com"
    assert personas.mine.phone_index
    assert personas.mine.email_index


def test_access_grant_lets_a_colleague_see_the_customer(personas):
    from pcrm.customers.selectors import customer_list_for

    assert not customer_list_for(user=personas.advisor).exists()
    customer_access_grant(
        actor=personas.head, customer=personas.mine, staff=personas.advisor, reason="referral"
    )
    customer_access_grant(
        actor=personas.head, customer=personas.mine, staff=personas.advisor, reason="referral"
    )
    assert list(customer_list_for(user=personas.advisor)) == [personas.mine]
    assert AuditEvent.objects.filter(action="customer.access_grant").count() == 1


def test_aum_counts_active_asset_holdings_only(personas):
    loan = ProductFactory(code="L1", product_type="loan")
    HoldingFactory(customer=personas.mine, market_value=Decimal("1000.50"))
    HoldingFactory(customer=personas.mine, market_value=Decimal("999"), status="closed")
    HoldingFactory(customer=personas.mine, product=loan, market_value=Decimal("50000"))
    customer_aum_refresh(customer_ids=[personas.mine.pk])
    assert Customer.objects.get(pk=personas.mine.pk).aum == Decimal("1000.50")
    assert Customer.objects.get(pk=personas.theirs.pk).aum == Decimal("0")
