"""Opportunities suggested from signals (DOMAIN §4): maturing holdings, large inflows, idle
demand deposits, and high-potential customers with low assets. Idempotent per signal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from pcrm.customers.models import Customer, Holding, Transaction
from pcrm.value.models import Opportunity, Source
from pcrm.value.policy import money, number
from pcrm.value.services import opportunity_create
from pcrm.value.suitability import suitability_problem


def _signals(customer: Customer, today: dt.date) -> list[dict[str, Any]]:
    """Each signal: source, signal_key, amount, product (or None), note."""
    found: list[dict[str, Any]] = []
    holdings = list(customer.holdings.filter(status="active").select_related("product"))
    window = today + dt.timedelta(days=number("opportunity", "maturity_window_days"))
    for h in holdings:
        if h.matures_on and today <= h.matures_on <= window:
            suitable = suitability_problem(customer=customer, product=h.product, today=today)
            found.append(
                {
                    "source": Source.MATURITY,
                    "signal_key": f"maturity:{h.pk}:{h.matures_on.isoformat()}",
                    "amount": h.market_value,
                    "product": None if suitable else h.product,
                    "note": f"{h.product.name} {h.matures_on:%Y-%m-%d} 到期，建议续作或再配置",
                }
            )
    since = timezone.now() - dt.timedelta(days=number("opportunity", "large_inflow_days"))
    inflow = customer.transactions.filter(booked_at__gte=since, amount__gt=0).aggregate(
        total=Sum("amount")
    )["total"] or Decimal("0")
    if inflow >= money("opportunity", "large_inflow_amount"):
        found.append(
            {
                "source": Source.LARGE_INFLOW,
                "signal_key": f"inflow:{today:%Y-%m}",
                "amount": inflow,
                "product": None,
                "note": f"近期大额资金流入 {inflow} 元",
            }
        )
    idle = sum(
        (h.market_value for h in holdings if h.product.product_type == "demand_deposit"),
        Decimal("0"),
    )
    if idle >= money("opportunity", "idle_demand_amount"):
        found.append(
            {
                "source": Source.IDLE_DEPOSIT,
                "signal_key": f"idle:{today:%Y-%m}",
                "amount": idle,
                "product": None,
                "note": f"活期存款 {idle} 元闲置，建议资产配置",
            }
        )
    if (customer.potential or 0) >= number(
        "opportunity", "lift_potential_min"
    ) and customer.aum < money("opportunity", "lift_aum_below"):
        found.append(
            {
                "source": Source.LIFT,
                "signal_key": f"lift:{today.year}-Q{(today.month - 1) // 3 + 1}",
                "amount": Decimal("0"),
                "product": None,
                "note": "增长潜力高、资产规模低，建议提升",
            }
        )
    return found


def opportunity_suggest_for(
    *, customer: Customer, today: dt.date | None = None
) -> list[Opportunity]:
    """Create the suggested opportunities of one customer (system actor); returns the new
    ones. A signal already suggested (open or closed) is not raised again."""
    today = today or timezone.localdate()
    existing = set(
        Opportunity.objects.filter(customer=customer)
        .exclude(signal_key="")
        .values_list("signal_key", flat=True)
    )
    created = []
    for signal in _signals(customer, today):
        if signal["signal_key"] in existing:
            continue
        created.append(opportunity_create(actor=None, customer=customer, **signal))
    return created


def _candidate_ids(today: dt.date) -> set[int]:
    """Customers with at least one possible signal (a few set queries), so the bulk run
    does not open every customer of the bank."""
    window = today + dt.timedelta(days=number("opportunity", "maturity_window_days"))
    active = Holding.objects.filter(status="active")
    ids = set(
        active.filter(matures_on__range=(today, window)).values_list("customer_id", flat=True)
    )
    ids |= set(
        active.filter(product__product_type="demand_deposit")
        .values("customer_id")
        .annotate(total=Sum("market_value"))
        .filter(total__gte=money("opportunity", "idle_demand_amount"))
        .values_list("customer_id", flat=True)
    )
    since = timezone.now() - dt.timedelta(days=number("opportunity", "large_inflow_days"))
    ids |= set(
        Transaction.objects.filter(booked_at__gte=since, amount__gt=0)
        .values("customer_id")
        .annotate(total=Sum("amount"))
        .filter(total__gte=money("opportunity", "large_inflow_amount"))
        .values_list("customer_id", flat=True)
    )
    ids |= set(
        Customer.objects.filter(
            potential__gte=number("opportunity", "lift_potential_min"),
            aum__lt=money("opportunity", "lift_aum_below"),
        ).values_list("id", flat=True)
    )
    return ids


def opportunity_suggest_all(*, today: dt.date | None = None) -> dict[str, int]:
    """Suggest for every managed customer with a possible signal; returns counts."""
    today = today or timezone.localdate()
    ids = sorted(_candidate_ids(today))
    scanned = made = 0
    for start in range(0, len(ids), 500):
        chunk = Customer.objects.filter(pk__in=ids[start : start + 500], manager__isnull=False)
        for customer in chunk.select_related("branch", "manager"):
            scanned += 1
            made += len(opportunity_suggest_for(customer=customer, today=today))
    return {"customers": scanned, "opportunities": made}
