"""Churn-management pages: at-risk list, customer risk and case, lost, results, model card."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pcrm.org.roles import can
from pcrm.retention.models import CaseStatus, ChurnModel
from pcrm.retention.scoring import signal_labels
from pcrm.retention.selectors import (
    at_risk_list_for,
    at_risk_managers_for,
    case_current_for,
    case_get_for,
    lost_list_for,
    results_for,
    risk_get_for,
)
from pcrm.retention.services import win_back_action_record, win_back_outcome_record

PAGE_SIZE = 25


@login_required
def at_risk(request: HttpRequest) -> HttpResponse:
    """The at-risk list with score and reasons; a head may narrow it to one manager."""
    manager = request.GET.get("manager", "")
    qs = at_risk_list_for(user=request.user, manager_id=int(manager) if manager.isdigit() else None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    managers = at_risk_managers_for(user=request.user)
    return render(
        request,
        "retention/at_risk.html",
        {"page": page, "managers": managers if len(managers) > 1 else [], "manager": manager},
    )


@login_required
def customer_risk(request: HttpRequest, customer_no: str) -> HttpResponse:
    """One customer's score, signals with facts, and the win-back case with its actions."""
    customer, risk = risk_get_for(user=request.user, customer_no=customer_no)
    case = case_current_for(user=request.user, customer=customer)
    labels = signal_labels()
    return render(
        request,
        "retention/customer.html",
        {
            "customer": customer,
            "risk": risk,
            "signals": [labels[s] for s in (risk.signals if risk else [])],
            "case": case,
            "actions": case.actions.select_related("staff")[:20] if case else [],
            "closed": case is not None and case.status in (CaseStatus.RESTORED, CaseStatus.LOST),
            "may_work": can(request.user, "contact.log"),
        },
    )


@login_required
@require_POST
def case_work(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Record an action (step=action) or an outcome (step=restored/lost)."""
    case = case_get_for(user=request.user, pk=pk)
    note = request.POST.get("note", "")
    try:
        if step == "action":
            win_back_action_record(actor=request.user, case=case, note=note)
            messages.success(request, _("已记录挽回行动。"))
        elif step in (CaseStatus.RESTORED, CaseStatus.LOST):
            if not request.POST.get("confirm"):
                raise ValidationError(_("请先确认结案。"))
            win_back_outcome_record(actor=request.user, case=case, outcome=step, note=note)
            messages.success(request, _("已记录挽回结果。"))
        else:
            raise PermissionDenied
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("retention:customer", customer_no=case.customer.customer_no)


@login_required
def lost(request: HttpRequest) -> HttpResponse:
    """Lost customers, for win-back campaigns."""
    page = Paginator(lost_list_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "retention/lost.html", {"page": page})


@login_required
def results(request: HttpRequest) -> HttpResponse:
    """Win-back results per branch."""
    if not can(request.user, "report.branch"):
        raise PermissionDenied
    return render(request, "retention/results.html", {"rows": results_for(user=request.user)})


@login_required
def model_card(request: HttpRequest) -> HttpResponse:
    """The model card: training date, data window, held-out quality, features."""
    model = ChurnModel.objects.first()
    coef = model.coefficients if model else {}
    features = [(name, coef.get(name)) for name in (model.features if model else [])]
    return render(request, "retention/model.html", {"model": model, "features": features})
