"""Products and holdings: the catalogue (every type, R1–R5) and each customer's accounts.

A customer's peak AUM is split into a demand deposit and investments suited to the
risk rating; term products mature over the coming weeks; funds and wealth products
sit in gain or loss. Churn then closes accounts and moves money out (see
generator_churn): every money movement becomes a :class:`Flow`, which the
transactions generator books, so that the sum of a customer's transactions over a
window equals the change in their AUM apart from market moves.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from pcrm.customers.models import Product
from pcrm.customers.pii import account_derived
from pcrm.demo.generator_churn import other_bank
from pcrm.demo.generator_customers import CustomerSpec
from pcrm.demo.profile import profile, section
from pcrm.lib.crypto import seal

HOLDING_COLUMNS = (
    "id", "account_no", "account_no_index", "account_no_masked", "customer_id", "product_id",
    "principal", "market_value", "opened_on", "matures_on", "status",
)  # fmt: skip
_INVESTMENTS = ("time_deposit", "wealth", "fund", "insurance", "bond", "gold")
_MARKET_PRICED = ("wealth", "fund", "gold", "insurance")


@dataclass(frozen=True)
class Catalogue:
    """The demo products by type, with their ids."""

    by_type: dict[str, list[dict[str, Any]]]

    def first(self, product_type: str) -> dict[str, Any]:
        return self.by_type[product_type][0]


def products_ensure() -> Catalogue:
    """Create the product catalogue (idempotent by product code)."""
    by_type: dict[str, list[dict[str, Any]]] = {}
    for spec in profile()["products"]:
        product, _ = Product.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "product_type": spec["type"],
                "risk_level": spec["risk"],
            },
        )
        by_type.setdefault(spec["type"], []).append({**spec, "id": product.pk})
    return Catalogue(by_type=by_type)


@dataclass(slots=True)
class Flow:
    """One money movement for the transactions generator (amount signed, yuan)."""

    day: dt.date
    amount: float
    holding: int
    memo: str
    counterparty: str = ""
    channel: str = "mobile"


@dataclass(slots=True)
class HoldingDraft:
    pk: int
    product: dict[str, Any]
    principal: float
    value: float
    opened_on: dt.date
    matures_on: dt.date | None
    status: str = "active"


@dataclass
class CustomerHoldings:
    drafts: list[HoldingDraft] = field(default_factory=list)
    flows: list[Flow] = field(default_factory=list)

    @property
    def demand(self) -> HoldingDraft:
        return next(d for d in self.drafts if d.product["type"] == "demand_deposit")


def holdings_draw(
    rng: random.Random, spec: CustomerSpec, catalogue: Catalogue, next_pk: int, today: dt.date
) -> CustomerHoldings:
    """A customer's accounts at their peak, then the churn plan applied to them."""
    hs = section("holdings")
    out = CustomerHoldings()

    def add(
        product: dict[str, Any], amount: float, opened: dt.date, matures: dt.date | None
    ) -> HoldingDraft:
        draft = HoldingDraft(next_pk + len(out.drafts), product, amount, amount, opened, matures)
        out.drafts.append(draft)
        return draft

    add(catalogue.first("debit_card"), 0.0, spec.since, None)
    demand_share = rng.uniform(hs["demand_share_min"], hs["demand_share_max"])
    add(catalogue.first("demand_deposit"), spec.aum * demand_share, spec.since, None)
    invest = spec.aum * (1 - demand_share)
    choices = _suitable(catalogue, spec.risk_rating)
    count = (
        1 if spec.aum < 30_000 else rng.randint(1, 3) if spec.aum < 500_000 else rng.randint(2, 5)
    )
    weights = [rng.random() + 0.2 for _ in range(count)]
    for weight in weights:
        product = rng.choice(choices)
        amount = invest * weight / sum(weights)
        opened, matures = _term(rng, product, today, spec.since)
        draft = add(product, amount, opened, matures)
        _price(rng, draft, hs)
        if (
            matures
            and rng.random() < 0.3
            and opened - dt.timedelta(days=product["term_days"]) > spec.since
        ):
            # Reinvested on maturity: the previous term closed the day this one opened.
            before = add(product, amount, opened - dt.timedelta(days=product["term_days"]), opened)
            before.status, before.value = "closed", 0.0
            out.flows.append(Flow(opened, -amount, before.pk, "到期支取", "", "system"))
            out.flows.append(Flow(opened, amount, draft.pk, "到期续存", "", "system"))
    if rng.random() < hs["credit_card_share"]:
        add(catalogue.first("credit_card"), 0.0, spec.since, None)
    if rng.random() < hs["loan_share"] and spec.age < 60:
        loan = rng.choice(catalogue.by_type["loan"])
        opened = today - dt.timedelta(days=rng.randint(100, 2000))
        amount = round(rng.uniform(50_000, 2_000_000), -3)
        draft = add(loan, amount, opened, opened + dt.timedelta(days=loan["term_days"]))
        draft.value = amount * rng.uniform(0.3, 0.95)
    _churn(rng, spec, out, today, catalogue)
    return out


def _suitable(catalogue: Catalogue, rating: str) -> list[dict[str, Any]]:
    """Products whose risk level the customer's rating allows (unrated: R1 only)."""
    limit = int(rating[1]) if rating else 1
    return [
        p
        for kind in _INVESTMENTS
        for p in catalogue.by_type.get(kind, [])
        if p["risk"] and int(p["risk"][1]) <= limit
    ]


def _term(
    rng: random.Random, product: dict[str, Any], today: dt.date, since: dt.date
) -> tuple[dt.date, dt.date | None]:
    term = int(product["term_days"])
    if not term:
        return today - dt.timedelta(days=rng.randint(30, max(31, (today - since).days))), None
    hs = section("holdings")
    if rng.random() < hs["maturing_soon_share"]:
        matures = today + dt.timedelta(days=rng.randint(0, min(term, hs["maturing_soon_days"])))
    else:
        matures = today + dt.timedelta(days=rng.randint(1, term))
    return matures - dt.timedelta(days=term), matures


def _price(rng: random.Random, draft: HoldingDraft, hs: dict[str, Any]) -> None:
    """Market value of priced products: mostly near principal, a share in loss or gain."""
    if draft.product["type"] not in _MARKET_PRICED or draft.product["risk"] == "R1":
        return
    roll = rng.random()
    if roll < hs["fund_loss_share"]:
        change = rng.uniform(-0.35, hs["fund_loss_at"] - 0.005)
    elif roll < hs["fund_loss_share"] + hs["fund_gain_share"]:
        change = rng.uniform(hs["fund_gain_at"] + 0.005, 0.6)
    else:
        change = rng.gauss(0.02, 0.04)
    draft.value = draft.principal * (1 + change)


def _churn(
    rng: random.Random,
    spec: CustomerSpec,
    out: CustomerHoldings,
    today: dt.date,
    catalogue: Catalogue,
) -> None:
    plan, bank = spec.churn, other_bank(rng)  # one other bank per customer
    if plan.warn_on is not None and (plan.warned(today) or plan.false_alarm):
        _first_outflow(rng, out, plan.warn_on, bank)
        if plan.churner and plan.exit_on is not None:
            _drift(rng, out, plan.warn_on, plan.exit_on, today, bank)
    if plan.exit_on is not None and plan.gone(today):
        _exit(rng, out, plan.exit_on, bank)


def _first_outflow(rng: random.Random, out: CustomerHoldings, day: dt.date, bank: str) -> None:
    """A maturity not reinvested (moved to another bank) or a large share transferred out."""
    spec = section("churn")
    term = [
        d
        for d in out.drafts
        if d.status == "active" and d.matures_on and d.product["type"] in ("time_deposit", "wealth")
    ]
    if term:
        draft = rng.choice(term)
        draft.matures_on, draft.status = day, "closed"
        draft.opened_on = day - dt.timedelta(days=int(draft.product["term_days"]))
        _close(out, draft, day, bank, rng.randint(1, 5), "到期未续存，转出至他行")
        return
    demand = out.demand
    total = sum(d.value for d in out.drafts if d.status == "active" and d.product["risk"])
    share = rng.uniform(spec["first_outflow_min"], spec["first_outflow_max"])
    amount = min(total * share, demand.value * 0.95)
    demand.value -= amount
    out.flows.append(Flow(day, -amount, demand.pk, "跨行转出", bank))


def _drift(
    rng: random.Random,
    out: CustomerHoldings,
    warn_on: dt.date,
    exit_on: dt.date,
    today: dt.date,
    bank: str,
) -> None:
    """Between the first sign and the exit, more money follows to the other bank."""
    demand = out.demand
    for step in (1, 2):
        day = warn_on + (exit_on - warn_on) * step / 3
        if day > today:
            return
        amount = demand.value * rng.uniform(0.15, 0.35)
        demand.value -= amount
        out.flows.append(Flow(day, -amount, demand.pk, "跨行转出", bank))


def _exit(rng: random.Random, out: CustomerHoldings, day: dt.date, bank: str) -> None:
    """Redeem and close the investments, move the money out; half close every account."""
    everything = rng.random() < 0.5
    for draft in out.drafts:
        if draft.status != "active" or draft.product["type"] in ("loan", "demand_deposit"):
            continue
        if draft.product["type"] in ("debit_card", "credit_card"):
            if everything:
                draft.status = "closed"
            continue
        draft.status = "closed"
        _close(out, draft, day, bank, rng.randint(0, 3), "赎回后转出至他行")
    demand = out.demand
    kept = 0.0 if everything else demand.value * rng.uniform(0.0, 0.3)
    if demand.value - kept > 0:
        out.flows.append(Flow(day, -(demand.value - kept), demand.pk, "跨行转出", bank))
    demand.value = kept
    if everything:
        demand.status = "closed"


def _close(
    out: CustomerHoldings, draft: HoldingDraft, day: dt.date, bank: str, lag: int, memo: str
) -> None:
    """Close an investment into the demand deposit; `lag` days later it goes to another bank."""
    value, draft.value = draft.value, 0.0
    demand = out.demand
    out.flows.append(
        Flow(day, -value, draft.pk, "到期支取" if draft.matures_on == day else "赎回", "", "system")
    )
    out.flows.append(Flow(day, value, demand.pk, "转入活期", "", "system"))
    out.flows.append(Flow(day + dt.timedelta(days=lag), -value, demand.pk, memo, bank))


def holding_rows(
    customer_pk: int, drafts: list[HoldingDraft], seed_tag: str
) -> list[tuple[Any, ...]]:
    """Rows for the holdings table; account numbers sealed, masked and indexed."""
    rows = []
    for d in drafts:
        account_no = f"6222{seed_tag}{d.pk:011d}"
        derived = account_derived(account_no=account_no)
        rows.append(
            (
                d.pk,
                seal(account_no),
                derived["account_no_index"],
                derived["account_no_masked"],
                customer_pk,
                d.product["id"],
                _money(d.principal),
                _money(d.value),
                d.opened_on,
                d.matures_on,
                d.status,
            )
        )
    return rows


def _money(value: float) -> str:
    return f"{value:.2f}"
