"""The nine techniques: order, checklists from data, apology for quality complaints, quick mode."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pcrm.complaints.checklists import step_keys, technique, techniques
from pcrm.complaints.models import ComplaintStep
from pcrm.complaints.services import (
    SolutionInput,
    StepEntry,
    complaint_apology_record,
    complaint_close,
    complaint_steps_record,
)

pytestmark = pytest.mark.django_db


def test_nine_techniques_in_the_domain_order() -> None:
    assert step_keys() == [
        "mindset",
        "isolation",
        "calming",
        "understanding",
        "analysis",
        "handling",
        "expectation",
        "sales",
        "followup",
    ]
    assert all(t.items for t in techniques())
    assert "tea_offered" in technique("calming").item_keys(quality=False)


def test_steps_must_be_walked_in_order(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    case = open_case()
    with pytest.raises(ValidationError):
        complaint_steps_record(actor=personas.lobby, case=case, entries=[StepEntry("calming")])
    complaint_steps_record(
        actor=personas.lobby, case=case, entries=[StepEntry("mindset", ["sales_chance"])]
    )
    complaint_steps_record(
        actor=personas.lobby,
        case=case,
        entries=[StepEntry("isolation", ["moved_to_room"], "贵宾室")],
    )
    step = ComplaintStep.objects.get(case=case, step="isolation")
    assert step.checked == ["moved_to_room"]
    assert step.notes == "贵宾室"
    assert step.completed_at is not None
    mindset = ComplaintStep.objects.get(case=case, step="mindset")
    assert mindset.started_at == case.received_at
    assert step.started_at == mindset.completed_at
    assert step.completed_by == personas.lobby


def test_unknown_checklist_item_is_refused(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    case = open_case()
    with pytest.raises(ValidationError):
        complaint_steps_record(
            actor=personas.lobby, case=case, entries=[StepEntry("mindset", ["made_up"])]
        )


def test_only_the_handler_or_branch_head_works_the_case(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    case = open_case()
    with pytest.raises(PermissionDenied):
        complaint_steps_record(actor=personas.teller, case=case, entries=[StepEntry("mindset")])
    complaint_steps_record(actor=personas.head, case=case, entries=[StepEntry("mindset")])


FIRST_THREE = [StepEntry("mindset"), StepEntry("isolation"), StepEntry("calming")]


def test_quality_complaint_needs_the_apology_before_understanding(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    case = open_case(quality_complaint=True)
    complaint_steps_record(actor=personas.lobby, case=case, entries=FIRST_THREE, quick=True)
    with pytest.raises(ValidationError):
        complaint_steps_record(
            actor=personas.lobby, case=case, entries=[StepEntry("understanding", ["listened"])]
        )
    assert not ComplaintStep.objects.filter(case=case, step="understanding").exists()
    complaint_apology_record(actor=personas.lobby, case=case)
    complaint_steps_record(
        actor=personas.lobby, case=case, entries=[StepEntry("understanding", ["listened"])]
    )
    assert ComplaintStep.objects.filter(case=case, step="understanding").exists()


def test_judged_quality_at_understanding_with_apology_ticked(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    case = open_case()
    complaint_steps_record(actor=personas.lobby, case=case, entries=FIRST_THREE)
    with pytest.raises(ValidationError):
        complaint_steps_record(
            actor=personas.lobby,
            case=case,
            entries=[StepEntry("understanding")],
            quality_complaint=True,
        )
    complaint_steps_record(
        actor=personas.lobby,
        case=case,
        entries=[StepEntry("understanding", ["apologised"])],
        quality_complaint=True,
    )
    case.refresh_from_db()
    assert case.quality_complaint
    assert case.apology_at is not None


def test_quick_mode_records_all_nine_and_closes(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    case = open_case()
    entries = [StepEntry(key, technique(key).item_keys(quality=False)) for key in step_keys()]
    with pytest.raises(ValidationError):
        complaint_steps_record(actor=personas.lobby, case=case, entries=entries, quick=True)
    complaint_steps_record(
        actor=personas.lobby,
        case=case,
        entries=entries,
        quick=True,
        solution=SolutionInput("当场退还手续费", "accepted"),
    )
    assert ComplaintStep.objects.filter(case=case, quick=True).count() == 9
    complaint_close(actor=personas.lobby, case=case)
    case.refresh_from_db()
    assert case.status == "closed"
    assert case.thanked_at is not None


def test_close_needs_all_nine_steps(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    case = open_case()
    complaint_steps_record(actor=personas.lobby, case=case, entries=FIRST_THREE)
    with pytest.raises(ValidationError):
        complaint_close(actor=personas.lobby, case=case)
