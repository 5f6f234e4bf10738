"""Exam papers, assignments and attempts; the server's deadline is the one that counts."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pcrm.audit.services import audit_record
from pcrm.training.choices import BankStatus, QuestionType, Scoring
from pcrm.training.models import Assignment, Attempt, AttemptAnswer, Paper, Question, QuestionBank
from pcrm.training.policy import default_points, exam_defaults
from pcrm.training.scoring import is_correct, normalise_choice, points_for
from pcrm.training.services.banks import require_manager


def paper_sections(
    counts: dict[str, int], points: dict[str, float] | None = None
) -> list[dict[str, Any]]:
    """Draw rules per type; points default to the policy's points per type."""
    base = default_points()
    points = points or {}
    return [
        {"qtype": qtype, "count": int(count), "points": float(points.get(qtype, base[qtype]))}
        for qtype, count in counts.items()
        if int(count) > 0
    ]


@transaction.atomic
def paper_create(
    *,
    actor: Any,
    name: str,
    bank: QuestionBank,
    sections: list[dict[str, Any]],
    time_limit_minutes: int | None = None,
    scoring: str = Scoring.ALL_OR_NOTHING,
    max_attempts: int | None = None,
    pass_mark: float | None = None,
) -> Paper:
    """A paper over a published bank; each section asks no more than the bank holds."""
    require_manager(actor)
    if bank.status != BankStatus.PUBLISHED:
        raise ValidationError("题库尚未发布")
    for section in sections:
        available = bank.questions.filter(qtype=section["qtype"]).count()
        if section["count"] > available:
            raise ValidationError(f"{QuestionType(section['qtype']).label}只有{available}道")
    defaults = exam_defaults()
    paper = Paper(name=name, bank=bank, sections=sections, scoring=scoring, created_by=actor)
    paper.time_limit_minutes = time_limit_minutes or int(defaults["time_limit_minutes"])
    paper.max_attempts = max_attempts or int(defaults["max_attempts"])
    paper.pass_mark = (
        pass_mark
        if pass_mark is not None
        else round(paper.max_score() * float(defaults["pass_ratio"]), 2)
    )
    paper.save()
    audit_record(
        actor=actor, action="training.paper_create", target=paper, data={"sections": sections}
    )
    return paper


@transaction.atomic
def assignment_create(
    *, actor: Any, paper: Paper, role: str = "", staff: Any = None, due_on: dt.date | None = None
) -> Assignment:
    """Assign a paper to a role in the head's branch, or to one person."""
    require_manager(actor)
    if bool(role) == bool(staff):
        raise ValidationError("请选择岗位或人员之一")
    branch = getattr(actor, "branch", None)
    if staff is not None and branch is not None and staff.branch_id != branch.pk:
        raise PermissionDenied("只能安排本网点的员工")
    assignment = Assignment.objects.create(
        paper=paper, role=role, staff=staff, branch=branch, assigned_by=actor, due_on=due_on
    )
    audit_record(actor=actor, action="training.assign", target=assignment, data={"role": role})
    return assignment


def attempts_left(paper: Paper, staff: Any) -> int:
    return max(0, paper.max_attempts - Attempt.objects.filter(paper=paper, staff=staff).count())


@transaction.atomic
def attempt_start(
    *, actor: Any, paper: Paper, now: dt.datetime | None = None, seed: int | None = None
) -> Attempt:
    """Start a sitting: draw the questions at random per section, fix the deadline."""
    now = now or timezone.now()
    open_attempt = Attempt.objects.filter(paper=paper, staff=actor, submitted_at=None).first()
    if open_attempt is not None:
        open_attempt = attempt_expire(open_attempt, now)
        if open_attempt.submitted_at is None:
            return open_attempt  # still running: carry on with it
    if attempts_left(paper, actor) <= 0:
        raise ValidationError("已用完考试次数")
    attempt = Attempt.objects.create(
        paper=paper,
        staff=actor,
        started_at=now,
        max_score=paper.max_score(),
        deadline=now + dt.timedelta(minutes=paper.time_limit_minutes),
    )
    draw = random.Random(seed)  # noqa: S311 - drawing questions, not a secret
    position = 0
    for section in paper.sections:
        ids = list(paper.bank.questions.filter(qtype=section["qtype"]).values_list("id", flat=True))
        for qid in sorted(draw.sample(ids, section["count"])):
            position += 1
            AttemptAnswer.objects.create(
                attempt=attempt,
                question_id=qid,
                position=position,
                points_possible=section["points"],
            )
    audit_record(
        actor=actor, action="training.attempt_start", target=attempt, data={"paper": paper.pk}
    )
    return attempt


def attempt_expire(attempt: Attempt, now: dt.datetime | None = None) -> Attempt:
    """Submit an attempt whose deadline has passed (auto-submit); otherwise leave it."""
    now = now or timezone.now()
    if attempt.submitted_at is None and now > attempt.deadline:
        return attempt_submit(actor=attempt.staff, attempt=attempt, now=now, auto=True)
    return attempt


@transaction.atomic
def attempt_answer(
    *, actor: Any, attempt: Attempt, question_id: int, chosen: Any, now: dt.datetime | None = None
) -> bool:
    """Save one answer; refused once submitted or after the deadline (plus a small grace)."""
    now = now or timezone.now()
    if attempt.staff_id != actor.pk:
        raise PermissionDenied("not your attempt")
    grace = dt.timedelta(seconds=float(exam_defaults()["grace_seconds"]))
    if attempt.submitted_at is not None or now > attempt.deadline + grace:
        return False
    row = attempt.answers.select_related("question").get(question_id=question_id)
    row.chosen = normalise_choice(row.question.qtype, chosen)
    row.save(update_fields=["chosen"])
    return True


@transaction.atomic
def attempt_submit(
    *,
    actor: Any,
    attempt: Attempt,
    answers: dict[int, Any] | None = None,
    now: dt.datetime | None = None,
    auto: bool = False,
) -> Attempt:
    """Hand in: store the answers given in time, mark them, score and pass/fail."""
    now = now or timezone.now()
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.staff_id != actor.pk:
        raise PermissionDenied("not your attempt")
    if attempt.submitted_at is not None:
        return attempt
    grace = dt.timedelta(seconds=float(exam_defaults()["grace_seconds"]))
    in_time = now <= attempt.deadline + grace
    total = 0.0
    for row in attempt.answers.select_related("question"):
        question: Question = row.question
        if answers and in_time and row.question_id in answers:
            row.chosen = normalise_choice(question.qtype, answers[row.question_id])
        row.correct = is_correct(question.qtype, question.answer, row.chosen)
        row.points = points_for(
            question.qtype, question.answer, row.chosen, row.points_possible, attempt.paper.scoring
        )
        row.save(update_fields=["chosen", "correct", "points"])
        total += row.points
    attempt.score = round(total, 2)
    attempt.passed = attempt.score >= attempt.paper.pass_mark
    attempt.submitted_at = min(now, attempt.deadline + grace) if auto or not in_time else now
    attempt.auto_submitted = auto or not in_time
    attempt.save()
    audit_record(
        actor=actor,
        action="training.attempt_submit",
        target=attempt,
        data={"score": attempt.score, "passed": attempt.passed, "auto": attempt.auto_submitted},
    )
    return attempt
