"""Intake: merge of repeats, visitors' sealed phones, recusal on assignment."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from pcrm.audit.models import AuditEvent
from pcrm.complaints.models import ComplaintCase, ComplaintRepeat
from pcrm.complaints.services import Intake, complaint_assign, complaint_open

pytestmark = pytest.mark.django_db


def _intake(**fields):  # type: ignore[no-untyped-def]
    base = {
        "channel": "counter",
        "category": "fees",
        "description": "年费扣收有异议",
        "received_at": timezone.now() - dt.timedelta(minutes=5),
    }
    base.update(fields)
    return Intake(**base)


def test_open_case_is_taken_by_the_taker_and_numbered(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    case = open_case()
    assert case.handler == personas.lobby
    assert case.branch == personas.branch
    assert case.case_no.startswith("TS")
    assert AuditEvent.objects.filter(action="complaint.open", target_id=str(case.pk)).exists()


def test_a_repeat_of_an_open_complaint_is_merged(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    first = open_case(category="fees")
    again, merged = complaint_open(
        actor=personas.teller,
        intake=_intake(customer=personas.mine, channel="phone", description="又来问年费"),
    )
    assert merged is True
    assert again.pk == first.pk
    assert ComplaintCase.objects.count() == 1
    assert ComplaintRepeat.objects.get().case == first
    first.refresh_from_db()
    assert first.repeat_count == 1


def test_another_category_or_a_decided_case_is_a_new_case(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    first = open_case(category="fees")
    _other, merged = complaint_open(
        actor=personas.lobby, intake=_intake(customer=personas.mine, category="waiting")
    )
    assert merged is False
    first.status = "decided"
    first.save()
    _third, merged = complaint_open(actor=personas.lobby, intake=_intake(customer=personas.mine))
    assert merged is False
    assert ComplaintCase.objects.count() == 3


def test_visitor_phone_is_sealed_masked_and_merges_by_phone(personas) -> None:  # type: ignore[no-untyped-def]
    visitor = {"visitor_name": "李四", "visitor_phone": "13912345678", "branch": personas.branch}
    case, _ = complaint_open(actor=personas.lobby, intake=_intake(**visitor))
    assert case.visitor_phone_masked == "139****5678"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT visitor_phone FROM complaints_complaintcase WHERE id = %s", [case.pk]
        )
        stored = cursor.fetchone()[0]
    assert "13912345678" not in stored
    again, merged = complaint_open(actor=personas.teller, intake=_intake(**visitor))
    assert merged
    assert again.pk == case.pk
    event = AuditEvent.objects.get(action="complaint.open")
    assert "13912345678" not in str(event.data)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"category": "nope"}, "category"),
        ({"description": "  "}, "description"),
        ({"received_at": timezone.now() + dt.timedelta(days=1)}, "received_at"),
        ({"customer": None}, "customer"),
    ],
)
def test_bad_intake_writes_nothing(personas, fields, field) -> None:  # type: ignore[no-untyped-def]
    data = {"customer": personas.mine, **fields}
    with pytest.raises(ValidationError) as err:
        complaint_open(actor=personas.lobby, intake=_intake(**data))
    assert field in err.value.message_dict
    assert ComplaintCase.objects.count() == 0


def test_staff_without_complaint_take_cannot_open(personas) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        complaint_open(actor=personas.manager, intake=_intake(customer=personas.mine))


class TestRecusal:
    def test_taker_complained_about_leaves_the_case_unassigned(self, personas, open_case) -> None:  # type: ignore[no-untyped-def]
        case = open_case(complained_staff=personas.lobby)
        assert case.handler is None

    def test_named_handler_cannot_be_the_complained_staff(self, personas) -> None:  # type: ignore[no-untyped-def]
        with pytest.raises(ValidationError):
            complaint_open(
                actor=personas.head,
                intake=_intake(
                    customer=personas.mine,
                    complained_staff=personas.teller,
                    handler=personas.teller,
                ),
            )
        assert ComplaintCase.objects.count() == 0

    def test_assignment_and_reassignment_refuse_the_complained_staff(  # type: ignore[no-untyped-def]
        self, personas, open_case
    ) -> None:
        case = open_case(complained_staff=personas.teller, actor=personas.lobby)
        with pytest.raises(ValidationError):
            complaint_assign(actor=personas.head, case=case, handler=personas.teller)
        with pytest.raises(ValidationError):
            complaint_assign(actor=personas.teller, case=case, handler=personas.teller)
        complaint_assign(actor=personas.head, case=case, handler=personas.manager)
        case.refresh_from_db()
        assert case.handler == personas.manager

    def test_a_taker_cannot_take_over_an_assigned_case(self, personas, open_case) -> None:  # type: ignore[no-untyped-def]
        case = open_case()
        with pytest.raises(PermissionDenied):
            complaint_assign(actor=personas.teller, case=case, handler=personas.teller)

    def test_handler_must_serve_the_branch(self, personas, open_case) -> None:  # type: ignore[no-untyped-def]
        case = open_case()
        with pytest.raises(ValidationError):
            complaint_assign(actor=personas.head, case=case, handler=personas.other_manager)
