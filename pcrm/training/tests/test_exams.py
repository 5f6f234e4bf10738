"""Papers drawn per section, time limit with auto-submit, attempt limits, heads' results."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pcrm.training.choices import Scoring
from pcrm.training.policy import default_points
from pcrm.training.selectors import paper_results_for, papers_for
from pcrm.training.services.exams import (
    assignment_create,
    attempt_answer,
    attempt_expire,
    attempt_start,
    attempt_submit,
    paper_create,
    paper_sections,
)

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def paper(personas, bank):  # type: ignore[no-untyped-def]
    sections = paper_sections({"true_false": 3, "single": 2, "multiple": 2})
    return paper_create(
        actor=personas.head,
        name="季度考试",
        bank=bank,
        sections=sections,
        time_limit_minutes=10,
        max_attempts=2,
        pass_mark=3,
    )


def _right(row):  # type: ignore[no-untyped-def]
    answer = row.question.answer
    return ("true" if answer else "false") if isinstance(answer, bool) else answer


def test_points_per_type_come_from_policy(paper) -> None:  # type: ignore[no-untyped-def]
    points = default_points()
    assert (
        paper.max_score()
        == 3 * points["true_false"] + 2 * points["single"] + 2 * points["multiple"]
    )


def test_paper_drawn_per_section(personas, paper) -> None:  # type: ignore[no-untyped-def]
    attempt = attempt_start(actor=personas.teller, paper=paper, now=NOW, seed=1)
    types = [row.question.qtype for row in attempt.answers.select_related("question")]
    assert types == ["true_false"] * 3 + ["single"] * 2 + ["multiple"] * 2
    assert attempt.deadline == NOW + dt.timedelta(minutes=10)


def test_all_right_passes_and_review_shows_each_answer(personas, paper) -> None:  # type: ignore[no-untyped-def]
    attempt = attempt_start(actor=personas.teller, paper=paper, now=NOW)
    answers = {row.question_id: _right(row) for row in attempt.answers.select_related("question")}
    done = attempt_submit(
        actor=personas.teller, attempt=attempt, answers=answers, now=NOW + dt.timedelta(minutes=3)
    )
    assert done.score == paper.max_score()
    assert done.passed
    assert not done.auto_submitted
    assert all(row.correct for row in done.answers.all())


def test_deadline_is_enforced_on_the_server(personas, paper) -> None:  # type: ignore[no-untyped-def]
    attempt = attempt_start(actor=personas.teller, paper=paper, now=NOW)
    rows = list(attempt.answers.select_related("question"))
    assert attempt_answer(
        actor=personas.teller,
        attempt=attempt,
        question_id=rows[0].question_id,
        chosen=_right(rows[0]),
        now=NOW + dt.timedelta(minutes=1),
    )
    late = NOW + dt.timedelta(minutes=11)
    assert not attempt_answer(
        actor=personas.teller,
        attempt=attempt,
        question_id=rows[1].question_id,
        chosen=_right(rows[1]),
        now=late,
    )
    # A late hand-in keeps only what was saved in time.
    everything = {row.question_id: _right(row) for row in rows}
    done = attempt_submit(actor=personas.teller, attempt=attempt, answers=everything, now=late)
    assert done.auto_submitted
    assert done.score == rows[0].points_possible
    assert done.submitted_at <= attempt.deadline + dt.timedelta(seconds=5)


def test_expired_attempt_auto_submits_and_limits_attempts(personas, paper) -> None:  # type: ignore[no-untyped-def]
    first = attempt_start(actor=personas.teller, paper=paper, now=NOW)
    expired = attempt_expire(first, NOW + dt.timedelta(minutes=30))
    assert expired.submitted_at is not None
    assert expired.auto_submitted
    assert expired.passed is False
    attempt_start(actor=personas.teller, paper=paper, now=NOW + dt.timedelta(hours=1))
    with pytest.raises(ValidationError):
        attempt_start(actor=personas.teller, paper=paper, now=NOW + dt.timedelta(hours=3))


def test_partial_credit_paper(personas, bank) -> None:  # type: ignore[no-untyped-def]
    paper = paper_create(
        actor=personas.head,
        name="多选",
        bank=bank,
        sections=paper_sections({"multiple": 1}, {"multiple": 2.0}),
        scoring=Scoring.PARTIAL,
    )
    attempt = attempt_start(actor=personas.teller, paper=paper, now=NOW)
    row = attempt.answers.select_related("question").get()
    one_right = row.question.answer[0]
    done = attempt_submit(
        actor=personas.teller,
        attempt=attempt,
        answers={row.question_id: one_right},
        now=NOW + dt.timedelta(minutes=1),
    )
    assert 0 < done.score < 2.0


def test_assignment_by_role_and_heads_results(personas, paper) -> None:  # type: ignore[no-untyped-def]
    assignment_create(actor=personas.head, paper=paper, role="teller")
    assignment_create(actor=personas.head, paper=paper, staff=personas.lobby)
    assert paper in papers_for(user=personas.teller)
    assert paper in papers_for(user=personas.lobby)
    assert paper not in papers_for(user=personas.manager)
    attempt = attempt_start(actor=personas.teller, paper=paper, now=NOW)
    rows = list(attempt.answers.select_related("question"))
    wrong = {
        row.question_id: ("false" if row.question.answer is True else "true")
        for row in rows
        if row.question.qtype == "true_false"
    }
    attempt_submit(
        actor=personas.teller, attempt=attempt, answers=wrong, now=NOW + dt.timedelta(minutes=2)
    )
    results = paper_results_for(user=personas.head, paper=paper)
    assert results["assigned"] == 2
    assert results["completed"] == 1
    assert results["pass_rate"] == 0.0
    assert len(results["missed_questions"]) == len(rows)
    assert results["missed_questions"][0][1] == 1
    assert paper_results_for(user=personas.teller, paper=paper)["assigned"] == 0
