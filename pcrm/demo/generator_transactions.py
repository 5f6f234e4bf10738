"""Twelve months of transactions: everyday activity, large recent movements and the flows of
the holdings (maturities, reinvestments, redemptions and transfers out to other banks).

Everyday activity comes in pairs that cancel (income in, spending out), so a customer's
AUM history can be rebuilt from the current balance minus the transactions since a day.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from pcrm.demo.generator_customers import CustomerSpec
from pcrm.demo.generator_holdings import CustomerHoldings, Flow
from pcrm.demo.profile import section

TRANSACTION_COLUMNS = (
    "id", "txn_id", "holding_id", "customer_id", "booked_at", "amount", "channel",
    "counterparty", "memo",
)  # fmt: skip
_SPENDING = (
    ("消费", "pos", "联华超市"), ("消费", "pos", "百联商场"), ("快捷支付", "online", "支付宝"),
    ("快捷支付", "online", "财付通"), ("取现", "atm", ""), ("缴费", "mobile", "上海电力"),
    ("转账", "mobile", "个人"), ("学费", "online", "教育机构"),
)  # fmt: skip
_MIDNIGHT = dt.time(0)
_LARGE_IN = ("他行转入", "房款到账", "理财到期到账", "经营收入")
_LARGE_OUT = ("跨行转出", "购房首付", "大额转账", "投资款")


def transactions_draw(
    rng: random.Random, spec: CustomerSpec, holdings: CustomerHoldings, today: dt.date
) -> list[tuple[dt.date, float, int, str, str, str]]:
    """(day, amount, holding, channel, counterparty, memo) for one customer, unordered."""
    act = section("activity")
    demand = holdings.demand.pk
    first = max(spec.since, today - dt.timedelta(days=30 * act["months"] + 5))
    span = (today - first).days - 1
    out: list[tuple[dt.date, float, int, str, str, str]] = []
    if span > 2:
        pairs = max(0, int(rng.gauss(act["transactions_mean"], act["transactions_mean"] / 3)) // 2)
        # Everyday amounts stay under the large-movement threshold: large ones are placed.
        # Small savers move small sums, so their balance history stays plausible.
        scale = min(max(spec.aum * 0.02, 2_000.0), spec.aum * 0.3, act["large_amount"] * 0.9)
        for _ in range(pairs):
            amount = round(rng.uniform(0.2, 1.0) * scale, 2)
            day_in = first + dt.timedelta(days=rng.randint(1, span))
            day_out = min(
                day_in + dt.timedelta(days=rng.randint(0, 20)), today - dt.timedelta(days=1)
            )
            income = (
                ("代发工资", "batch", spec.work_unit)
                if spec.work_unit and spec.age < 60
                else (
                    ("养老金", "batch", "社保中心")
                    if spec.age >= 60
                    else ("转账存入", "counter", "")
                )
            )
            memo, channel, counterparty = income
            out.append((day_in, amount, demand, channel, counterparty, memo))
            memo, channel, counterparty = rng.choice(_SPENDING)
            out.append((day_out, -amount, demand, channel, counterparty, memo))
    if rng.random() < act["large_recent_share"] and not spec.churn.gone(today):
        out.append(_large_recent(rng, spec, demand, today))
    last = today - dt.timedelta(days=1)
    for flow in holdings.flows:
        out.append(_booked(flow, last))
    return out


def _large_recent(
    rng: random.Random, spec: CustomerSpec, demand: int, today: dt.date
) -> tuple[dt.date, float, int, str, str, str]:
    """A movement of at least the large amount in the last few days.

    Money going out stays under half of the customer's assets: a loyal customer's large
    payment is not a departure (the churn label would otherwise be noise).
    """
    act = section("activity")
    floor = float(act["large_amount"])
    day = today - dt.timedelta(days=rng.randint(1, act["large_recent_days"]))
    out_cap = spec.aum * 0.45
    if rng.random() < 0.5 and out_cap > floor * 1.05:
        amount = round(rng.uniform(floor * 1.05, out_cap), -2)
        return (day, -amount, demand, "mobile", "他行", rng.choice(_LARGE_OUT))
    amount = round(rng.uniform(floor * 1.05, max(floor * 1.5, min(spec.aum, 3_000_000.0))), -2)
    return (day, amount, demand, "mobile", "", rng.choice(_LARGE_IN))


def _booked(flow: Flow, last: dt.date) -> tuple[dt.date, float, int, str, str, str]:
    # Moves planned after yesterday happen yesterday: nothing is booked in the future.
    return (
        min(flow.day, last),
        round(flow.amount, 2),
        flow.holding,
        flow.channel,
        flow.counterparty,
        flow.memo,
    )


def transaction_rows(
    rng: random.Random,
    customer_pk: int,
    drawn: list[tuple[dt.date, float, int, str, str, str]],
    first_pk: int,
    seed_tag: str,
) -> list[tuple[Any, ...]]:
    """Rows in booking order; booked in business hours (naive UTC, Shanghai is UTC+8)."""
    rows = []
    for offset, (day, amount, holding, channel, counterparty, memo) in enumerate(sorted(drawn)):
        pk = first_pk + offset
        # 08:00–21:00 in Shanghai is 00:00–13:00 UTC.
        at = dt.datetime.combine(day, _MIDNIGHT) + dt.timedelta(seconds=int(rng.random() * 46_800))
        rows.append(
            (
                pk,
                f"DT{seed_tag}{pk:012d}",
                holding,
                customer_pk,
                at,
                f"{amount:.2f}",
                channel,
                counterparty,
                memo,
            )
        )
    return rows
