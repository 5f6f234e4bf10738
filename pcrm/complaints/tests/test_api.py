"""POST /api/v1/complaints: token and session auth, validation, nothing written on error."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from pcrm.audit.models import AuditEvent
from pcrm.complaints.models import ComplaintCase, ComplaintRepeat
from pcrm.org.services import api_token_create

pytestmark = pytest.mark.django_db
URL = "/api/v1/complaints"


@pytest.fixture
def system_token(personas: Any) -> str:
    _token, raw = api_token_create(actor=None, name="客服中心", kind="system", branch=None)
    return raw


def _post(client: Client, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(URL, body, content_type="application/json", **headers)


def _body(**fields: Any) -> dict[str, Any]:
    body = {
        "customer_no": "C1",
        "channel": "call_centre",
        "category": "fees",
        "description": "客户来电投诉年费",
        "received_at": (timezone.now() - dt.timedelta(hours=2)).isoformat(),
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}


def test_call_centre_files_a_complaint(personas, system_token) -> None:  # type: ignore[no-untyped-def]
    response = _post(Client(), _body(quality_complaint=True), system_token)
    assert response.status_code == 201, response.content
    case = ComplaintCase.objects.get(case_no=response.json()["case_no"])
    assert case.customer == personas.mine
    assert case.quality_complaint
    assert case.handler is None
    assert case.source.startswith("token:")
    assert response.json()["merged"] is False


def test_repeat_through_the_api_is_merged(personas, system_token) -> None:  # type: ignore[no-untyped-def]
    first = _post(Client(), _body(), system_token).json()
    second = _post(Client(), _body(description="再次来电"), system_token)
    assert second.status_code == 200
    assert second.json() == {**second.json(), "case_no": first["case_no"], "merged": True}
    assert ComplaintCase.objects.count() == 1
    assert ComplaintRepeat.objects.count() == 1


def test_visitor_needs_branch_and_phone_is_masked(personas, system_token) -> None:  # type: ignore[no-untyped-def]
    body = _body(customer_no=None, visitor_name="李四", visitor_phone="139-1234-5678")
    assert _post(Client(), body, system_token).status_code == 400
    response = _post(Client(), {**body, "branch_code": "B1"}, system_token)
    assert response.status_code == 201
    case = ComplaintCase.objects.get()
    assert case.visitor_phone_masked == "139****5678"
    assert "13912345678" not in response.content.decode()


@pytest.mark.parametrize(
    "fields",
    [
        {"channel": "fax"},
        {"category": "bogus"},
        {"description": ""},
        {"received_at": "not a date"},
        {"received_at": (timezone.now() + dt.timedelta(days=3)).isoformat()},
        {"customer_no": "NOPE"},
        {"customer_no": None},
        {"customer_no": None, "visitor_name": "李四", "visitor_phone": "abc", "branch_code": "B1"},
        {"branch_code": "ZZ"},
        {"complained_staff_code": "NOBODY"},
    ],
)
def test_bad_input_is_400_json_and_writes_nothing(personas, system_token, fields) -> None:  # type: ignore[no-untyped-def]
    events_before = AuditEvent.objects.count()
    response = _post(Client(), _body(**fields), system_token)
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"error", "detail"}
    assert ComplaintCase.objects.count() == 0
    assert AuditEvent.objects.count() == events_before


def test_bad_or_missing_token_is_401(personas) -> None:  # type: ignore[no-untyped-def]
    assert _post(Client(), _body(), "pcrm_wrong").status_code == 401
    response = _post(Client(), _body())
    assert response.status_code == 401
    assert set(response.json()) == {"error", "detail"}
    assert ComplaintCase.objects.count() == 0


def test_queue_device_token_is_refused(personas) -> None:  # type: ignore[no-untyped-def]
    _t, raw = api_token_create(
        actor=None, name="排队机", kind="queue_device", branch=personas.branch
    )
    assert _post(Client(), _body(), raw).status_code == 403


def test_staff_session_files_and_takes_the_case(personas) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(personas.lobby)
    response = _post(client, _body())
    assert response.status_code == 201
    assert ComplaintCase.objects.get().handler == personas.lobby


def test_staff_cannot_file_for_a_customer_they_cannot_see(personas) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(personas.lobby)
    assert _post(client, _body(customer_no="C9")).status_code == 400
    manager = Client()
    manager.force_login(personas.manager)
    assert _post(manager, _body()).status_code == 403
    assert ComplaintCase.objects.count() == 0
