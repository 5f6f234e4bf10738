"""Pages of the work list: a member of staff works their items; a branch head watches
the branch's lists and allocates unassigned customers. Thin: parse → service/selector → render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from pcrm.customers.choices import Outcome
from pcrm.org.roles import can
from pcrm.worklist import selectors
from pcrm.worklist.forms import AllocateForm, CompleteForm, DeferForm, PeriodForm, SkipForm
from pcrm.worklist.models import WorkItem
from pcrm.worklist.services import (
    customers_allocate,
    work_item_complete,
    work_item_defer,
    work_item_skip,
)


def _require(request: HttpRequest, capability: str) -> None:
    if not can(request.user, capability):
        raise PermissionDenied


def _tab(request: HttpRequest) -> str:
    tab = request.GET.get("tab", selectors.TAB_TODAY)
    return tab if tab in selectors.TABS else selectors.TAB_TODAY


def _item_context(**extra: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "today": today,
        "tomorrow": today + dt.timedelta(days=1),
        "outcomes": Outcome.choices,
        **extra,
    }


def _render_list(
    request: HttpRequest, *, title: str, base: QuerySet[WorkItem], **extra: Any
) -> HttpResponse:
    today, tab = timezone.localdate(), _tab(request)
    page = selectors.work_item_page(
        user=request.user, base=base, tab=tab, page=request.GET.get("page"), today=today
    )
    context = _item_context(
        title=title,
        tab=tab,
        items=page,
        counts=selectors.work_item_tab_counts(base, today=today),
        **extra,
    )
    return render(request, "worklist/list.html", context)


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """My work list: due today and overdue (or upcoming), most urgent first."""
    _require(request, "worklist.work")
    base = selectors.work_item_staff_list_for(user=request.user, staff=request.user)
    return _render_list(request, title=_("我的工作清单"), base=base)


# --- working one item (htmx: the response replaces the item by its new state) ----------

_ACTIONS: dict[str, tuple[type[Form], Callable[..., WorkItem], str | Promise]] = {
    "complete": (CompleteForm, work_item_complete, gettext_lazy("已完成。")),
    "defer": (DeferForm, work_item_defer, gettext_lazy("已延期。")),
    "skip": (SkipForm, work_item_skip, gettext_lazy("已跳过。")),
}


@login_required
@require_POST
def item_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Complete, defer or skip one item; someone else's item is a 404."""
    form_class, service, done_message = _ACTIONS[action]
    item = selectors.work_item_get_for(user=request.user, pk=pk)
    form = form_class(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            item = service(actor=request.user, item=item, **form.cleaned_data)
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            selectors.item_label(user=request.user, items=[item])
    else:
        errors = [str(e) for field_errors in form.errors.values() for e in field_errors]
    if request.htmx:  # type: ignore[attr-defined]
        context = _item_context(item=item, changed=not errors, errors=errors, open_action=action)
        return render(request, "worklist/item.html", context)
    for message in errors:
        messages.error(request, message)
    if not errors:
        messages.success(request, str(done_message))
    back = request.META.get("HTTP_REFERER", "")
    safe = url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    return redirect(back if back and safe else "worklist:mine")


# --- the branch head -------------------------------------------------------------------


def _unassigned_context(request: HttpRequest, form: AllocateForm | None = None) -> dict[str, Any]:
    user = request.user
    return {
        "customers": selectors.customer_unassigned_page_for(
            user=user, page=request.GET.get("cpage")
        ),
        "candidates": selectors.allocation_candidates_for(user=user),
        "allocate_form": form,
    }


@login_required
@require_GET
def branch(request: HttpRequest) -> HttpResponse:
    """Every member's list in numbers over a period, and the customers to allocate."""
    _require(request, "worklist.allocate")
    period_form = PeriodForm(request.GET or None)
    start, end = period_form.period()
    stats = selectors.worklist_stats_for_branch(user=request.user, start=start, end=end)
    context = {
        "period_form": period_form,
        "start": start,
        "end": end,
        "stats": stats,
        **_unassigned_context(request),
    }
    return render(request, "worklist/branch.html", context)


@login_required
@require_POST
def allocate(request: HttpRequest) -> HttpResponse:
    """Give the selected unassigned customers to a manager; their open items follow."""
    _require(request, "worklist.allocate")
    form = AllocateForm(request.POST, user=request.user)
    shown: AllocateForm | None = form  # a fresh form once the allocation went through
    if form.is_valid():
        try:
            count = customers_allocate(
                actor=request.user,
                customers=form.cleaned_data["customers"],
                manager=form.cleaned_data["manager"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            manager_name = form.cleaned_data["manager"].name
            messages.success(
                request, _("已将 %(n)d 位客户分配给%(name)s。") % {"n": count, "name": manager_name}
            )
            shown = None
    if request.htmx:  # type: ignore[attr-defined]
        context = {**_unassigned_context(request, shown), "fragment": True}
        return render(request, "worklist/unassigned.html", context)
    if shown is not None:
        for error in shown.errors.values():
            messages.error(request, " ".join(str(e) for e in error))
    return redirect("worklist:branch")


@login_required
@require_GET
def member(request: HttpRequest, staff_code: str) -> HttpResponse:
    """One member's list, as their branch head sees it (and may work it)."""
    _require(request, "worklist.allocate")
    staff = selectors.worklist_member_for(user=request.user, staff_code=staff_code)
    base = selectors.work_item_staff_list_for(user=request.user, staff=staff)
    title = _("%(name)s的工作清单") % {"name": staff.name}
    return _render_list(request, title=title, base=base, member=staff)


@login_required
@require_GET
def unassigned(request: HttpRequest) -> HttpResponse:
    """The branch head's queue: open items of customers no manager keeps."""
    _require(request, "worklist.allocate")
    base = selectors.work_item_unassigned_for(user=request.user)
    return _render_list(request, title=_("未分配客户的工作项"), base=base, queue=True)
