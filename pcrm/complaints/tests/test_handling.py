"""Handling: solution and answer, reply items, escalation, commitments and approval."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from pcrm.complaints.choices import CommitmentStatus
from pcrm.complaints.policy import current_policy
from pcrm.complaints.services import (
    commitment_decide,
    commitment_make,
    complaint_decide,
    complaint_escalate,
    complaint_solution_record,
)
from pcrm.worklist.models import WorkItem

pytestmark = pytest.mark.django_db


def test_not_accepted_needs_a_reply_time_that_becomes_a_work_item(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    case = open_case()
    with pytest.raises(ValidationError):
        complaint_solution_record(
            actor=personas.lobby, case=case, solution="退还手续费", answer="not_accepted"
        )
    reply = timezone.now() + dt.timedelta(days=2)
    complaint_solution_record(
        actor=personas.lobby,
        case=case,
        solution="退还手续费",
        answer="not_accepted",
        reply_due_at=reply,
    )
    item = WorkItem.objects.get(kind="complaint_followup")
    assert item.staff == personas.lobby
    assert item.content == "after_sales"
    assert item.channel == "phone"
    assert item.priority == current_policy().priorities["reply_priority"]
    assert item.due_on == timezone.localdate(reply)
    case.refresh_from_db()
    assert case.decided_at is None


def test_accepted_solution_decides_the_case(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    case = open_case()
    complaint_solution_record(
        actor=personas.lobby, case=case, solution="当场解释", answer="accepted"
    )
    case.refresh_from_db()
    assert case.status == "decided"
    assert case.decided_at is not None


def test_escalation_goes_to_the_branch_head_with_options(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    case = open_case()
    with pytest.raises(ValidationError):
        complaint_escalate(actor=personas.lobby, case=case, options_considered="")
    complaint_escalate(actor=personas.lobby, case=case, options_considered="退费；补偿积分")
    case.refresh_from_db()
    assert case.escalated_to == personas.head
    assert WorkItem.objects.filter(staff=personas.head, kind="complaint_followup").exists()


class TestApproval:
    def test_within_authority_needs_no_approval(self, personas, open_case) -> None:  # type: ignore[no-untyped-def]
        case = open_case()
        limit = current_policy().authority_of("lobby_manager")
        c = commitment_make(
            actor=personas.lobby, case=case, kind="fee_refund", description="退年费", amount=limit
        )
        assert c.status == CommitmentStatus.WITHIN_AUTHORITY

    def test_beyond_authority_waits_for_the_branch_head(self, personas, open_case) -> None:  # type: ignore[no-untyped-def]
        case = open_case()
        limit = current_policy().authority_of("lobby_manager")
        c = commitment_make(
            actor=personas.lobby,
            case=case,
            kind="compensation",
            description="补偿",
            amount=limit + Decimal("0.01"),
        )
        assert c.status == CommitmentStatus.PENDING
        with pytest.raises(ValidationError):
            complaint_decide(actor=personas.lobby, case=case, decision="补偿")
        with pytest.raises(PermissionDenied):
            commitment_decide(actor=personas.lobby, commitment=c, approve=True)
        with pytest.raises(PermissionDenied):
            commitment_decide(actor=personas.teller, commitment=c, approve=True)
        commitment_decide(actor=personas.head, commitment=c, approve=True, note="同意")
        c.refresh_from_db()
        assert c.status == CommitmentStatus.APPROVED
        assert c.decided_by == personas.head
        complaint_decide(actor=personas.lobby, case=case, decision="补偿")

    def test_nobody_approves_their_own_commitment(self, personas, open_case) -> None:  # type: ignore[no-untyped-def]
        case = open_case(actor=personas.head)
        limit = current_policy().authority_of("branch_head")
        c = commitment_make(
            actor=personas.head,
            case=case,
            kind="compensation",
            description="大额补偿",
            amount=limit + 1,
        )
        with pytest.raises(ValidationError):
            commitment_decide(actor=personas.head, commitment=c, approve=True)

    def test_the_complained_branch_head_cannot_approve(self, personas, open_case) -> None:  # type: ignore[no-untyped-def]
        case = open_case(complained_staff=personas.head)
        c = commitment_make(
            actor=personas.lobby, case=case, kind="compensation", description="补偿", amount=10**6
        )
        with pytest.raises(ValidationError):
            commitment_decide(actor=personas.head, commitment=c, approve=True)

    def test_authority_limits_are_policy_data(self, personas, open_case) -> None:  # type: ignore[no-untyped-def]
        from pcrm.complaints.models import ComplaintPolicy

        ComplaintPolicy.objects.create(version=2, data={"authority": {"lobby_manager": 5}})
        case = open_case()
        c = commitment_make(
            actor=personas.lobby, case=case, kind="gift", description="礼品", amount=Decimal(6)
        )
        assert c.status == CommitmentStatus.PENDING
