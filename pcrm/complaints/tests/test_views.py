"""Pages: visibility (others 404), masking for auditors, intake and actions through the forms."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from pcrm.complaints.models import ComplaintCase, ComplaintStep
from pcrm.complaints.services import Intake, complaint_open
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _url(case, suffix: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/complaints/{case.case_no}/{suffix}"


class TestVisibility:
    def test_handler_branch_takers_and_auditors_see_the_case(self, personas, open_case) -> None:  # type: ignore[no-untyped-def]
        case = open_case()
        for user in (personas.lobby, personas.teller, personas.auditor):
            assert _client(user).get(_url(case)).status_code == 200, user.role

    def test_others_get_404(self, personas, open_case) -> None:  # type: ignore[no-untyped-def]
        case = open_case()
        other_lobby = StaffFactory(
            staff_code="L9", role="lobby_manager", branch=personas.other_branch
        )
        for user in (personas.manager, personas.other_manager, other_lobby, personas.admin):
            assert _client(user).get(_url(case)).status_code == 404, user.staff_code
            assert _client(user).get(_url(case, "letter/")).status_code == 404
        response = _client(other_lobby).post(_url(case, "do/steps/"), {"steps": "mindset"})
        assert response.status_code == 404
        assert not ComplaintStep.objects.exists()

    def test_handler_of_another_branch_case_sees_only_their_own(self, personas) -> None:  # type: ignore[no-untyped-def]
        theirs, _ = complaint_open(
            actor=personas.other_manager.__class__.objects.create_user(
                "L8", "x", name="外行大堂", role="lobby_manager", branch=personas.other_branch
            ),
            intake=Intake(
                channel="counter",
                category="waiting",
                description="外行投诉",
                received_at=timezone.now() - dt.timedelta(hours=1),
                customer=personas.elsewhere,
            ),
        )
        assert _client(personas.lobby).get(_url(theirs)).status_code == 404
        assert _client(personas.head).get(_url(theirs)).status_code == 404

    def test_customer_manager_sees_a_case_assigned_to_them(self, personas, open_case) -> None:  # type: ignore[no-untyped-def]
        case = open_case(handler=personas.manager)
        assert _client(personas.manager).get(_url(case)).status_code == 200
        assert _client(personas.manager2).get(_url(case)).status_code == 404

    def test_auditor_and_lobby_see_masked_names_and_phones(self, personas) -> None:  # type: ignore[no-untyped-def]
        case, _ = complaint_open(
            actor=personas.lobby,
            intake=Intake(
                channel="counter",
                category="waiting",
                description="等候",
                received_at=timezone.now(),
                visitor_name="李小四",
                visitor_phone="13912345678",
                branch=personas.branch,
            ),
        )
        for user in (personas.auditor, personas.lobby):
            page = _client(user).get(_url(case)).content.decode()
            assert "李**" in page
            assert "李小四" not in page
            assert "139****5678" in page
            assert "13912345678" not in page
        listing = _client(personas.auditor).get("/complaints/").content.decode()
        assert case.case_no in listing
        assert "李小四" not in listing


def test_intake_page_opens_a_case(personas) -> None:  # type: ignore[no-untyped-def]
    client = _client(personas.lobby)
    assert client.get("/complaints/new/").status_code == 200
    response = client.post(
        "/complaints/new/",
        {
            "customer_no": "C1",
            "channel": "counter",
            "category": "waiting",
            "description": "等太久",
            "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )
    case = ComplaintCase.objects.get()
    assert response.status_code == 302
    assert response.url == _url(case)
    assert case.handler == personas.lobby


def test_intake_page_refuses_roles_without_complaint_take(personas) -> None:  # type: ignore[no-untyped-def]
    assert _client(personas.manager).get("/complaints/new/").status_code == 403


def test_step_action_records_and_reports_rule_breaks(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    case = open_case()
    client = _client(personas.lobby)
    response = client.post(_url(case, "do/steps/"), {"steps": "calming"}, follow=True)
    assert "请按顺序处理" in response.content.decode()
    client.post(_url(case, "do/steps/"), {"steps": "mindset", "items_mindset": ["sales_chance"]})
    assert ComplaintStep.objects.get(case=case).checked == ["sales_chance"]


def test_analytics_page_for_branch_head_and_auditor(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    open_case()
    for user in (personas.head, personas.auditor):
        page = _client(user).get("/complaints/analytics/")
        assert page.status_code == 200
        assert "排队等候" in page.content.decode()
    assert _client(personas.lobby).get("/complaints/analytics/").status_code == 403


def test_letter_is_printable(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    case = open_case()
    page = _client(personas.lobby).get(_url(case, "letter/")).content.decode()
    assert "感谢函" in page
    assert "@media print" in page


def test_list_page_runs_a_fixed_number_of_queries(
    personas, open_case, django_assert_max_num_queries
) -> None:  # type: ignore[no-untyped-def]
    client = _client(personas.head)
    open_case(category="fees")
    client.get("/complaints/")
    with django_assert_max_num_queries(20) as few:
        client.get("/complaints/")
    for category in ("waiting", "other", "card_account", "system_fault"):
        open_case(category=category)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/complaints/")
    assert "曾小明" in page.content.decode()  # the branch head sees full names
