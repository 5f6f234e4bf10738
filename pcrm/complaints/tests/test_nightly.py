"""The nightly clock run: due-soon and overdue items to the handler and the branch head."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from pcrm.complaints.models import ClockAlert
from pcrm.complaints.policy import current_policy
from pcrm.complaints.services import Intake, clock_alerts_raise, complaint_open
from pcrm.worklist.models import WorkItem

pytestmark = pytest.mark.django_db


def _days_ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def test_due_soon_and_overdue_alerts_are_raised_once(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    rules = current_policy()
    soon = open_case(received_at=_days_ago(rules.standard_days - rules.warn_days + 0.5))
    late = open_case(received_at=_days_ago(rules.standard_days + 1), category="fees")
    fresh = open_case(received_at=_days_ago(1), category="other")
    counts = clock_alerts_raise()
    assert counts["due_soon"] == 2
    assert counts["overdue"] == 2
    assert set(
        ClockAlert.objects.filter(case=soon).values_list("staff__staff_code", flat=True)
    ) == {"L1", "H1"}
    assert ClockAlert.objects.filter(case=late, kind="overdue").count() == 2
    assert not ClockAlert.objects.filter(case=fresh).exists()
    items = WorkItem.objects.filter(kind="complaint_followup")
    assert items.count() == 4
    assert set(items.values_list("staff__staff_code", flat=True)) == {"L1", "H1"}
    again = clock_alerts_raise()
    assert again["due_soon"] == 0
    assert again["overdue"] == 0
    assert WorkItem.objects.filter(kind="complaint_followup").count() == 4


def test_visitor_cases_get_alerts_without_work_items(personas) -> None:  # type: ignore[no-untyped-def]
    rules = current_policy()
    complaint_open(
        actor=personas.lobby,
        intake=Intake(
            channel="counter",
            category="waiting",
            description="等候太久",
            received_at=_days_ago(rules.standard_days + 2),
            visitor_name="李四",
            visitor_phone="13900001111",
            branch=personas.branch,
        ),
    )
    assert clock_alerts_raise()["overdue"] == 2
    assert not WorkItem.objects.exists()


def test_management_command_prints_a_json_summary(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    open_case(received_at=_days_ago(current_policy().standard_days + 1))
    out = StringIO()
    call_command("complaints_clock", stdout=out)
    summary = json.loads(out.getvalue().strip().splitlines()[-1])
    assert summary["ok"] is True
    assert summary["overdue"] == 2


def test_task_runs_the_clock(personas, open_case) -> None:  # type: ignore[no-untyped-def]
    from pcrm.complaints.tasks import complaints_clock_nightly

    open_case(received_at=_days_ago(current_policy().standard_days + 1))
    result = complaints_clock_nightly.call()
    assert result["overdue"] == 2
