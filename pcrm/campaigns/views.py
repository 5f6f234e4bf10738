"""Staff pages: customer events, market-information broadcasts, survey reports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pcrm.campaigns.forms import BroadcastForm, EventForm, SurveyForm
from pcrm.campaigns.models import Broadcast, CustomerEvent, Rsvp, SurveyReport
from pcrm.campaigns.policy import policy
from pcrm.campaigns.services import (
    broadcast_send,
    event_create,
    event_follow_up,
    event_invite,
    event_results,
    invitation_attend,
    invitation_rsvp,
    survey_review,
    survey_submit,
)
from pcrm.customers.selectors import customer_list_for
from pcrm.org.roles import can
from pcrm.org.selectors import branch_subtree_ids

PAGE_SIZE = 25


def _error(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))


def _events_for(user: Any) -> QuerySet[CustomerEvent]:
    if not user.branch_id:
        return CustomerEvent.objects.none()
    return CustomerEvent.objects.filter(branch_id__in=branch_subtree_ids(branch_id=user.branch_id))


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    """Events of the user's branch, and the form to create one."""
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            event = event_create(actor=request.user, **form.cleaned_data)
            return redirect("campaigns:event", pk=event.pk)
        except (ValidationError, PermissionDenied) as exc:
            _error(request, exc)
    page = Paginator(_events_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/events.html",
        {
            "page": page,
            "form": form,
            "types": policy()["event_types"],
            "may_edit": can(request.user, "customer.edit"),
        },
    )


@login_required
def event_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An event: invite the segment, record RSVP and attendance, see the results."""
    event = get_object_or_404(_events_for(request.user), pk=pk)
    visible = customer_list_for(user=request.user)
    invitations = event.invitations.filter(customer__in=visible).select_related("customer")
    if request.method == "POST":
        try:
            if "invite" in request.POST:
                r = event_invite(actor=request.user, event=event)
                messages.success(
                    request,
                    _("已邀请 %(n)s 位客户；%(m)s 位因未同意营销未邀请。")
                    % {"n": r["invited"], "m": r["no_consent"]},
                )
            elif "followup" in request.POST:
                event_follow_up(
                    actor=request.user, event=event, text=request.POST.get("follow_up", "")
                )
            else:
                inv = get_object_or_404(invitations, pk=request.POST.get("invitation"))
                if request.POST.get("rsvp") in Rsvp.values:
                    invitation_rsvp(actor=request.user, invitation=inv, rsvp=request.POST["rsvp"])
                if "attended" in request.POST:
                    invitation_attend(
                        actor=request.user, invitation=inv, attended=request.POST["attended"] == "1"
                    )
            return redirect("campaigns:event", pk=event.pk)
        except (ValidationError, PermissionDenied) as exc:
            _error(request, exc)
    return render(
        request,
        "campaigns/event.html",
        {
            "event": event,
            "invitations": invitations,
            "results": event_results(event),
            "type_name": policy()["event_types"].get(event.event_type, event.event_type),
            "rsvps": Rsvp.choices,
        },
    )


@login_required
def broadcast_list(request: HttpRequest) -> HttpResponse:
    """Compose market/product information and send it to a segment."""
    form = BroadcastForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        msg = form.save(commit=False)
        msg.author = request.user
        try:
            if not can(request.user, "contact.log"):
                raise PermissionDenied(_("您的岗位无权发送信息。"))
            msg.save()
            r = broadcast_send(actor=request.user, broadcast=msg)
            messages.success(
                request,
                _("已发送 %(n)s 位客户，%(m)s 位未同意营销。")
                % {"n": r["sent"], "m": r["skipped"]},
            )
            return redirect("campaigns:broadcasts")
        except (ValidationError, PermissionDenied) as exc:
            _error(request, exc)
    page = Paginator(Broadcast.objects.filter(author_id=request.user.pk), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "campaigns/broadcasts.html", {"page": page, "form": form})


def _surveys_for(user: Any) -> QuerySet[SurveyReport]:
    if can(user, "report.branch") and user.branch_id:
        return SurveyReport.objects.filter(
            Q(author=user) | Q(branch_id=user.branch_id, status__in=["submitted", "reviewed"])
        )
    return SurveyReport.objects.filter(author=user)


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    """The user's survey reports (heads: also those submitted to them); write a new one."""
    user: Any = request.user
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and user.branch_id:
        report = form.save(commit=False)
        report.author, report.branch_id = user, user.branch_id
        report.save()
        return redirect("campaigns:survey", pk=report.pk)
    page = Paginator(_surveys_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "campaigns/surveys.html", {"page": page, "form": form})


@login_required
def survey_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One survey report: submit (author) or review (branch head)."""
    report = get_object_or_404(_surveys_for(request.user), pk=pk)
    if request.method == "POST":
        try:
            if "submit" in request.POST:
                survey_submit(actor=request.user, report=report)
            elif "review" in request.POST:
                survey_review(actor=request.user, report=report, note=request.POST.get("note", ""))
            return redirect("campaigns:survey", pk=report.pk)
        except (ValidationError, PermissionDenied) as exc:
            _error(request, exc)
    return render(
        request,
        "campaigns/survey.html",
        {"report": report, "may_review": can(request.user, "report.branch")},
    )
