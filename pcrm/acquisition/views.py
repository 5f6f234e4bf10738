"""Acquisition pages: book sifting, walk-ins, red list and reports. Thin: parse, one
service or selector, render. Referral and drive pages are in their own modules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from pcrm.acquisition import selectors
from pcrm.acquisition.forms import RedListForm, SinceForm
from pcrm.acquisition.services.redlist import red_list_set
from pcrm.customers.choices import MarketingMethod
from pcrm.customers.selectors import customer_get_for
from pcrm.org.roles import can, rule_for, sees_full_identity

PAGE_SIZE = 50


def _has_customers(request: HttpRequest) -> None:
    rule = rule_for(request.user)
    if rule is None or rule.customer_scope == "none":
        raise PermissionDenied


@login_required
def sifting(request: HttpRequest) -> HttpResponse:
    """梳理筛选: the book split into established / not yet, with progress."""
    _has_customers(request)
    side = request.GET.get("side", "not")
    page = Paginator(
        selectors.book_sifting_list(user=request.user, established=side == "yes"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    summary = selectors.book_sifting_for(user=request.user)
    context = {
        "summary": summary,
        "side": side,
        "page": page,
        "items": selectors.establish_items_for(user=request.user)[:20],
        "full": sees_full_identity(request.user),
        "chart": {
            "labels": [w.strftime("%m-%d") for w, _n, _c in summary.weeks],
            "new": [n for _w, n, _c in summary.weeks],
            "total": [c for _w, _n, c in summary.weeks],
        },
    }
    return render(request, "acquisition/sifting.html", context)


@login_required
def walk_ins(request: HttpRequest) -> HttpResponse:
    """Recent queue-machine swipes of customers the user may see."""
    _has_customers(request)
    page = Paginator(selectors.swipe_list_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "acquisition/walk_ins.html",
        {"page": page, "full": sees_full_identity(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def red_list(request: HttpRequest) -> HttpResponse:
    """The red list: who is on it, its history, and the invitations' conversion."""
    _has_customers(request)
    form = RedListForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        customer = customer_get_for(user=request.user, customer_no=form.cleaned_data["customer_no"])
        try:
            red_list_set(
                actor=request.user,
                customer=customer,
                on_list=form.cleaned_data["on_list"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("红名单已更新。"))
            return redirect("acquisition:red_list")
    context = {
        "form": form,
        "may_edit": can(request.user, "redlist.edit"),
        "customers": Paginator(selectors.red_list_for(user=request.user), PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "history": selectors.red_list_history_for(user=request.user)[:20],
        "conversion": selectors.red_list_invite_conversion_for(user=request.user),
        "full": sees_full_identity(request.user),
    }
    return render(request, "acquisition/red_list.html", context)


@login_required
def methods(request: HttpRequest) -> HttpResponse:
    """Face-to-face marketing results per method."""
    _has_customers(request)
    form = SinceForm(request.GET or None)
    since = form.cleaned_data["since"] if form.is_valid() else None
    rows = selectors.method_results_for(user=request.user, since=since)
    for row in rows:
        row["label"] = MarketingMethod(row["method"]).label
        row["rate"] = round(100 * row["reached"] / row["total"]) if row["total"] else 0
    return render(request, "acquisition/methods.html", {"form": form, "rows": rows})
