"""The results of a customer event (campaigns) with the opportunities it produced (value).

Events and opportunities are features of the same layer, which may not import each other:
an opportunity records the event it came from (``Opportunity.event``), and the workbench,
above both, opens such opportunities for invitees and shows the combined results:
invited, accepted and attended; the opportunities (won, in the pipeline, lost, with their
amounts); and the attendees' AUM change, both since their invitation and as net asset flows
booked from the event day on.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pcrm.campaigns.models import CustomerEvent, Invitation
from pcrm.campaigns.services import event_results
from pcrm.customers.choices import ASSET_PRODUCT_TYPES
from pcrm.customers.models import Product, Transaction
from pcrm.customers.selectors import customer_list_for
from pcrm.org.selectors import branch_subtree_ids
from pcrm.value.models import OPEN_STAGES, Opportunity, Source, Stage
from pcrm.value.selectors import opportunity_list_for
from pcrm.value.services import opportunity_create


def event_list_for(*, user: Any) -> QuerySet[CustomerEvent]:
    """Events of the user's branch and the branches below it (as on the events page)."""
    if not getattr(user, "branch_id", None):
        return CustomerEvent.objects.none()
    return CustomerEvent.objects.filter(branch_id__in=branch_subtree_ids(branch_id=user.branch_id))


def _money(value: Decimal | None) -> Decimal:
    return value if value is not None else Decimal("0")


def event_opportunity_summary(event: CustomerEvent) -> dict[str, Any]:
    """Count and amount of the event's opportunities: won, open (pipeline), lost, all."""
    won, lost = Q(stage=Stage.WON), Q(stage=Stage.LOST)
    pipeline = Q(stage__in=OPEN_STAGES)
    agg = Opportunity.objects.filter(event=event).aggregate(
        total=Count("id"),
        won=Count("id", filter=won),
        won_amount=Sum("amount", filter=won),
        pipeline=Count("id", filter=pipeline),
        pipeline_amount=Sum("amount", filter=pipeline),
        lost=Count("id", filter=lost),
    )
    agg["won_amount"] = _money(agg["won_amount"])
    agg["pipeline_amount"] = _money(agg["pipeline_amount"])
    return agg


def event_net_inflow(event: CustomerEvent) -> Decimal:
    """Net asset flows of the attendees booked from the event day (inclusive) to now."""
    start = dt.datetime.combine(event.held_on, dt.time.min, tzinfo=timezone.get_current_timezone())
    attendees = Invitation.objects.filter(event=event, attended=True).values("customer_id")
    total = Transaction.objects.filter(
        customer_id__in=attendees,
        booked_at__gte=start,
        holding__product__product_type__in=ASSET_PRODUCT_TYPES,
    ).aggregate(total=Sum("amount"))["total"]
    return _money(total)


def event_results_combined(event: CustomerEvent) -> dict[str, Any]:
    """The campaigns results (invited, accepted, attended, AUM change since the invitation)
    with the opportunities from the event and the attendees' net inflow after it."""
    results = dict(event_results(event))
    results["opportunities"] = event_opportunity_summary(event)
    results["net_inflow_after"] = event_net_inflow(event)
    return results


@transaction.atomic
def event_opportunity_open(
    *,
    actor: Any,
    event: CustomerEvent,
    invitation: Invitation,
    product: Product | None = None,
    amount: Decimal = Decimal("0"),
    note: str = "",
) -> Opportunity:
    """Open an opportunity (source: event) for an invitee of the event, linked to it.
    The customer must be visible to the actor (404 otherwise, via value's service)."""
    if invitation.event_id != event.pk:
        raise Http404
    return opportunity_create(
        actor=actor,
        customer=invitation.customer,
        source=Source.EVENT,
        product=product,
        amount=amount,
        note=note or _("客户活动「%(title)s」跟进") % {"title": event.title},
        event_id=event.pk,
    )


class EventOpportunityForm(forms.Form):
    """An opportunity for one invitee, from the results page."""

    invitation = forms.IntegerField(widget=forms.HiddenInput)
    product = forms.ModelChoiceField(
        label=gettext_lazy("产品"), queryset=Product.objects.order_by("code"), required=False
    )
    amount = forms.DecimalField(
        label=gettext_lazy("金额（元）"), min_value=0, decimal_places=2, initial=0
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=500, required=False)


@login_required
def event_results_page(request: HttpRequest, pk: int) -> HttpResponse:
    """An event's results with its opportunities; POST opens an opportunity for an invitee."""
    event = get_object_or_404(event_list_for(user=request.user), pk=pk)
    visible = customer_list_for(user=request.user)
    invitations = (
        event.invitations.filter(customer__in=visible)
        .select_related("customer")
        .order_by("-attended", "customer__customer_no")
    )
    form = EventOpportunityForm(request.POST or None)
    if request.method == "POST" and not form.is_valid():
        messages.error(request, " ".join(str(e) for errs in form.errors.values() for e in errs))
    elif request.method == "POST":
        data = form.cleaned_data
        invitation = get_object_or_404(invitations, pk=data["invitation"])
        try:
            opp = event_opportunity_open(
                actor=request.user,
                event=event,
                invitation=invitation,
                product=data["product"],
                amount=data["amount"],
                note=data["note"].strip(),
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("已从客户活动建立商机。"))
            return redirect("value:opportunity", pk=opp.pk)
    return render(
        request,
        "workbench/event_results.html",
        {
            "event": event,
            "results": event_results_combined(event),
            "invitations": invitations,
            "opportunities": opportunity_list_for(user=request.user).filter(event=event),
            "products": Product.objects.order_by("code"),
        },
    )
