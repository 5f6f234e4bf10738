"""Read-side queries of the training app, always scoped to the user asking."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from pcrm.org.models import Staff
from pcrm.org.roles import can
from pcrm.org.selectors import branch_subtree_ids
from pcrm.training.choices import BankStatus
from pcrm.training.models import (
    Attempt,
    AttemptAnswer,
    Paper,
    Question,
    QuestionBank,
    ReviewCard,
    WrongAnswer,
)


def review_due_count_for(*, user: Any, now: dt.datetime | None = None) -> int:
    """Questions whose FSRS review is due for this person (shown on the workbench)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    now = now or timezone.now()
    return ReviewCard.objects.filter(
        staff=user, due__lte=now, question__bank__status=BankStatus.PUBLISHED
    ).count()


def review_due_for(*, user: Any, now: dt.datetime | None = None) -> QuerySet[ReviewCard]:
    now = now or timezone.now()
    return (
        ReviewCard.objects.filter(
            staff=user, due__lte=now, question__bank__status=BankStatus.PUBLISHED
        )
        .select_related("question")
        .order_by("due")
    )


def bank_list_for(*, user: Any) -> QuerySet[QuestionBank]:
    """Published banks for everyone; drafts too for those who manage training."""
    banks = QuestionBank.objects.all()
    if not can(user, "training.manage"):
        banks = banks.filter(status=BankStatus.PUBLISHED)
    return banks


def practice_questions(
    *, user: Any, bank: QuestionBank, section: str = "", qtype: str = "", wrong_only: bool = False
) -> QuerySet[Question]:
    questions = bank.questions.all()
    if section:
        questions = questions.filter(section=section)
    if qtype:
        questions = questions.filter(qtype=qtype)
    if wrong_only:
        wrong = WrongAnswer.objects.filter(staff=user, cleared=False).values("question_id")
        questions = questions.filter(id__in=wrong)
    return questions.order_by("number")


def wrong_book_for(*, user: Any) -> QuerySet[WrongAnswer]:
    return (
        WrongAnswer.objects.filter(staff=user, cleared=False)
        .select_related("question", "question__bank")
        .order_by("-last_wrong_at")
    )


def papers_for(*, user: Any) -> QuerySet[Paper]:
    """Papers assigned to this person or to their role in their branch (or bank-wide)."""
    mine = Q(assignments__staff=user) | Q(
        Q(assignments__role=user.role),
        Q(assignments__branch__isnull=True) | Q(assignments__branch_id__in=_branch_ids(user)),
    )
    return Paper.objects.filter(mine).distinct()


def _branch_ids(user: Any) -> list[int]:
    """The user's own branch and the branches above it (a head's assignment covers sub-branches)."""
    ids, branch = [], getattr(user, "branch", None)
    while branch is not None:
        ids.append(branch.pk)
        branch = branch.parent
    return ids


def staff_scope_for(*, user: Any) -> QuerySet[Staff]:
    """The staff whose results this head may see: their branch and its sub-branches."""
    if not can(user, "training.manage"):
        return Staff.objects.none()
    if user.branch_id is None:
        return Staff.objects.filter(is_active=True)
    return Staff.objects.filter(branch_id__in=branch_subtree_ids(branch_id=user.branch_id))


def paper_results_for(*, user: Any, paper: Paper) -> dict[str, Any]:
    """Completion, scores, pass rate, most-missed questions and topics for a head."""
    staff = staff_scope_for(user=user)
    assigned = _assigned_staff(paper, staff)
    attempts = Attempt.objects.filter(paper=paper, staff__in=staff, submitted_at__isnull=False)
    best: dict[int, Attempt] = {}
    for attempt in attempts.select_related("staff"):
        current = best.get(attempt.staff_id)
        if current is None or (attempt.score or 0) > (current.score or 0):
            best[attempt.staff_id] = attempt
    rows = [{"staff": s, "attempt": best.get(s.pk)} for s in assigned]
    done = list(best.values())
    missed = _most_missed(AttemptAnswer.objects.filter(attempt__in=attempts, correct=False))
    return {
        "rows": rows,
        "assigned": len(assigned),
        "completed": len([r for r in rows if r["attempt"]]),
        "average": round(sum(a.score or 0 for a in done) / len(done), 2) if done else None,
        "pass_rate": round(sum(1 for a in done if a.passed) / len(done), 3) if done else None,
        "missed_questions": missed[0],
        "missed_topics": missed[1],
    }


def _assigned_staff(paper: Paper, staff: QuerySet[Staff]) -> list[Staff]:
    people: dict[int, Staff] = {}
    for assignment in paper.assignments.all():
        if assignment.staff_id and staff.filter(pk=assignment.staff_id).exists():
            people[assignment.staff_id] = assignment.staff  # type: ignore[assignment]
        elif assignment.role:
            scope = staff.filter(role=assignment.role, is_active=True)
            if assignment.branch_id:
                scope = scope.filter(
                    branch_id__in=branch_subtree_ids(branch_id=assignment.branch_id)
                )
            people.update({s.pk: s for s in scope})
    return sorted(people.values(), key=lambda s: s.staff_code)


def _most_missed(
    wrong: QuerySet[AttemptAnswer], limit: int = 10
) -> tuple[list[tuple[Question, int]], list[tuple[str, int]]]:
    by_question: Counter[int] = Counter(wrong.values_list("question_id", flat=True))
    questions = Question.objects.in_bulk(list(by_question))
    topics: Counter[str] = Counter()
    for qid, count in by_question.items():
        for tag in questions[qid].tags:
            topics[tag] += count
    top = [(questions[qid], count) for qid, count in by_question.most_common(limit)]
    return top, topics.most_common(limit)
