"""Referrals between posts: flow, automatic target, access, work item, credit."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from pcrm.acquisition import policy
from pcrm.acquisition.models import Prospect, Referral
from pcrm.acquisition.selectors import referral_credit_report, referral_list_for
from pcrm.acquisition.services.referrals import (
    referral_accept,
    referral_decline,
    referral_make,
    referral_outcome_record,
)
from pcrm.customers.selectors import customer_list_for
from pcrm.notify.models import SmsMessage
from pcrm.worklist.models import WorkItem
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_lobby_refers_a_customer_to_their_manager(personas: Any) -> None:
    referral = referral_make(
        actor=personas.lobby, customer=personas.mine, noticed=["large_amount"], flag_potential=True
    )
    assert referral.target == personas.manager
    assert referral.auto_assigned
    item = WorkItem.objects.get(kind="referral_followup")
    assert item.staff == personas.manager
    assert item.item_key == f"referral_followup:C1:referral-{referral.pk}"
    assert item.priority == policy.referral()["item_priority"]


def test_chosen_target_gets_item_and_access(personas: Any) -> None:
    assert not customer_list_for(user=personas.advisor).filter(pk=personas.mine.pk).exists()
    referral_make(
        actor=personas.teller,
        customer=personas.mine,
        target=personas.advisor,
        noticed=["particular_product", "customer_trait"],
        note="咨询大额理财",
    )
    assert customer_list_for(user=personas.advisor).filter(pk=personas.mine.pk).exists()
    assert WorkItem.objects.get(kind="referral_followup").staff == personas.advisor


def test_target_must_be_manager_or_advisor_of_the_branch(personas: Any) -> None:
    for wrong in (personas.lobby, personas.other_manager):
        with pytest.raises(ValidationError):
            referral_make(
                actor=personas.lobby, customer=personas.mine, target=wrong, noticed=["large_amount"]
            )
    assert not Referral.objects.exists()


def test_only_referring_posts_may_refer(personas: Any) -> None:
    with pytest.raises(PermissionDenied):
        referral_make(actor=personas.manager, customer=personas.mine, noticed=["large_amount"])


def test_noticed_is_required_and_checked(personas: Any) -> None:
    for noticed in ([], ["gossip"]):
        with pytest.raises(ValidationError):
            referral_make(actor=personas.lobby, customer=personas.mine, noticed=noticed)


def test_unassigned_customer_goes_by_asset_band_and_load(personas: Any) -> None:
    floor = Decimal(str(policy.referral()["advisor_floor"]))
    rich = CustomerFactory(customer_no="C60", branch=personas.branch, manager=None, aum=floor)
    modest = CustomerFactory(customer_no="C61", branch=personas.branch, manager=None, aum=floor - 1)
    assert (
        referral_make(actor=personas.lobby, customer=rich, noticed=["large_amount"]).target
        == personas.advisor
    )
    first = referral_make(actor=personas.lobby, customer=modest, noticed=["large_amount"]).target
    other = CustomerFactory(customer_no="C62", branch=personas.branch, manager=None)
    second = referral_make(actor=personas.lobby, customer=other, noticed=["large_amount"]).target
    assert {first, second} == {personas.manager, personas.manager2}  # the least loaded next


def test_new_prospect_is_sealed_masked_indexed(personas: Any) -> None:
    referral = referral_make(
        actor=personas.lobby,
        prospect_name="林晓",
        prospect_phone="13712345678",
        noticed=["customer_trait"],
        flag_red_list=True,
    )
    prospect = Prospect.objects.get()
    assert referral.prospect == prospect
    assert referral.customer is None
    assert prospect.phone == "13712345678"
    assert prospect.phone_masked == "137****5678"
    assert prospect.phone_index
    assert referral.target.role in ("customer_manager", "wealth_advisor")
    assert SmsMessage.objects.filter(template="referral_new").count() in (0, 1)
    again = referral_make(
        actor=personas.teller,
        prospect_name="林晓",
        prospect_phone="137 1234 5678",
        noticed=["large_amount"],
    )
    assert again.prospect == prospect  # de-duplicated by phone
    assert Prospect.objects.count() == 1


def test_prospect_phone_of_a_known_customer_refers_the_customer(personas: Any) -> None:
    referral = referral_make(
        actor=personas.lobby,
        prospect_name="曾小明",
        prospect_phone=personas.mine.phone,
        noticed=["large_amount"],
    )
    assert referral.customer == personas.mine
    assert referral.target == personas.manager


def test_accept_then_outcomes_credit_the_referrer(personas: Any) -> None:
    referral = referral_make(actor=personas.lobby, customer=personas.mine, noticed=["large_amount"])
    with pytest.raises(ValidationError):
        referral_outcome_record(actor=personas.manager, referral=referral, outcome="contacted")
    referral_accept(actor=personas.manager, referral=referral)
    referral = referral_outcome_record(
        actor=personas.manager, referral=referral, outcome="product_sold", product_note="稳健理财"
    )
    assert referral.contacted_at
    assert referral.established_at
    assert referral.product_sold_at
    credit = policy.referral()["credit"]
    rows = referral_credit_report(user=personas.head)
    assert len(rows) == 1
    row = rows[0]
    assert row.referrer == personas.lobby
    assert (row.referrals, row.accepted, row.contacted, row.established, row.product_sold) == (
        1,
        1,
        1,
        1,
        1,
    )
    assert row.credit == credit["contacted"] + credit["established"] + credit["product_sold"]
    assert referral_credit_report(user=personas.manager) == []


def test_decline_needs_reason_and_skips_the_item(personas: Any) -> None:
    referral = referral_make(actor=personas.lobby, customer=personas.mine, noticed=["large_amount"])
    with pytest.raises(ValidationError):
        referral_decline(actor=personas.manager, referral=referral, reason=" ")
    referral = referral_decline(
        actor=personas.manager, referral=referral, reason="客户已由他行维护"
    )
    assert referral.status == "declined"
    assert WorkItem.objects.get(kind="referral_followup").status == "skipped"
    with pytest.raises(ValidationError):
        referral_accept(actor=personas.manager, referral=referral)


def test_only_the_target_decides(personas: Any) -> None:
    referral = referral_make(actor=personas.lobby, customer=personas.mine, noticed=["large_amount"])
    with pytest.raises(Http404):
        referral_accept(actor=personas.manager2, referral=referral)


def test_referral_boxes_per_role(personas: Any) -> None:
    referral_make(actor=personas.lobby, customer=personas.mine, noticed=["large_amount"])
    assert referral_list_for(user=personas.lobby, box="made").count() == 1
    assert referral_list_for(user=personas.manager, box="received").count() == 1
    assert referral_list_for(user=personas.manager2, box="received").count() == 0
    assert referral_list_for(user=personas.head, box="branch").count() == 1
    assert referral_list_for(user=personas.teller, box="branch").count() == 0


def test_referral_pages(personas: Any, client: Any) -> None:
    client.force_login(personas.lobby)
    response = client.post(
        "/acquisition/referrals/",
        {"customer_no": "C2", "noticed": ["special_business"], "note": "办理大额转账"},
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.target == personas.manager2
    page = client.get("/acquisition/referrals/?box=made").content.decode()
    assert "单*" in page
    assert "单丽" not in page
    client.force_login(personas.manager2)
    assert "单丽" in client.get("/acquisition/referrals/").content.decode()
    client.post(f"/acquisition/referrals/{referral.pk}/accept/")
    referral.refresh_from_db()
    assert referral.status == "accepted"
    client.post(f"/acquisition/referrals/{referral.pk}/outcome/", {"outcome": "established"})
    referral.refresh_from_db()
    assert referral.established_at is not None


def test_referral_of_invisible_customer_is_404(personas: Any, client: Any) -> None:
    client.force_login(personas.lobby)
    response = client.post(
        "/acquisition/referrals/", {"customer_no": "C9", "noticed": ["large_amount"]}
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_prospect_referral_reaches_worklist_once_a_customer(personas: Any) -> None:
    from pcrm.acquisition.services.prospects import prospects_link_customers
    from pcrm.acquisition.services.referrals import referrals_attach_customers

    referral = referral_make(
        actor=personas.lobby,
        prospect_name="林晓",
        prospect_phone="13712345678",
        noticed=["large_amount"],
        target=personas.advisor,
    )
    assert not WorkItem.objects.exists()
    new = CustomerFactory(customer_no="C90", branch=personas.branch, phone="13712345678")
    assert prospects_link_customers(actor=None) == 1
    assert referrals_attach_customers(actor=None) == 1
    referral.refresh_from_db()
    assert referral.customer == new
    assert WorkItem.objects.get(kind="referral_followup").staff == personas.advisor
    assert customer_list_for(user=personas.advisor).filter(pk=new.pk).exists()
    assert referrals_attach_customers(actor=None) == 0
