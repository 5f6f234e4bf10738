"""Cross-sell and up-sell recommendations (交叉销售/向上营销) from rules kept as data
(recommend.toml), filtered by suitability, marketing consent and contact preference."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pcrm.customers.models import Customer, Product
from pcrm.value.policy import TIER_ORDER, tier_of
from pcrm.value.suitability import suitability_problem

RULES_PATH = Path(__file__).with_name("recommend.toml")


@cache
def rules() -> dict[str, Any]:
    return tomllib.loads(RULES_PATH.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Recommendation:
    """One next product for a customer, with the rule that found it and why."""

    key: str
    kind: str
    product: Product
    reason: str
    channel: str


def channel_for(customer: Customer) -> str:
    """The channel allowed by the customer's contact preference."""
    channels: dict[str, str] = rules()["channels"]
    return channels.get(customer.contact_preference or "", channels[""])


def recommendations_for(
    *, customer: Customer, today: dt.date | None = None
) -> list[Recommendation]:
    """The rules that fire for the customer, each offer passing the suitability gate.
    None at all without marketing consent."""
    if not customer.marketing_consent:
        return []
    held = set(customer.holdings.filter(status="active").values_list("product__code", flat=True))
    tier_rank = TIER_ORDER.index(tier_of(customer.aum))
    doc = rules()
    products = {
        p.code: p for p in Product.objects.filter(code__in=[r["offer"] for r in doc["rules"]])
    }
    found: list[Recommendation] = []
    seen: set[str] = set()
    for rule in doc["rules"]:
        offer = products.get(rule["offer"])
        if offer is None or offer.code in held or offer.code in seen:
            continue
        if not set(rule["holds"]) <= held:
            continue
        if tier_rank < TIER_ORDER.index(rule.get("min_tier", "")):
            continue
        if suitability_problem(customer=customer, product=offer, today=today):
            continue
        seen.add(offer.code)
        found.append(
            Recommendation(rule["key"], rule["kind"], offer, rule["reason"], channel_for(customer))
        )
    return found
