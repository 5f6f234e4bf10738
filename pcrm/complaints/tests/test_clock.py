"""The regulatory clock: property tests of the pure clock, and the clock on a case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from pcrm.complaints import clock
from pcrm.complaints.policy import current_policy, rules_from
from pcrm.complaints.services import (
    clock_pause,
    clock_resume,
    complaint_due_at,
    complaint_extend,
    complaint_mark_complex,
)

RULES = rules_from({})
STAGES = ("standard", "complex", "extended")
BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

receipts = st.datetimes(
    min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1), timezones=st.just(dt.UTC)
)
# Pauses as (offset from receipt, length), both in minutes.
pause_specs = st.lists(
    st.tuples(st.integers(0, 90 * 24 * 60), st.integers(1, 20 * 24 * 60)), max_size=5
)


def _spans(received: dt.datetime, specs: list[tuple[int, int]]) -> list[clock.Interval]:
    """Disjoint pauses, as the services allow them (a new pause after the last resume)."""
    spans: list[clock.Interval] = []
    cursor = received
    for offset, length in specs:
        start = cursor + dt.timedelta(minutes=offset % (7 * 24 * 60))
        end = start + dt.timedelta(minutes=length)
        spans.append((start, end))
        cursor = end
    return spans


@settings(max_examples=200, deadline=None)
@given(received=receipts, specs=pause_specs, stage=st.sampled_from(STAGES))
def test_deadline_never_exceeds_the_stage_limit_net_of_pauses(
    received: dt.datetime, specs: list[tuple[int, int]], stage: str
) -> None:
    spans = _spans(received, specs)
    now = received + dt.timedelta(days=400)
    due = clock.deadline(
        received_at=received, limit_days=RULES.stage_days(stage), pauses=spans, now=now
    )
    on_clock = clock.running_time(received_at=received, at=due, pauses=spans)
    assert on_clock <= dt.timedelta(days=RULES.stage_days(stage))
    assert on_clock <= dt.timedelta(days=RULES.extended_days)


@settings(max_examples=200, deadline=None)
@given(
    received=receipts,
    specs=pause_specs,
    stage=st.sampled_from(STAGES),
    extra=st.tuples(st.integers(0, 60 * 24 * 60), st.integers(1, 30 * 24 * 60)),
)
def test_a_pause_adds_exactly_its_length(
    received: dt.datetime, specs: list[tuple[int, int]], stage: str, extra: tuple[int, int]
) -> None:
    spans = _spans(received, specs)
    now = received + dt.timedelta(days=800)
    limit = RULES.stage_days(stage)
    before = clock.deadline(received_at=received, limit_days=limit, pauses=spans, now=now)
    last = spans[-1][1] if spans else received
    assert last is not None
    # The new pause begins after the last one, while the clock still runs.
    room = int((before - last).total_seconds() // 60)
    if room <= 0:
        return
    start = last + dt.timedelta(minutes=extra[0] % room)
    length = dt.timedelta(minutes=extra[1])
    after = clock.deadline(
        received_at=received, limit_days=limit, pauses=[*spans, (start, start + length)], now=now
    )
    assert after - before == length


@settings(max_examples=100, deadline=None)
@given(received=receipts, specs=pause_specs)
def test_stages_are_ordered_and_extension_is_the_ceiling(
    received: dt.datetime, specs: list[tuple[int, int]]
) -> None:
    spans = _spans(received, specs)
    now = received + dt.timedelta(days=400)
    dues = [
        clock.deadline(received_at=received, limit_days=RULES.stage_days(s), pauses=spans, now=now)
        for s in STAGES
    ]
    assert dues == sorted(dues)
    for stage, due in zip(STAGES, dues, strict=True):
        # Exactly the stage's days run on the clock between receipt and the deadline.
        on_clock = clock.running_time(received_at=received, at=due, pauses=spans)
        assert on_clock == dt.timedelta(days=RULES.stage_days(stage))


def test_a_pause_after_the_deadline_does_not_revive_it() -> None:
    late = BASE + dt.timedelta(days=RULES.standard_days + 1)
    spans: list[clock.Interval] = [(late, late + dt.timedelta(days=5))]
    due = clock.deadline(received_at=BASE, limit_days=RULES.standard_days, pauses=spans, now=late)
    assert due == BASE + dt.timedelta(days=RULES.standard_days)


def test_overlapping_pauses_count_once() -> None:
    spans: list[clock.Interval] = [
        (BASE, BASE + dt.timedelta(days=2)),
        (BASE + dt.timedelta(days=1), BASE + dt.timedelta(days=3)),
    ]
    assert clock.paused_time(spans, now=BASE) == dt.timedelta(days=3)


def test_an_open_pause_runs_until_now() -> None:
    spans: list[clock.Interval] = [(BASE, None)]
    now = BASE + dt.timedelta(days=4)
    due = clock.deadline(received_at=BASE, limit_days=RULES.standard_days, pauses=spans, now=now)
    assert due == BASE + dt.timedelta(days=RULES.standard_days + 4)


def test_day_counts_come_from_the_policy(db: None) -> None:
    from pcrm.complaints.models import ComplaintPolicy

    assert current_policy().standard_days == RULES.standard_days
    ComplaintPolicy.objects.create(version=1, data={"clock": {"standard_days": 10}})
    assert current_policy().standard_days == 10
    assert current_policy().complex_days == RULES.complex_days


@pytest.mark.django_db
class TestClockOnACase:
    def test_standard_deadline(self, open_case, personas) -> None:  # type: ignore[no-untyped-def]
        case = open_case()
        assert complaint_due_at(case) == case.received_at + dt.timedelta(days=RULES.standard_days)

    def test_pause_and_resume_move_the_deadline_by_the_pause(  # type: ignore[no-untyped-def]
        self, open_case, personas
    ) -> None:
        case = open_case(received_at=timezone.now() - dt.timedelta(days=5))
        start = timezone.now() - dt.timedelta(days=4)
        end = timezone.now() - dt.timedelta(days=1, hours=3)
        clock_pause(actor=personas.lobby, case=case, reason="等待司法鉴定", at=start)
        with pytest.raises(ValidationError):
            clock_pause(actor=personas.lobby, case=case, reason="再次暂停", at=start)
        clock_resume(actor=personas.lobby, case=case, at=end)
        due = complaint_due_at(case)
        assert due == case.received_at + dt.timedelta(days=RULES.standard_days) + (end - start)

    def test_complex_then_extension_needs_branch_head_and_customer_told(  # type: ignore[no-untyped-def]
        self, open_case, personas
    ) -> None:
        case = open_case()
        complaint_mark_complex(actor=personas.lobby, case=case, reason="涉及多个部门")
        assert complaint_due_at(case) == case.received_at + dt.timedelta(days=RULES.complex_days)
        with pytest.raises(PermissionDenied):
            complaint_extend(
                actor=personas.lobby, case=case, reason="需核查", customer_told_at=timezone.now()
            )
        with pytest.raises(ValidationError):
            complaint_extend(actor=personas.head, case=case, reason="需核查", customer_told_at=None)
        complaint_extend(
            actor=personas.head, case=case, reason="需核查", customer_told_at=timezone.now()
        )
        case.refresh_from_db()
        assert case.extension_approved_by == personas.head
        assert complaint_due_at(case) == case.received_at + dt.timedelta(days=RULES.extended_days)
        with pytest.raises(ValidationError):
            complaint_extend(
                actor=personas.head, case=case, reason="再延", customer_told_at=timezone.now()
            )
