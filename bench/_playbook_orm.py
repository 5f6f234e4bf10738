"""The naive baseline: the playbook's rules as a per-customer ORM loop (what one would
write first). Same policy document, same outputs (segments and work items through
``work_item_put``); birthday and festival greetings are left out, which only makes the
baseline faster than a full implementation."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Max

from pcrm.customers.models import Customer, Holding, Interaction, Transaction
from pcrm.org.models import Staff
from pcrm.playbook.models import CustomerSegment
from pcrm.worklist.models import WorkItem
from pcrm.worklist.services import work_item_put

TIERS = ("gold", "platinum", "diamond")


def _segment(
    doc: dict[str, Any], customer: Customer, holdings: list[Holding], d: dt.date
) -> dict[str, Any]:
    aum = sum(
        (h.market_value for h in holdings if h.product.product_type in doc["aum_product_types"]),
        Decimal(0),
    )
    potential = (
        customer.potential
        if customer.potential is not None
        else doc["potential_estimation"]["base"]
    )
    high_assets = aum >= Decimal(doc["asset_high_aum"])
    high_potential = potential >= doc["potential_high"]
    quadrant = {(True, True): "core", (False, True): "lift", (True, False): "keep"}.get(
        (high_assets, high_potential), "basic"
    )
    tier = ""
    interval = doc["intervals"][quadrant]
    for row in doc["tiers"]:
        if aum >= Decimal(row["floor"]):
            tier, cap = row["tier"], row["interval_cap"]
    if tier:
        interval = min(interval, cap)
    return {
        "aum": aum,
        "potential": potential,
        "quadrant": quadrant,
        "tier": tier,
        "interval": interval,
    }


def _items(doc: dict[str, Any], customer: Customer, holdings: list[Holding], seg: dict[str, Any],
           last: dt.date | None, d: dt.date) -> list[tuple[str, str, str]]:  # fmt: skip
    items: list[tuple[str, str, str]] = []
    for h in holdings:
        if h.matures_on and d <= h.matures_on <= d + dt.timedelta(days=doc["maturity_window_days"]):
            items.append(("maturity_reminder", f"{h.pk}@{h.matures_on}", f"{h.product.name}到期"))
        if h.product.product_type in doc["loss_gain_product_types"] and h.principal > 0:
            ratio = (h.market_value - h.principal) * 100 / h.principal
            if ratio <= Decimal(doc["stop_loss_pct"]):
                items.append(("stop_loss", f"{h.pk}@{d}", "止损"))
            elif ratio >= Decimal(doc["gain_protect_pct"]):
                items.append(("gain_protect", f"{h.pk}@{d}", "止盈"))
    since = d - dt.timedelta(days=doc["large_change_lookback_days"])
    for t in Transaction.objects.filter(
        customer=customer, booked_at__date__gte=since, booked_at__date__lt=d
    ):
        if abs(t.amount) >= Decimal(doc["large_change_amount"]):
            items.append(("large_account_change", t.txn_id, "大额变动"))
    if customer.manager_id and not customer.service_established:
        items.append(("establish_relationship", d.isoformat(), "确立关系"))
    if not items and (last is None or last + dt.timedelta(days=seg["interval"]) <= d):
        subject = str(last + dt.timedelta(days=seg["interval"])) if last else "first"
        items.append(("maintenance", subject, "日常维护"))
    return items


def orm_loop(doc: dict[str, Any], d: dt.date, customer_ids: list[int]) -> int:
    """Run the rules customer by customer through the ORM; returns items created."""
    created = 0
    for customer in Customer.objects.filter(pk__in=customer_ids).select_related("branch"):
        holdings = list(
            Holding.objects.filter(customer=customer, status="active").select_related("product")
        )
        last_at = Interaction.objects.filter(customer=customer, outcome="reached").aggregate(
            m=Max("occurred_at")
        )["m"]
        last = last_at.date() if last_at else None
        seg = _segment(doc, customer, holdings, d)
        defaults = {
            "as_of": d, "aum": seg["aum"], "potential": seg["potential"],
            "quadrant": seg["quadrant"], "tier": seg["tier"], "interval_days": seg["interval"],
            "last_reached_on": last, "policy_version": 1,
        }  # fmt: skip
        CustomerSegment.objects.update_or_create(customer=customer, defaults=defaults)
        staff = (
            customer.manager
            or Staff.objects.filter(branch=customer.branch, role="branch_head").first()
        )
        WorkItem.objects.filter(customer=customer, status="open").exists()
        for kind, subject, reason in _items(doc, customer, holdings, seg, last, d):
            _item, new = work_item_put(
                actor=None, customer=customer, staff=staff, kind=kind, subject=subject, due_on=d,
                channel="phone", content="service_notice", priority=doc["priorities"].get(kind, 5),
                reason=reason, created_for=d,
            )  # fmt: skip
            created += int(new)
    return created
