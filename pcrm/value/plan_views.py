"""Pages of value-enhancement plans: the branch plan board, a plan, a new plan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pcrm.customers.selectors import customer_list_for
from pcrm.org.roles import can
from pcrm.value.forms import ActionForm, PlanForm, ReviewForm
from pcrm.value.models import PlanStatus, ValuePlan
from pcrm.value.plans import (
    plan_action_add,
    plan_action_done,
    plan_create,
    plan_effect,
    plan_off_track,
    plan_progress,
    plan_review,
)

PAGE_SIZE = 25


def plan_list_for(*, user: Any) -> QuerySet[ValuePlan]:
    """Plans with at least one customer the user may see."""
    visible = customer_list_for(user=user)
    return ValuePlan.objects.filter(customers__in=visible).distinct().select_related("owner")


def _plan_get(user: Any, pk: int) -> ValuePlan:
    plan = get_object_or_404(plan_list_for(user=user), pk=pk)
    ids = set(plan.customers.values_list("pk", flat=True))
    if len(ids) != customer_list_for(user=user).filter(pk__in=ids).count():
        raise Http404  # every customer of the plan must be visible
    return plan


@login_required
def plan_board(request: HttpRequest) -> HttpResponse:
    """Active plans with progress and effect; ?off=1 shows the plans off track only."""
    plans = plan_list_for(user=request.user).filter(status=PlanStatus.ACTIVE)
    rows = [
        {
            "plan": p,
            "progress": plan_progress(p),
            "effect": plan_effect(p),
            "off": plan_off_track(p),
        }
        for p in plans
    ]
    only_off = request.GET.get("off") == "1"
    if only_off:
        rows = [r for r in rows if r["off"]]
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "value/plan_board.html",
        {"page": page, "only_off": only_off, "off_count": sum(1 for r in rows if r["off"])},
    )


@login_required
def plan_new(request: HttpRequest) -> HttpResponse:
    """Start a plan for the given customer numbers (prefilled from ?customer=)."""
    form = PlanForm(request.POST or None, initial={"customer_nos": request.GET.get("customer", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        nos = data["customer_nos"].split()
        customers = list(customer_list_for(user=request.user).filter(customer_no__in=nos))
        if len(customers) != len(set(nos)):
            form.add_error("customer_nos", _("客户号不存在或无权查看。"))
        else:
            try:
                plan = plan_create(
                    actor=request.user,
                    title=data["title"],
                    customers=customers,
                    due_on=data["due_on"],
                    goal_aum=data["goal_aum"],
                    goal_tier=data["goal_tier"],
                    goal_products=list(data["goal_products"]),
                )
                return redirect("value:plan", pk=plan.pk)
            except (ValidationError, PermissionDenied) as exc:
                messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return render(request, "value/plan_new.html", {"form": form})


@login_required
def plan_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A plan: goals, computed progress and effect, actions, reviews."""
    plan = _plan_get(request.user, pk)
    action_form, review_form = ActionForm(prefix="a"), ReviewForm(prefix="r")
    if request.method == "POST":
        try:
            if "done" in request.POST:
                action = get_object_or_404(plan.actions, pk=request.POST.get("done"))
                plan_action_done(actor=request.user, action=action)
                return redirect("value:plan", pk=plan.pk)
            if "review" in request.POST:
                review_form = ReviewForm(request.POST, prefix="r")
                if review_form.is_valid():
                    d = review_form.cleaned_data
                    plan_review(
                        actor=request.user,
                        plan=plan,
                        comment=d["comment"],
                        due_on=d["due_on"],
                        goal_aum=d["goal_aum"],
                    )
                    return redirect("value:plan", pk=plan.pk)
            else:
                action_form = ActionForm(request.POST, prefix="a")
                if action_form.is_valid():
                    d = action_form.cleaned_data
                    plan_action_add(
                        actor=request.user,
                        plan=plan,
                        title=d["title"],
                        owner=request.user,
                        due_on=d["due_on"],
                    )
                    return redirect("value:plan", pk=plan.pk)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return render(
        request,
        "value/plan.html",
        {
            "plan": plan,
            "progress": plan_progress(plan),
            "effect": plan_effect(plan),
            "off": plan_off_track(plan),
            "action_form": action_form,
            "review_form": review_form,
            "may_review": can(request.user, "report.branch"),
        },
    )
