"""Wealth diagnosis (财富诊断): allocation against the model portfolio, liquidity ladder,
profit/loss per holding, concentration, and suggestions per DOMAIN §4 that pass the
suitability gate. The report is plain JSON-able data (masked account numbers only)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from pcrm.audit.services import audit_record
from pcrm.customers.choices import ASSET_PRODUCT_TYPES, ProductType
from pcrm.customers.models import Customer, Holding, Product
from pcrm.value.models import Diagnosis
from pcrm.value.policy import RISK_LEVELS, model_portfolio, money, policy
from pcrm.value.suitability import suitability_problem

ZERO = Decimal("0")
PCT = Decimal("0.0001")


def _share(part: Decimal, total: Decimal) -> Decimal:
    return (part / total).quantize(PCT) if total else ZERO


def _ratio(h: Holding) -> Decimal:
    return ((h.market_value - h.principal) / h.principal).quantize(PCT) if h.principal else ZERO


def _ladder(holdings: list[Holding], today: dt.date) -> list[dict[str, Any]]:
    """Market value by maturity bucket: ≤30, ≤90, … days, later, and no maturity (liquid)."""
    bounds = [int(d) for d in policy()["diagnosis"]["ladder_days"]]
    sums = [ZERO] * (len(bounds) + 2)
    for h in holdings:
        if h.matures_on is None:
            sums[-1] += h.market_value
            continue
        days = (h.matures_on - today).days
        index = next((i for i, b in enumerate(bounds) if days <= b), len(bounds))
        sums[index] += h.market_value
    labels = [f"≤{b}天" for b in bounds] + [f">{bounds[-1]}天", "随时可用"]
    return [{"label": lab, "amount": str(s)} for lab, s in zip(labels, sums, strict=True)]


def _allocation(holdings: list[Holding], total: Decimal, rating: str) -> dict[str, Any]:
    by_type: dict[str, Decimal] = {}
    by_risk = dict.fromkeys(RISK_LEVELS, ZERO)
    for h in holdings:
        by_type[h.product.product_type] = by_type.get(h.product.product_type, ZERO) + h.market_value
        level = h.product.risk_level or "R1"
        by_risk[level] += h.market_value
    model = model_portfolio(rating)
    labels = dict(ProductType.choices)
    return {
        "by_type": [
            {
                "type": t,
                "label": str(labels.get(t, t)),
                "amount": str(a),
                "share": str(_share(a, total)),
            }
            for t, a in sorted(by_type.items(), key=lambda kv: -kv[1])
        ],
        "by_risk": [
            {
                "level": lv,
                "amount": str(by_risk[lv]),
                "share": str(_share(by_risk[lv], total)),
                "model": str(model[lv]),
                "gap": str(_share(by_risk[lv], total) - model[lv]),
            }
            for lv in RISK_LEVELS
        ],
    }


def diagnose(*, customer: Customer, today: dt.date | None = None) -> dict[str, Any]:
    """Compute the diagnosis report of one customer (nothing is saved)."""
    today = today or timezone.localdate()
    holdings = [
        h
        for h in customer.holdings.filter(status="active")
        .select_related("product")
        .defer("account_no")
        if h.product.product_type in ASSET_PRODUCT_TYPES
    ]
    total = sum((h.market_value for h in holdings), ZERO)
    principal = sum((h.principal for h in holdings), ZERO)
    rows: list[dict[str, Any]] = [
        {
            "holding_id": h.pk,
            "account": h.account_no_masked,
            "product_code": h.product.code,
            "product": h.product.name,
            "risk_level": h.product.risk_level,
            "principal": str(h.principal),
            "market_value": str(h.market_value),
            "pnl": str(h.market_value - h.principal),
            "pnl_ratio": str(_ratio(h)),
            "share": str(_share(h.market_value, total)),
            "matures_on": h.matures_on.isoformat() if h.matures_on else "",
        }
        for h in holdings
    ]
    allocation = _allocation(holdings, total, customer.risk_rating or "")
    top = max(rows, key=lambda r: Decimal(r["share"]), default=None)
    report: dict[str, Any] = {
        "customer_no": customer.customer_no,
        "date": today.isoformat(),
        "risk_rating": customer.risk_rating,
        "total": str(total),
        "principal": str(principal),
        "pnl": str(total - principal),
        "holdings": rows,
        "allocation": allocation,
        "ladder": _ladder(holdings, today),
        "concentration": {
            "largest": top["product"] if top else "",
            "share": top["share"] if top else "0",
            "flag": bool(top and Decimal(top["share"]) > money("diagnosis", "concentration_share")),
        },
    }
    report["suggestions"] = _suggestions(customer, holdings, report, today)
    return report


def _suitable_alternative(
    customer: Customer, today: dt.date, below: str = "R9", level: str = ""
) -> Product | None:
    """The lowest-risk asset product that passes the gate, with risk below ``below``
    (or exactly ``level`` when given)."""
    products = Product.objects.exclude(risk_level="").filter(product_type__in=ASSET_PRODUCT_TYPES)
    if level:
        products = products.filter(risk_level=level)
    for product in products.order_by("risk_level", "code"):
        if (
            product.risk_level < below
            and suitability_problem(customer=customer, product=product, today=today) is None
        ):
            return product
    return None


def _suggest(kind: str, text: str, amount: Any, product: Product | None) -> dict[str, Any]:
    return {
        "kind": kind,
        "text": text,
        "amount": str(amount),
        "product_id": product.pk if product else None,
        "product": product.name if product else "",
    }


def _suggestions(
    customer: Customer, holdings: list[Holding], report: dict[str, Any], today: dt.date
) -> list[dict[str, Any]]:
    """DOMAIN §4: reinvest maturities, rebalance, losses (study the cause, adjust or switch),
    gains (lower the risk). A product is named only if it passes the suitability gate."""
    out: list[dict[str, Any]] = []
    window = int(policy()["diagnosis"]["ladder_days"][0])
    loss, gain = money("diagnosis", "loss_ratio"), money("diagnosis", "gain_ratio")
    for h in holdings:
        ok = suitability_problem(customer=customer, product=h.product, today=today) is None
        if h.matures_on and 0 <= (h.matures_on - today).days <= window:
            product = h.product if ok else _suitable_alternative(customer, today)
            out.append(
                _suggest(
                    "reinvest",
                    f"{h.product.name} 即将到期，建议续作或再配置。",
                    h.market_value,
                    product,
                )
            )
        ratio = _ratio(h)
        if ratio <= loss:
            out.append(
                _suggest(
                    "loss",
                    f"{h.product.name} 浮亏 {ratio:.2%}：与客户一起分析原因，说明投资有盈有亏，"
                    "建议调整组合或转换产品。",
                    h.market_value,
                    _suitable_alternative(customer, today, below=h.product.risk_level or "R9"),
                )
            )
        elif ratio >= gain:
            out.append(
                _suggest(
                    "gain",
                    f"{h.product.name} 浮盈 {ratio:.2%}：建议部分止盈，降低风险、保值增值。",
                    h.market_value - h.principal,
                    _suitable_alternative(customer, today, below=h.product.risk_level or "R9"),
                )
            )
    tolerance = money("diagnosis", "rebalance_tolerance")
    by_risk = report["allocation"]["by_risk"]
    # Move the excess towards the most under-weight level of the model portfolio.
    under = min(by_risk, key=lambda row: Decimal(row["gap"]))["level"]
    for row in by_risk:
        gap = Decimal(row["gap"])
        if gap > tolerance:
            out.append(
                _suggest(
                    "rebalance",
                    f"{row['level']} 资产占比 {Decimal(row['share']):.0%} 高于模型配置 "
                    f"{Decimal(row['model']):.0%}，建议再平衡至 {under}。",
                    (gap * Decimal(report["total"])).quantize(Decimal("0.01")),
                    _suitable_alternative(customer, today, level=under),
                )
            )
    if report["concentration"]["flag"]:
        out.append(
            _suggest(
                "concentration",
                f"{report['concentration']['largest']} 占比过高，建议分散配置。",
                0,
                None,
            )
        )
    return out


@transaction.atomic
def diagnosis_run(*, actor: Any, customer: Customer, today: dt.date | None = None) -> Diagnosis:
    """Compute and save a diagnosis (the caller has checked the customer is visible)."""
    report = diagnose(customer=customer, today=today)
    saved = Diagnosis.objects.create(
        customer=customer, made_by=actor, made_on=report["date"], snapshot=report
    )
    audit_record(
        actor=actor,
        action="diagnosis.run",
        target=saved,
        data={"customer_no": customer.customer_no, "suggestions": len(report["suggestions"])},
        branch_code=customer.branch.code,
    )
    return saved
