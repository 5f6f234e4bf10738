"""The customer 360 page and its htmx actions (reveal, log a contact, contact terms, profile).

Every action looks the customer up through the scoped selector first (404 when not
visible); the service then checks the capability (403) and writes the audit event.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from pcrm.customers.forms import ContactTermsForm, InteractionForm, ProfileForm, RevealForm
from pcrm.customers.models import Customer
from pcrm.customers.selectors import customer_get_for
from pcrm.customers.services import (
    customer_contact_terms_set,
    customer_profile_update,
    customer_reveal,
    interaction_log,
)
from pcrm.org.roles import can, may_reveal, sees_full_identity
from pcrm.playbook.loyalty import customer_score
from pcrm.workbench.selectors import customer_360_for
from pcrm.workbench.views import display_name

log = logging.getLogger(__name__)


class HtmxHttpRequest(HttpRequest):
    """A request seen through django-htmx's middleware (``request.htmx``)."""

    htmx: HtmxDetails


TEMPLATE = "workbench/customer.html"

IDENTITY_FIELDS = (
    ("id_no", _("证件号码")),
    ("phone", _("手机号码")),
    ("email", _("电子邮箱")),
    ("address", _("联系地址")),
)
IDENTITY_LABELS = dict(IDENTITY_FIELDS)


def _identity(customer: Customer) -> list[dict[str, Any]]:
    return [
        {"field": name, "label": label, "masked": getattr(customer, f"{name}_masked")}
        for name, label in IDENTITY_FIELDS
    ]


def _capabilities(user: Any) -> dict[str, bool]:
    return {
        "full": sees_full_identity(user),
        "reveal_ok": may_reveal(user),
        "can_edit": can(user, "customer.edit"),
        "can_log": can(user, "contact.log"),
    }


@login_required
def customer_detail(request: HttpRequest, customer_no: str) -> HttpResponse:
    """Customer 360: profile, identity (masked), segments, holdings, timeline, consent."""
    caps = _capabilities(request.user)
    view = customer_360_for(user=request.user, customer_no=customer_no, financial=caps["full"])
    customer = view.customer
    context = {
        **caps,
        "view": view,
        "customer": customer,
        "name": display_name(customer, full=caps["full"]),
        "identity": _identity(customer),
        "terms_form": ContactTermsForm(
            initial={
                "contact_preference": customer.contact_preference,
                "marketing_consent": customer.marketing_consent,
            }
        ),
        "profile_form": ProfileForm.for_customer(customer),
        "contact_form": InteractionForm(),
        # Loyalty and contribution (issue 10): financial figures, for full-identity roles only.
        "score": customer_score(customer=customer, as_of=timezone.localdate())
        if caps["full"]
        else None,
    }
    return render(request, TEMPLATE, context)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reveal(request: HttpRequest, customer_no: str, field: str) -> HttpResponse:
    """GET: the reason form; POST: the clear value, once, in the response fragment."""
    customer = customer_get_for(user=request.user, customer_no=customer_no)
    if field not in IDENTITY_LABELS:
        raise Http404
    context: dict[str, Any] = {
        "customer": customer,
        "item": {"field": field, "label": IDENTITY_LABELS[field]},
        "reveal_ok": may_reveal(request.user),
    }
    form = RevealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            value = customer_reveal(
                actor=request.user,
                customer=customer,
                field=field,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            # The value itself is never logged; the audit event holds who, what and why.
            log.info("reveal customer=%s field=%s by=%s", customer_no, field, request.user)
            context["value"] = value or _("（空）")
            return render(request, f"{TEMPLATE}#reveal-value", context)
    elif not may_reveal(request.user):
        return HttpResponse(_("您的岗位无权查看明文。"), status=403)
    context["form"] = form
    return render(request, f"{TEMPLATE}#reveal-form", context)


@login_required
@require_POST
def log_contact(request: HtmxHttpRequest, customer_no: str) -> HttpResponse:
    """登记联系: log the contact and return the refreshed contact card (timeline + form)."""
    customer = customer_get_for(user=request.user, customer_no=customer_no)
    form, saved = InteractionForm(request.POST), False
    if form.is_valid():
        try:
            interaction_log(actor=request.user, customer=customer, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            form, saved = InteractionForm(), True
    if not request.htmx:
        return redirect("workbench:customer", customer_no=customer_no)
    caps = _capabilities(request.user)
    view = customer_360_for(user=request.user, customer_no=customer_no, financial=caps["full"])
    context = {**caps, "view": view, "customer": customer}
    context.update(contact_form=form, saved=saved)
    return render(request, f"{TEMPLATE}#contact", context)


@login_required
@require_POST
def contact_terms(request: HtmxHttpRequest, customer_no: str) -> HttpResponse:
    """Record the agreed contact preference and the marketing consent."""
    customer = customer_get_for(user=request.user, customer_no=customer_no)
    form = ContactTermsForm(request.POST)
    saved = False
    if form.is_valid():
        customer = customer_contact_terms_set(
            actor=request.user, customer=customer, **form.cleaned_data
        )
        saved = True
    if not request.htmx:
        return redirect("workbench:customer", customer_no=customer_no)
    customer = customer_get_for(user=request.user, customer_no=customer_no)
    context = {**_capabilities(request.user), "customer": customer, "terms_form": form}
    context["saved"] = saved
    return render(request, f"{TEMPLATE}#terms", context)


@login_required
@require_POST
def profile(request: HtmxHttpRequest, customer_no: str) -> HttpResponse:
    """Complete the customer's information file."""
    customer = customer_get_for(user=request.user, customer_no=customer_no)
    form = ProfileForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            customer = customer_profile_update(
                actor=request.user, customer=customer, **form.cleaned_data
            )
            saved = True
        except ValidationError as exc:
            form.add_error(None, exc)
    if not request.htmx:
        return redirect("workbench:customer", customer_no=customer_no)
    context = {**_capabilities(request.user), "customer": customer, "profile_form": form}
    context["saved"] = saved
    return render(request, f"{TEMPLATE}#profile", context)
