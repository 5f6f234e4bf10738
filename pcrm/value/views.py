"""Staff pages: the opportunity pipeline, an opportunity, and the wealth diagnosis."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pcrm.customers.models import Product
from pcrm.customers.selectors import customer_get_for
from pcrm.org.roles import can
from pcrm.value.diagnosis import diagnosis_run
from pcrm.value.forms import AdvanceForm, LoseForm, OpportunityForm
from pcrm.value.models import OPEN_STAGES, Source
from pcrm.value.recommend import recommendations_for
from pcrm.value.selectors import (
    diagnosis_get_for,
    diagnosis_list_for_customer,
    opportunity_get_for,
    opportunity_list_for,
    pipeline,
)
from pcrm.value.services import opportunity_advance, opportunity_close, opportunity_create

PAGE_SIZE = 25


@login_required
def pipeline_page(request: HttpRequest) -> HttpResponse:
    """Pipeline of the user's own opportunities, or of the branch (heads: ?scope=branch)."""
    branch_scope = request.GET.get("scope") == "branch" and can(request.user, "report.branch")
    qs = opportunity_list_for(user=request.user)
    if not branch_scope:
        qs = qs.filter(owner_id=request.user.pk)
    by_owner = []
    if branch_scope:
        by_owner = list(
            qs.filter(stage__in=OPEN_STAGES)
            .order_by()
            .values("owner__name")
            .annotate(n=Count("id"), amount=Sum("amount"))
            .order_by("-amount")
        )
    page = Paginator(qs.filter(stage__in=OPEN_STAGES), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "value/pipeline.html",
        {
            "stages": pipeline(qs),
            "page": page,
            "branch_scope": branch_scope,
            "may_branch": can(request.user, "report.branch"),
            "by_owner": by_owner,
        },
    )


@login_required
def opportunity_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One opportunity with the forms to advance or close it."""
    opp = opportunity_get_for(user=request.user, pk=pk)
    advance, lose = AdvanceForm(prefix="a"), LoseForm(prefix="l")
    if request.method == "POST":
        try:
            if "lose" in request.POST:
                lose = LoseForm(request.POST, prefix="l")
                if lose.is_valid():
                    opportunity_close(
                        actor=request.user,
                        opportunity=opp,
                        won=False,
                        reason=lose.cleaned_data["reason"],
                    )
                    return redirect("value:opportunity", pk=opp.pk)
            else:
                advance = AdvanceForm(request.POST, prefix="a")
                if advance.is_valid():
                    data = advance.cleaned_data
                    opportunity_advance(
                        actor=request.user,
                        opportunity=opp,
                        stage=data["stage"],
                        product=data["product"],
                        amount=data["amount"],
                    )
                    messages.success(request, _("商机已推进。"))
                    return redirect("value:opportunity", pk=opp.pk)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return render(
        request,
        "value/opportunity.html",
        {"opp": opp, "advance": advance, "lose": lose, "open": opp.stage in OPEN_STAGES},
    )


@login_required
def customer_diagnoses(request: HttpRequest, customer_no: str) -> HttpResponse:
    """The customer's saved diagnoses; POST runs a new one."""
    customer = customer_get_for(user=request.user, customer_no=customer_no)
    if request.method == "POST":
        if not can(request.user, "customer.edit"):
            raise PermissionDenied
        saved = diagnosis_run(actor=request.user, customer=customer)
        return redirect("value:diagnosis", pk=saved.pk)
    return render(
        request,
        "value/diagnoses.html",
        {"customer": customer, "diagnoses": diagnosis_list_for_customer(customer=customer)[:50]},
    )


def _chart(snapshot: dict[str, Any]) -> dict[str, Any]:
    risk = snapshot["allocation"]["by_risk"]
    return {
        "levels": [r["level"] for r in risk],
        "actual": [float(Decimal(r["share"]) * 100) for r in risk],
        "model": [float(Decimal(r["model"]) * 100) for r in risk],
        "ladder_labels": [b["label"] for b in snapshot["ladder"]],
        "ladder": [float(b["amount"]) for b in snapshot["ladder"]],
    }


@login_required
def diagnosis_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A saved diagnosis, compared with the one before it; printable."""
    saved = diagnosis_get_for(user=request.user, pk=pk)
    previous = (
        diagnosis_list_for_customer(customer=saved.customer)
        .filter(created_at__lt=saved.created_at)
        .first()
    )
    snap = saved.snapshot
    compare = None
    if previous is not None:
        old = previous.snapshot
        compare = {
            "date": previous.made_on,
            "total": Decimal(old["total"]),
            "total_delta": Decimal(snap["total"]) - Decimal(old["total"]),
            "pnl": Decimal(old["pnl"]),
            "pnl_delta": Decimal(snap["pnl"]) - Decimal(old["pnl"]),
        }
    return render(
        request,
        "value/diagnosis.html",
        {"d": saved, "snap": snap, "chart": _chart(snap), "compare": compare},
    )


@login_required
@require_POST
def diagnosis_to_opportunity(request: HttpRequest, pk: int, index: int) -> HttpResponse:
    """One click: an opportunity from a diagnosis suggestion (suitability-gated again)."""
    saved = diagnosis_get_for(user=request.user, pk=pk)
    suggestions = saved.snapshot.get("suggestions", [])
    if not 0 <= index < len(suggestions):
        raise Http404
    s = suggestions[index]
    key = f"diagnosis:{saved.pk}:{index}"
    existing = saved.customer.opportunities.filter(signal_key=key).first()
    if existing is not None:  # a second click opens the opportunity made by the first
        return redirect("value:opportunity", pk=existing.pk)
    product = Product.objects.filter(pk=s["product_id"]).first() if s["product_id"] else None
    try:
        opp = opportunity_create(
            actor=request.user,
            customer=saved.customer,
            source=Source.DIAGNOSIS,
            product=product,
            amount=Decimal(s["amount"]),
            note=s["text"],
            signal_key=key,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("value:diagnosis", pk=saved.pk)
    messages.success(request, _("已根据诊断建议创建商机。"))
    return redirect("value:opportunity", pk=opp.pk)


@login_required
def customer_recommendations(request: HttpRequest, customer_no: str) -> HttpResponse:
    """Next products for the customer, each with its reason and channel."""
    customer = customer_get_for(user=request.user, customer_no=customer_no)
    return render(
        request,
        "value/recommendations.html",
        {"customer": customer, "recs": recommendations_for(customer=customer)},
    )


@login_required
@require_POST
def recommendation_to_opportunity(request: HttpRequest, customer_no: str, key: str) -> HttpResponse:
    """One click: an opportunity from a recommendation that still fires."""
    customer = customer_get_for(user=request.user, customer_no=customer_no)
    rec = next((r for r in recommendations_for(customer=customer) if r.key == key), None)
    if rec is None:
        raise Http404
    signal = f"rec:{rec.key}:{rec.product.code}"
    opp = customer.opportunities.filter(signal_key=signal).first() or opportunity_create(
        actor=request.user,
        customer=customer,
        source=Source.RECOMMENDATION,
        product=rec.product,
        note=rec.reason,
        signal_key=signal,
    )
    messages.success(request, _("已根据推荐创建商机。"))
    return redirect("value:opportunity", pk=opp.pk)


@login_required
def opportunity_new(request: HttpRequest, customer_no: str) -> HttpResponse:
    """Record an opportunity identified by hand for a visible customer."""
    customer = customer_get_for(user=request.user, customer_no=customer_no)
    form = OpportunityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opp = opportunity_create(
                actor=request.user,
                customer=customer,
                source=data["source"],
                product=data["product"],
                amount=data["amount"],
                note=data["note"],
            )
            return redirect("value:opportunity", pk=opp.pk)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    return render(request, "value/opportunity_new.html", {"customer": customer, "form": form})
