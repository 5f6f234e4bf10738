"""POST /api/v1/queue/swipes: every flag and error case (issue 5 §3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pcrm.acquisition import policy
from pcrm.acquisition.models import Swipe, WalkInNotice
from pcrm.audit.models import AuditEvent
from pcrm.notify.models import SmsMessage
from pcrm.org.services import api_token_create
from pcrm.worklist.models import WorkItem
from tests.factories import CustomerFactory, StaffFactory

from .conftest import post_swipe, swipe_body

pytestmark = pytest.mark.django_db


def _floor(tier: str) -> Decimal:
    return Decimal(str(policy.policy()["tiers"][tier]))


def _counts() -> tuple[int, ...]:
    return (
        Swipe.objects.count(),
        WalkInNotice.objects.count(),
        SmsMessage.objects.count(),
        WorkItem.objects.count(),
        AuditEvent.objects.count(),
    )


def test_red_list_not_contacted_tells_manager_by_sms_live_and_item(
    personas: Any, device: str, card: str
) -> None:
    personas.manager.phone = "13800000001"
    personas.manager.save()
    personas.mine.red_list = True
    personas.mine.save()
    response = post_swipe(device, swipe_body(card_no=card, ticket_no="A012"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["customer_no"] == "C1"
    assert set(body["flags"]) == {"red_list", "not_contacted"}
    assert body["notified"] == ["M1"]
    assert body["tier"] == "standard"
    sms = SmsMessage.objects.get()
    assert sms.recipient == personas.manager
    assert sms.template == "walk_in_alert"
    assert "曾*" in sms.body
    assert "曾小明" not in sms.body
    assert personas.mine.id_no_masked in sms.body
    assert personas.mine.id_no not in sms.body
    item = WorkItem.objects.get(kind="walk_in")
    assert item.staff == personas.manager
    assert item.due_on.isoformat() == "2026-11-29"
    assert item.priority == policy.walk_in()["item_priority"]


def test_lookup_by_id_number_through_blind_index(personas: Any, device: str) -> None:
    personas.mine.potential = policy.walk_in()["potential_floor"]
    personas.mine.save()
    response = post_swipe(device, swipe_body(id_no=personas.mine.id_no))
    assert response.status_code == 201
    assert response.json()["customer_no"] == "C1"
    assert set(response.json()["flags"]) == {"potential", "not_contacted"}
    assert response.json()["notified"] == ["M1"]
    swipe = Swipe.objects.get()
    assert personas.mine.id_no not in (swipe.number_masked, swipe.number_index)


def test_potential_below_floor_is_not_flagged(personas: Any, device: str) -> None:
    personas.mine.potential = policy.walk_in()["potential_floor"] - 1
    personas.mine.save()
    body = post_swipe(device, swipe_body(id_no=personas.mine.id_no)).json()
    assert body["flags"] == ["not_contacted"]
    assert body["notified"] == []


def test_contacted_red_list_customer_raises_no_alert(personas: Any, device: str) -> None:
    personas.mine.red_list, personas.mine.service_established = True, True
    personas.mine.save()
    body = post_swipe(device, swipe_body(id_no=personas.mine.id_no)).json()
    assert body["flags"] == ["red_list"]
    assert body["notified"] == []
    assert not WorkItem.objects.exists()


@pytest.mark.parametrize("tier", ["platinum", "diamond"])
def test_vip_manager_told_to_greet(personas: Any, device: str, tier: str) -> None:
    personas.mine.aum, personas.mine.service_established = _floor(tier), True
    personas.mine.save()
    body = post_swipe(device, swipe_body(id_no=personas.mine.id_no)).json()
    assert body["tier"] == tier
    assert body["flags"] == ["vip"]
    assert body["notified"] == ["M1"]
    assert SmsMessage.objects.get().template == "walk_in_greet"
    assert not WorkItem.objects.filter(kind="walk_in").exists()


def test_gold_is_not_vip(personas: Any, device: str) -> None:
    personas.mine.aum, personas.mine.service_established = _floor("gold"), True
    personas.mine.save()
    body = post_swipe(device, swipe_body(id_no=personas.mine.id_no)).json()
    assert (body["tier"], body["flags"], body["notified"]) == ("gold", [], [])


def test_unassigned_customer_tells_lobby_managers(personas: Any, device: str) -> None:
    StaffFactory(staff_code="L2", role="lobby_manager", branch=personas.branch, phone="13900000002")
    StaffFactory(staff_code="L9", role="lobby_manager", branch=personas.other_branch)
    orphan = CustomerFactory(customer_no="C50", branch=personas.branch, manager=None, red_list=True)
    body = post_swipe(device, swipe_body(id_no=orphan.id_no)).json()
    assert set(body["flags"]) == {"red_list", "not_contacted", "unassigned"}
    assert body["notified"] == ["L1", "L2"]
    assert SmsMessage.objects.filter(template="walk_in_unassigned").count() == 2


def test_unassigned_red_list_walk_in_item_goes_to_lobby_and_branch_queue(
    personas: Any, device: str
) -> None:
    from pcrm.worklist.selectors import work_item_unassigned_for

    StaffFactory(staff_code="L2", role="lobby_manager", branch=personas.branch)
    orphan = CustomerFactory(customer_no="C51", branch=personas.branch, manager=None, red_list=True)
    post_swipe(device, swipe_body(id_no=orphan.id_no, ticket_no="A007"))
    item = WorkItem.objects.get(kind="walk_in")
    assert (item.customer, item.staff, item.branch) == (orphan, personas.lobby, personas.branch)
    assert item.due_on.isoformat() == "2026-11-29"
    assert "A007" in item.reason
    assert list(work_item_unassigned_for(user=personas.head)) == [item]
    # The same day again: no second notice and no second item.
    post_swipe(device, swipe_body(id_no=orphan.id_no, ticket_no="A008"))
    assert WorkItem.objects.filter(kind="walk_in").count() == 1
    assert SmsMessage.objects.filter(template="walk_in_unassigned").count() == 2


def test_unassigned_walk_in_item_without_lobby_manager_goes_to_branch_head(
    personas: Any, device: str
) -> None:
    personas.lobby.is_active = False
    personas.lobby.save()
    orphan = CustomerFactory(customer_no="C52", branch=personas.branch, manager=None)
    orphan.potential = policy.walk_in()["potential_floor"]
    orphan.save()
    body = post_swipe(device, swipe_body(id_no=orphan.id_no)).json()
    assert body["notified"] == []
    assert WorkItem.objects.get(kind="walk_in").staff == personas.head


def test_unassigned_contacted_customer_gets_no_item(personas: Any, device: str) -> None:
    orphan = CustomerFactory(
        customer_no="C53",
        branch=personas.branch,
        manager=None,
        red_list=True,
        service_established=True,
    )
    body = post_swipe(device, swipe_body(id_no=orphan.id_no)).json()
    assert body["notified"] == ["L1"]
    assert not WorkItem.objects.filter(kind="walk_in").exists()


def test_swipe_answer_carries_server_timing(personas: Any, device: str, card: str) -> None:
    response = post_swipe(device, swipe_body(card_no=card))
    parts = response["Server-Timing"].split(", ")
    phases = dict(part.split(";dur=") for part in parts if ";dur=" in part)
    assert set(phases) == {"auth", "lookup", "record", "notify", "commit", "follow_up"}
    assert all(float(ms) >= 0 for ms in phases.values())


def test_unknown_card(personas: Any, device: str) -> None:
    body = post_swipe(device, swipe_body(card_no="6222029999999999999")).json()
    assert body["customer_no"] is None
    assert body["tier"] is None
    assert body["flags"] == ["unknown"]
    assert body["notified"] == []
    assert Swipe.objects.get().number_masked == "622202*********9999"


def test_card_of_non_card_product_is_not_matched(personas: Any, device: str) -> None:
    from tests.factories import HoldingFactory

    HoldingFactory(account_no="6222020000000000001", customer=personas.mine)  # wealth product
    body = post_swipe(device, swipe_body(card_no="6222020000000000001")).json()
    assert body["flags"] == ["unknown"]


def test_one_notice_per_customer_per_day(personas: Any, device: str, card: str) -> None:
    personas.mine.red_list = True
    personas.mine.save()
    first = post_swipe(device, swipe_body(card_no=card, ticket_no="A001")).json()
    second = post_swipe(device, swipe_body(card_no=card, ticket_no="A002")).json()
    assert first["notified"] == ["M1"]
    assert second["notified"] == []
    assert second["flags"] == first["flags"]
    assert SmsMessage.objects.count() == 1
    next_day = post_swipe(
        device, swipe_body(card_no=card, ticket_no="A003", swiped_at="2026-11-30T09:00:00")
    ).json()
    assert next_day["notified"] == ["M1"]
    assert Swipe.objects.count() == 3


def test_other_branch_is_forbidden_and_writes_nothing(personas: Any, device: str) -> None:
    before = _counts()
    response = post_swipe(device, swipe_body(branch_code="B9", id_no=personas.elsewhere.id_no))
    assert response.status_code == 403
    assert response.json()["error"] == "permission_denied"
    assert _counts() == before


def test_sub_branch_is_another_branch(personas: Any, device: str) -> None:
    response = post_swipe(device, swipe_body(branch_code="B2", id_no=personas.sub.id_no))
    assert response.status_code == 403


def test_unknown_token_is_401_and_writes_nothing(personas: Any) -> None:
    before = _counts()
    response = post_swipe("pcrm_nope", swipe_body(id_no=personas.mine.id_no))
    assert response.status_code == 401
    assert response.json()["error"] == "authentication_failed"
    assert _counts() == before


def test_missing_token_is_401(personas: Any) -> None:
    from rest_framework.test import APIClient

    response = APIClient().post("/api/v1/queue/swipes", swipe_body(id_no="x"), format="json")
    assert response.status_code == 401


def test_system_token_may_not_swipe(personas: Any) -> None:
    _token, raw = api_token_create(actor=None, name="sys", kind="system", branch=None)
    response = post_swipe(raw, swipe_body(id_no=personas.mine.id_no))
    assert response.status_code == 403
    assert not Swipe.objects.exists()


def test_staff_session_may_not_swipe(personas: Any, client: Any) -> None:
    client.force_login(personas.lobby)
    response = client.post(
        "/api/v1/queue/swipes",
        swipe_body(id_no=personas.mine.id_no),
        content_type="application/json",
    )
    assert response.status_code in (401, 403)
    assert not Swipe.objects.exists()


@pytest.mark.parametrize(
    "payload",
    [
        "{not json",
        "[1, 2]",
        '"text"',
    ],
)
def test_malformed_json_is_400_with_json_error(personas: Any, device: str, payload: str) -> None:
    before = _counts()
    response = post_swipe(device, payload, as_text=True)
    assert response.status_code == 400
    assert set(response.json()) == {"error", "detail"}
    assert _counts() == before


@pytest.mark.parametrize(
    "fields",
    [
        {"card_no": None, "id_no": None},
        {"card_no": "6222021234567890123", "id_no": "310115198005170011"},
        {"card_no": "12ab"},
        {"id_no": "310115198005170011", "ticket_no": None},
        {"id_no": "310115198005170011", "swiped_at": "yesterday"},
        {"id_no": "310115198005170011", "ticket_no": "X" * 40},
    ],
)
def test_invalid_body_is_400_and_writes_nothing(
    personas: Any, device: str, fields: dict[str, Any]
) -> None:
    before = _counts()
    response = post_swipe(device, swipe_body(**fields))
    assert response.status_code == 400
    assert response.json()["error"]
    assert _counts() == before


def test_revoked_token_is_401(personas: Any) -> None:
    from pcrm.org.services import api_token_revoke

    token, raw = api_token_create(
        actor=None, name="old", kind="queue_device", branch=personas.branch
    )
    api_token_revoke(actor=None, token=token)
    assert post_swipe(raw, swipe_body(id_no=personas.mine.id_no)).status_code == 401


def test_swipe_is_audited_with_masked_number(personas: Any, device: str, card: str) -> None:
    post_swipe(device, swipe_body(card_no=card))
    event = AuditEvent.objects.get(action="walk_in.swipe")
    assert card not in str(event.data)
    assert event.data["number"] == "622202*********0123"
    assert event.branch_code == "B1"


def test_lookup_runs_a_fixed_number_of_queries(personas: Any, device: str, card: str) -> None:
    from pcrm.acquisition.services.walkin import customer_for_swipe

    with CaptureQueriesContext(connection) as queries:
        found = customer_for_swipe(card_no=card)
    assert found == personas.mine
    assert len(queries) == 1


def test_lookup_builds_customer_and_manager_from_one_row(personas: Any, device: str) -> None:
    from pcrm.acquisition.services.walkin import customer_for_swipe

    orphan = CustomerFactory(customer_no="C54", name="欧阳小明", branch=personas.branch)
    orphan.aum = Decimal("1234.56")
    orphan.save()
    with CaptureQueriesContext(connection) as queries:
        found = customer_for_swipe(id_no=orphan.id_no)
        mine = customer_for_swipe(id_no=personas.mine.id_no)
        assert found is not None
        assert mine is not None
        assert found.manager is None
        assert mine.manager == personas.manager
        assert mine.manager.staff_code == "M1"
    assert len(queries) == 2
    assert (found.pk, found.customer_no, found.name) == (orphan.pk, "C54", "欧阳小明")
    assert found.aum == Decimal("1234.56")
    assert customer_for_swipe(id_no="310115198005179999") is None
