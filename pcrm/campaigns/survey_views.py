"""Satisfaction-survey pages: the public answer page reached by a one-time link (no
login), and the staff pages (results, drill-down, questionnaire set-up)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from pcrm.campaigns.models import QuestionKind, SurveyInvitation, SurveyTrigger
from pcrm.campaigns.policy import survey_policy
from pcrm.campaigns.surveys import (
    QUADRANT_LABELS,
    TIER_LABELS,
    answer_row,
    greeting_name,
    invitation_by_token,
    invitation_state,
    may_configure,
    may_see_results,
    survey_answer,
    survey_answered,
    survey_comments,
    survey_create,
    survey_invitations_filtered,
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


def _query(chosen: dict[str, Any], **extra: Any) -> str:
    return urlencode({**chosen, **extra})


GROUPS = (("tier", "by_tier"), ("quadrant", "by_quadrant"), ("branch", "by_branch"),
          ("staff", "by_staff"))  # fmt: skip


def _charts(results: dict[str, Any], dist: list[dict[str, Any]], page: str) -> dict[str, Any]:
    """Chart.js data: the score distribution and the average per tier; each bar links to
    the answers behind it (this page, filtered, at its answers list)."""
    return {
        "distribution": {
            "labels": [_("%(s)s 分") % {"s": d["score"]} for d in dist],
            "datasets": [
                {
                    "label": _("答卷数"),
                    "data": [d["n"] for d in dist],
                    "links": [f"{page}?{d['query']}#answers" for d in dist],
                }
            ],
        },
        "tiers": {
            "labels": [str(r["label"]) for r in results["by_tier"]],
            "datasets": [
                {
                    "label": _("总体满意度平均分"),
                    "data": [r["avg"] for r in results["by_tier"]],
                    "links": [f"{page}?{r['query']}#answers" for r in results["by_tier"]],
                }
            ],
        },
    }


@login_required
def satisfaction_results(request: HttpRequest) -> HttpResponse:
    """Averages by segment, branch and staff; distribution; comments; the answers; a
    chart whose bars open the answers behind them; every table exportable to XLSX."""
    if not may_see_results(request.user):
        raise Http404
    qs, chosen = survey_invitations_filtered(user=request.user, params=request.GET)
    page = Paginator(survey_answered(qs), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [answer_row(inv) for inv in page]
    results = survey_results(qs)
    base = {k: v for k, v in chosen.items() if k in {"from", "to", "trigger"}}
    for key, group in GROUPS:
        for row in results[group]:
            row["query"] = _query(base, **{key: row["key"]})
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
            "charts": _charts(results, dist, reverse("campaigns:satisfaction")),
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
