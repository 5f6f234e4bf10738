"""Staff pages: practice home, practice, FSRS review, wrong-answer book, exams."""

from __future__ import annotations

import random
import time
from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pcrm.org.models import Staff
from pcrm.training.choices import PracticeMode, QuestionType
from pcrm.training.models import Attempt, Paper, Question
from pcrm.training.selectors import (
    bank_list_for,
    papers_for,
    practice_questions,
    review_due_count_for,
    review_due_for,
    wrong_book_for,
)
from pcrm.training.services.exams import (
    attempt_expire,
    attempt_start,
    attempt_submit,
    attempts_left,
)
from pcrm.training.services.practice import practice_answer


@login_required
def home(request: HttpRequest) -> HttpResponse:
    papers = [
        (paper, attempts_left(paper, request.user)) for paper in papers_for(user=request.user)
    ]
    attempts = Attempt.objects.filter(staff=_me(request)).select_related("paper")[:10]
    return render(
        request,
        "training/home.html",
        {
            "banks": bank_list_for(user=request.user),
            "due": review_due_count_for(user=request.user),
            "wrong": wrong_book_for(user=request.user).count(),
            "papers": papers,
            "attempts": attempts,
            "types": QuestionType.choices,
        },
    )


@login_required
def practice(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = get_object_or_404(bank_list_for(user=request.user), pk=bank_id)
    mode = request.GET.get("mode", PracticeMode.SEQUENTIAL)
    section, qtype = request.GET.get("section", ""), request.GET.get("type", "")
    questions = list(
        practice_questions(
            user=request.user,
            bank=bank,
            section=section,
            qtype=qtype,
            wrong_only=mode == PracticeMode.WRONG,
        )
    )
    index = _int(request.GET.get("i"), 0)
    question = None
    if questions:
        if mode == PracticeMode.RANDOM:
            question = random.choice(questions)  # noqa: S311 - practice order, not a secret
        else:
            question = questions[index % len(questions)]
    sections = bank.questions.values_list("section", flat=True).distinct().order_by("section")
    return render(
        request,
        "training/practice.html",
        {
            "bank": bank,
            "question": question,
            "mode": mode,
            "section": section,
            "qtype": qtype,
            "index": index,
            "total": len(questions),
            "sections": [s for s in sections if s],
            "types": QuestionType.choices,
            "modes": PracticeMode.choices,
            "shown_at": time.time(),
            "next_query": _next_query(mode, section, qtype, index + 1),
        },
    )


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


def _next_query(mode: str, section: str, qtype: str, index: int) -> str:
    from urllib.parse import urlencode

    return urlencode({"mode": mode, "section": section, "type": qtype, "i": index})


@login_required
@require_POST
def answer(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(
        Question.objects.filter(bank__in=bank_list_for(user=request.user)), pk=question_id
    )
    chosen = request.POST.getlist("choice")
    value = chosen[0] if question.qtype == QuestionType.TRUE_FALSE and chosen else "".join(chosen)
    shown = float(request.POST.get("shown_at") or time.time())
    seconds = max(0.0, min(time.time() - shown, 3600.0))
    mode = request.POST.get("mode", PracticeMode.SEQUENTIAL)
    record = practice_answer(
        actor=request.user, question=question, chosen=value, seconds=seconds, mode=mode
    )
    context = {"question": question, "record": record, "next_url": request.POST.get("next", "")}
    template = "training/_feedback.html" if _htmx(request) else "training/feedback_page.html"
    return render(request, template, context)


@login_required
def review(request: HttpRequest) -> HttpResponse:
    card = review_due_for(user=request.user).first()
    return render(
        request,
        "training/review.html",
        {
            "card": card,
            "question": card.question if card else None,
            "shown_at": time.time(),
            "due": review_due_count_for(user=request.user),
        },
    )


@login_required
def wrong_book(request: HttpRequest) -> HttpResponse:
    return render(
        request, "training/wrong_book.html", {"entries": wrong_book_for(user=request.user)[:200]}
    )


@login_required
@require_POST
def exam_start(request: HttpRequest, paper_id: int) -> HttpResponse:
    paper = get_object_or_404(papers_for(user=request.user), pk=paper_id)
    try:
        attempt = attempt_start(actor=request.user, paper=paper)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("training:home")
    if attempt.submitted_at:
        return redirect("training:exam_result", attempt.pk)
    return redirect("training:exam_take", attempt.pk)


def _my_attempt(request: HttpRequest, attempt_id: int) -> Attempt:
    attempt = (
        Attempt.objects.select_related("paper").filter(pk=attempt_id, staff=_me(request)).first()
    )
    if attempt is None:
        raise Http404
    return attempt


@login_required
def exam_take(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = attempt_expire(_my_attempt(request, attempt_id))
    if attempt.submitted_at:
        messages.info(
            request,
            _("考试时间已到，系统已自动交卷。") if attempt.auto_submitted else _("已交卷。"),
        )
        return redirect("training:exam_result", attempt.pk)
    rows = attempt.answers.select_related("question")
    remaining = max(0, int((attempt.deadline - timezone.now()).total_seconds()))
    return render(
        request,
        "training/exam_take.html",
        {"attempt": attempt, "rows": rows, "remaining": remaining},
    )


@login_required
@require_POST
def exam_submit(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = _my_attempt(request, attempt_id)
    answers: dict[int, object] = {}
    for row in attempt.answers.select_related("question"):
        picked = request.POST.getlist(f"q{row.question_id}")
        if picked:
            single = row.question.qtype == QuestionType.TRUE_FALSE
            answers[row.question_id] = picked[0] if single else "".join(picked)
    attempt = attempt_submit(actor=request.user, attempt=attempt, answers=answers)
    if attempt.auto_submitted:
        messages.warning(request, _("超过考试时限，超时后的作答未计入。"))
    return redirect("training:exam_result", attempt.pk)


@login_required
def exam_result(request: HttpRequest, attempt_id: int) -> HttpResponse:
    attempt = attempt_expire(_my_attempt(request, attempt_id))
    if not attempt.submitted_at:
        return redirect("training:exam_take", attempt.pk)
    rows = attempt.answers.select_related("question")
    return render(
        request,
        "training/exam_result.html",
        {"attempt": attempt, "rows": rows, "paper": attempt.paper},
    )


def paper_or_404(user: object, paper_id: int) -> Paper:
    return get_object_or_404(papers_for(user=user), pk=paper_id)


def _htmx(request: HttpRequest) -> bool:
    """django-htmx sets ``request.htmx``; plain test requests may lack the middleware."""
    return bool(getattr(request, "htmx", False))


def _me(request: HttpRequest) -> Staff:
    """The signed-in member of staff (every view here is behind login_required)."""
    return cast(Staff, request.user)
