"""Pages for branch heads: import and review banks, build papers, assign, see results."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pcrm.org.models import Role
from pcrm.org.roles import can
from pcrm.training.choices import QuestionType, Scoring
from pcrm.training.convert import EXPORT_FORMATS, export
from pcrm.training.models import Paper, Question, QuestionBank
from pcrm.training.policy import default_points, exam_defaults, low_confidence
from pcrm.training.selectors import paper_results_for, staff_scope_for
from pcrm.training.services.banks import (
    bank_import,
    bank_publish,
    question_correct,
    question_move_boundary,
    summary_of,
)
from pcrm.training.services.exams import assignment_create, paper_create, paper_sections

View = Callable[..., HttpResponse]


def manager_required(view: View) -> View:
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not can(request.user, "training.manage"):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@manager_required
def manage(request: HttpRequest) -> HttpResponse:
    banks = [(bank, summary_of(bank)) for bank in QuestionBank.objects.all()]
    return render(
        request,
        "training/manage.html",
        {
            "banks": banks,
            "papers": Paper.objects.select_related("bank")[:50],
            "published": [b for b, _s in banks if b.status == "published"],
            "points": default_points(),
            "exam": exam_defaults(),
            "scorings": Scoring.choices,
        },
    )


@manager_required
@require_POST
def bank_import_view(request: HttpRequest) -> HttpResponse:
    name = request.POST.get("name", "").strip()
    upload = request.FILES.get("file")
    pasted = request.POST.get("text", "")
    if not name or not (upload or pasted.strip()):
        messages.error(request, _("请填写题库名称，并上传文件或粘贴文字。"))
        return redirect("training:manage")
    filename, data = (
        (upload.name or "upload", upload.read())
        if upload
        else ("pasted.txt", pasted.encode("utf-8"))
    )
    try:
        bank = bank_import(actor=request.user, name=name, filename=filename, data=data)
    except (ValueError, ValidationError) as exc:
        messages.error(request, _("导入失败：%(error)s") % {"error": exc})
        return redirect("training:manage")
    return redirect("training:bank_review", bank.pk)


@manager_required
def bank_review(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = get_object_or_404(QuestionBank, pk=bank_id)
    questions = sorted(
        bank.questions.all(), key=lambda q: (q.confidence >= low_confidence(), q.number)
    )
    return render(
        request,
        "training/bank_review.html",
        {
            "bank": bank,
            "questions": questions,
            "summary": summary_of(bank),
            "ledger": bank.ledger.exclude(kind="furniture"),
            "furniture": bank.ledger.filter(kind="furniture").count(),
            "low": low_confidence(),
            "formats": EXPORT_FORMATS,
        },
    )


def _question_card(request: HttpRequest, question: Question) -> HttpResponse:
    return render(request, "training/_question_card.html", {"q": question, "low": low_confidence()})


@manager_required
@require_POST
def question_cut(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(Question, pk=question_id)
    try:
        question_move_boundary(
            actor=request.user,
            question=question,
            index=int(request.POST.get("index", "-1")),
            delta=int(request.POST.get("delta", "0")),
        )
    except (ValueError, ValidationError) as exc:
        messages.error(request, str(exc))
    if _htmx(request):
        return _question_card(request, question)
    return redirect("training:bank_review", question.bank_id)


@manager_required
@require_POST
def question_fix(request: HttpRequest, question_id: int) -> HttpResponse:
    question = get_object_or_404(Question, pk=question_id)
    options = request.POST.get("options")
    try:
        question_correct(
            actor=request.user,
            question=question,
            stem=request.POST.get("stem") or None,
            answer=request.POST.get("answer") or None,
            options=options.splitlines() if options else None,
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    if _htmx(request):
        return _question_card(request, question)
    return redirect("training:bank_review", question.bank_id)


@manager_required
@require_POST
def bank_publish_view(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = get_object_or_404(QuestionBank, pk=bank_id)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("请勾选确认后再发布。"))
        return redirect("training:bank_review", bank.pk)
    try:
        bank_publish(actor=request.user, bank=bank)
        messages.success(request, _("题库已发布。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("training:bank_review", bank.pk)


@manager_required
def bank_export(request: HttpRequest, bank_id: int) -> HttpResponse:
    bank = get_object_or_404(QuestionBank, pk=bank_id)
    fmt = request.GET.get("format", "json")
    if fmt not in EXPORT_FORMATS:
        fmt = "json"
    suffix = {"moodle-xml": "xml", "gift": "gift.txt", "aiken": "aiken.txt"}.get(fmt, fmt)
    response = HttpResponse(
        export(bank.questions.order_by("number"), fmt), content_type="application/octet-stream"
    )
    response["Content-Disposition"] = f'attachment; filename="bank-{bank.pk}.{suffix}"'
    return response


@manager_required
@require_POST
def paper_new(request: HttpRequest) -> HttpResponse:
    bank = get_object_or_404(QuestionBank, pk=request.POST.get("bank") or 0)
    counts = {t: _int(request.POST.get(f"count_{t}")) for t in QuestionType.values}
    points = {
        t: float(request.POST.get(f"points_{t}") or default_points()[t])
        for t in QuestionType.values
    }
    try:
        paper = paper_create(
            actor=request.user,
            name=request.POST.get("name", "").strip() or bank.name,
            bank=bank,
            sections=paper_sections(counts, points),
            time_limit_minutes=_int(request.POST.get("minutes")) or None,
            scoring=request.POST.get("scoring", Scoring.ALL_OR_NOTHING),
            max_attempts=_int(request.POST.get("attempts")) or None,
            pass_mark=float(request.POST["pass_mark"]) if request.POST.get("pass_mark") else None,
        )
    except (ValueError, ValidationError) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
        return redirect("training:manage")
    return redirect("training:paper_detail", paper.pk)


def _int(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


@manager_required
def paper_detail(request: HttpRequest, paper_id: int) -> HttpResponse:
    paper = get_object_or_404(Paper, pk=paper_id)
    results = paper_results_for(user=request.user, paper=paper)
    return render(
        request,
        "training/paper_detail.html",
        {
            "paper": paper,
            "results": results,
            "roles": Role.choices,
            "people": staff_scope_for(user=request.user).order_by("staff_code")[:500],
        },
    )


@manager_required
@require_POST
def paper_assign(request: HttpRequest, paper_id: int) -> HttpResponse:
    paper = get_object_or_404(Paper, pk=paper_id)
    staff = None
    if request.POST.get("staff"):
        staff = get_object_or_404(staff_scope_for(user=request.user), pk=request.POST["staff"])
    try:
        assignment_create(
            actor=request.user, paper=paper, role=request.POST.get("role", ""), staff=staff
        )
        messages.success(request, _("已安排考试。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("training:paper_detail", paper.pk)


def _htmx(request: HttpRequest) -> bool:
    """django-htmx sets ``request.htmx``; plain test requests may lack the middleware."""
    return bool(getattr(request, "htmx", False))
