"""Satisfaction-survey pages: the public answer page reached by a one-time link (no
login), and the staff pages (results, drill-down, questionnaire set-up)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from pcrm.campaigns.models import QuestionKind, SurveyInvitation, SurveyTrigger
from pcrm.campaigns.policy import survey_policy
from pcrm.campaigns.surveys import (
    QUADRANT_LABELS,
    TIER_LABELS,
    greeting_name,
    invitation_by_token,
    invitation_state,
    may_configure,
    may_see_results,
    survey_answer,
    survey_comments,
    survey_create,
    survey_invitations_for,
    survey_list_for,
    survey_results,
    survey_set_active,
)
from pcrm.lib.masking import mask_name

PAGE_SIZE = 25


def _public(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    response = render(request, template, context, status=status)
    # The token is in the URL: never cached (never_cache), never sent to another site
    # (the site-wide same-origin referrer policy; "no-referrer" would make the browser
    # send "Origin: null", which the CSRF check rightly refuses).
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _posted_scores(
    request: HttpRequest, invitation: SurveyInvitation
) -> tuple[dict[int, int | None], dict[int, str]]:
    scores: dict[int, int | None] = {}
    texts: dict[int, str] = {}
    for q in invitation.survey.questions.all():
        raw = request.POST.get(f"q{q.pk}", "").strip()
        if q.kind == QuestionKind.TEXT:
            texts[q.pk] = raw
        elif raw:
            try:
                scores[q.pk] = int(raw)
            except ValueError:
                raise ValidationError(_("评分应为 1 至 5 分。")) from None
        else:
            scores[q.pk] = None
    return scores, texts


@never_cache
@csrf_protect
def survey_public(request: HttpRequest, token: str) -> HttpResponse:
    """Answer a survey: shows only the masked name; one answer per link; expires."""
    invitation = invitation_by_token(token)
    state = invitation_state(invitation)
    if state == "answered":
        return _public(request, "campaigns/survey_public_done.html", {"already": True})
    if state == "expired":
        return _public(request, "campaigns/survey_public_expired.html", {}, status=410)
    error = ""
    if request.method == "POST":
        try:
            scores, texts = _posted_scores(request, invitation)
            survey_answer(invitation=invitation, scores=scores, texts=texts)
            return _public(request, "campaigns/survey_public_done.html", {"already": False})
        except ValidationError as exc:
            if exc.messages == ["answered"]:  # answered in another tab meanwhile
                return _public(request, "campaigns/survey_public_done.html", {"already": True})
            if exc.messages == ["expired"]:
                return _public(request, "campaigns/survey_public_expired.html", {}, status=410)
            error = " ".join(exc.messages)
    questions = list(invitation.survey.questions.all())
    return _public(
        request,
        "campaigns/survey_public.html",
        {
            "greeting": greeting_name(invitation.customer),
            "survey": invitation.survey,
            "questions": questions,
            "scale": range(1, 6),
            "error": error,
            "expires_at": invitation.expires_at,
        },
        status=400 if error else 200,
    )


# --- Staff pages -----------------------------------------------------------------------


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _filtered(request: HttpRequest) -> tuple[QuerySet[SurveyInvitation], dict[str, Any]]:
    """The user's invitations narrowed by the query string (dates of sending, segment,
    branch, staff, occasion, overall score)."""
    qs = survey_invitations_for(user=request.user)
    today = timezone.localdate()
    start = _date(request.GET.get("from")) or today - dt.timedelta(days=90)
    end = _date(request.GET.get("to")) or today
    qs = qs.filter(sent_at__date__gte=start, sent_at__date__lte=end)
    chosen: dict[str, Any] = {"from": start.isoformat(), "to": end.isoformat()}
    for key, field in (
        ("tier", "tier"),
        ("quadrant", "quadrant"),
        ("trigger", "trigger"),
        ("branch", "branch_id"),
        ("staff", "manager_id"),
        ("score", "overall"),
    ):
        value = request.GET.get(key)
        if value is None:
            continue
        if field in {"branch_id", "manager_id", "overall"}:
            if not value.isdigit():
                continue
            qs = qs.filter(**{field: int(value)})
        else:
            qs = qs.filter(**{field: value})
        chosen[key] = value
    return qs, chosen


def _query(chosen: dict[str, Any], **extra: Any) -> str:
    return urlencode({**chosen, **extra})


@login_required
def satisfaction_results(request: HttpRequest) -> HttpResponse:
    """Averages by segment, branch and staff; distribution; comments; the answers."""
    if not may_see_results(request.user):
        raise Http404
    qs, chosen = _filtered(request)
    answered = qs.filter(answered_at__isnull=False).select_related("customer", "manager", "branch")
    page = Paginator(answered.order_by("-answered_at", "-id"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [
        {
            "pk": inv.pk,
            "name": mask_name(inv.customer.name),
            "tier": TIER_LABELS.get(inv.tier, inv.tier),
            "quadrant": QUADRANT_LABELS.get(inv.quadrant, inv.quadrant),
            "branch": inv.branch.name,
            "staff": inv.manager.name if inv.manager else "",
            "overall": inv.overall,
            "answered_at": inv.answered_at,
            "trigger": inv.get_trigger_display(),
        }
        for inv in page
    ]
    results = survey_results(qs)
    base = {k: v for k, v in chosen.items() if k in {"from", "to", "trigger"}}
    for key, group in (
        ("tier", "by_tier"),
        ("quadrant", "by_quadrant"),
        ("branch", "by_branch"),
        ("staff", "by_staff"),
    ):
        for row in results[group]:
            row["query"] = _query(base, **{key: row["key"] if row["key"] is not None else ""})
    dist = [
        {"score": s, "n": n, "query": _query(chosen, score=s)} for s, n in results["distribution"]
    ]
    most = max([d["n"] for d in dist] + [1])
    for d in dist:
        d["pct"] = round(100 * d["n"] / most)
    return render(
        request,
        "campaigns/satisfaction.html",
        {
            "results": results,
            "dist": dist,
            "comments": survey_comments(qs.filter(answered_at__isnull=False)),
            "page": page,
            "rows": rows,
            "chosen": chosen,
            "page_query": _query(chosen),
            "triggers": SurveyTrigger.choices,
            "may_configure": may_configure(request.user),
        },
    )


@login_required
def satisfaction_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """One customer's answers (masked name); 404 outside the user's customers."""
    if not may_see_results(request.user):
        raise Http404
    inv = get_object_or_404(
        survey_invitations_for(user=request.user).select_related(
            "customer", "manager", "branch", "survey"
        ),
        pk=pk,
        answered_at__isnull=False,
    )
    answers = inv.answers.select_related("question").order_by("question__position", "question_id")
    return render(
        request,
        "campaigns/satisfaction_answer.html",
        {
            "inv": inv,
            "name": mask_name(inv.customer.name),
            "tier": TIER_LABELS.get(inv.tier, inv.tier),
            "quadrant": QUADRANT_LABELS.get(inv.quadrant, inv.quadrant),
            "answers": answers,
            "low_score": int(survey_policy()["low_score"]),
        },
    )


@login_required
def satisfaction_setup(request: HttpRequest) -> HttpResponse:
    """Questionnaires: admins configure bank-wide ones, branch heads their branch's."""
    if not may_configure(request.user):
        raise Http404
    if request.method == "POST":
        try:
            if "toggle" in request.POST:
                survey = get_object_or_404(
                    survey_list_for(user=request.user), pk=request.POST.get("toggle")
                )
                survey_set_active(actor=request.user, survey=survey, active=not survey.active)
            else:
                survey_create(
                    actor=request.user,
                    name=request.POST.get("name", ""),
                    intro=request.POST.get("intro", ""),
                    trigger=request.POST.get("trigger", ""),
                    overall=request.POST.get("overall", ""),
                    aspects=request.POST.get("aspects", "").splitlines(),
                    comment=request.POST.get("comment", ""),
                )
                messages.success(request, _("问卷已保存。"))
            return redirect("campaigns:satisfaction_setup")
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    surveys = survey_list_for(user=request.user).prefetch_related("questions")
    return render(
        request,
        "campaigns/satisfaction_setup.html",
        {"surveys": surveys, "triggers": SurveyTrigger.choices, "form": request.POST},
    )
