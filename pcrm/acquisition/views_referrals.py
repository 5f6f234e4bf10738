"""Referral pages: make a referral, the boxes per role, accept/decline/outcome, credit."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from pcrm.acquisition import selectors
from pcrm.acquisition.forms import DeclineForm, OutcomeForm, ReferralForm, SinceForm
from pcrm.acquisition.services.referrals import (
    referral_accept,
    referral_credit,
    referral_decline,
    referral_make,
    referral_outcome_record,
    referral_targets_for,
)
from pcrm.customers.selectors import customer_get_for
from pcrm.org.roles import can, sees_full_identity

PAGE_SIZE = 50


def _boxes(user: object) -> list[str]:
    boxes = []
    if can(user, "referral.receive"):
        boxes.append("received")
    if can(user, "referral.make"):
        boxes.append("made")
    if can(user, "report.branch"):
        boxes.append("branch")
    return boxes


@login_required
@require_http_methods(["GET", "POST"])
def referrals(request: HttpRequest) -> HttpResponse:
    """The referral page of each role, with the referral form for lobby staff and tellers."""
    boxes = _boxes(request.user)
    if not boxes:
        raise PermissionDenied
    box = request.GET.get("box", boxes[0])
    box = box if box in boxes else boxes[0]
    may_make = can(request.user, "referral.make")
    targets = list(referral_targets_for(user=request.user)) if may_make else []
    form = ReferralForm(request.POST or None, targets=targets)
    made = (
        request.method == "POST" and may_make and form.is_valid() and _make(request, form, targets)
    )
    if made:
        return redirect(f"{request.path}?box=made")
    page = Paginator(selectors.referral_list_for(user=request.user, box=box), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for referral in page:
        referral.credit = referral_credit(referral)  # type: ignore[attr-defined]
    context = {
        "boxes": boxes,
        "box": box,
        "page": page,
        "form": form if may_make else None,
        "full": sees_full_identity(request.user),
    }
    return render(request, "acquisition/referrals.html", context)


def _make(request: HttpRequest, form: ReferralForm, targets: list[object]) -> bool:
    data = form.cleaned_data
    customer = (
        customer_get_for(user=request.user, customer_no=data["customer_no"])
        if data["customer_no"]
        else None
    )
    chosen = {str(t.pk): t for t in targets}.get(data["target"] or "")  # type: ignore[attr-defined]
    try:
        referral_make(
            actor=request.user,
            noticed=data["noticed"],
            customer=customer,
            prospect_name=data["prospect_name"],
            prospect_phone=data["prospect_phone"],
            target=chosen,  # type: ignore[arg-type]
            note=data["note"],
            flag_potential=data["flag_potential"],
            flag_red_list=data["flag_red_list"],
        )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "; ".join(getattr(exc, "messages", [str(exc)])))
        return False
    messages.success(request, _("已推荐，接收人会收到提醒。"))
    return True


@login_required
@require_POST
def referral_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Accept, decline (with a reason) or record an outcome."""
    referral = selectors.referral_get_for(user=request.user, pk=pk)
    try:
        if action == "accept":
            referral_accept(actor=request.user, referral=referral)
        elif action == "decline":
            form = DeclineForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("请填写拒绝原因。"))
            referral_decline(
                actor=request.user, referral=referral, reason=form.cleaned_data["reason"]
            )
        elif action == "outcome":
            outcome = OutcomeForm(request.POST)
            if not outcome.is_valid():
                raise ValidationError(_("请选择跟进结果。"))
            referral_outcome_record(actor=request.user, referral=referral, **outcome.cleaned_data)
        else:
            raise ValidationError(_("未知操作。"))
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
    else:
        messages.success(request, _("已保存。"))
    return redirect("/acquisition/referrals/?box=received")


@login_required
def referral_credit_report(request: HttpRequest) -> HttpResponse:
    """The branch head's report: referrals and credit per referrer."""
    if not can(request.user, "report.branch"):
        raise PermissionDenied
    form = SinceForm(request.GET or None)
    since = form.cleaned_data["since"] if form.is_valid() else None
    rows = selectors.referral_credit_report(user=request.user, since=since)
    return render(request, "acquisition/referral_credit.html", {"form": form, "rows": rows})
