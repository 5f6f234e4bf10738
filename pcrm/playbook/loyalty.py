"""Loyalty and contribution per customer (issue 10 item 2), in one set-based SQL query.

Loyalty (0–100) = weighted retention over the lookback window, tenure band, product
breadth and the share of contacts that reached the customer. Contribution = AUM, its
growth (net booked flow over the window), products held and an estimated annual
income (balance × the rate of the product type). Weights, bands and rates are policy
data (scorecard.toml). The same query serves the customer 360 (one customer) and the
nightly snapshots (every customer, aggregated), so both show the same numbers.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

from pcrm.customers.models import Customer, Holding, Interaction, Product, Transaction
from pcrm.playbook.models import CustomerSegment
from pcrm.retention.models import WinBackCase

SCORECARD_PATH = Path(__file__).with_name("scorecard.toml")

# Columns of one score row, in the order the query returns them.
COLUMNS = (
    "customer_id",
    "branch_id",
    "manager_id",
    "tier",
    "quadrant",
    "covered",
    "aum",
    "retained",
    "tenure",
    "breadth",
    "reach",
    "contacts",
    "products",
    "income",
    "growth",
    "loyalty",
)


@cache
def scorecard() -> dict[str, Any]:
    """The scorecard policy (weights, tenure bands, income rates, dashboard windows)."""
    return tomllib.loads(SCORECARD_PATH.read_text(encoding="utf-8"))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _day_start(day: dt.date) -> Any:
    """Local midnight of ``day``, as the backend compares stored datetimes."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return connection.ops.adapt_datetimefield_value(moment)


def _day(day: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _covered_sql() -> str:
    """Reached within the maintenance interval before the day (vendor date arithmetic)."""
    if connection.vendor == "postgresql":
        return "(s.last_reached_on + s.interval_days) >= %s"
    return "date(s.last_reached_on, '+' || s.interval_days || ' days') >= %s"


def scores_sql(
    as_of: dt.date, where: str = "", params: list[Any] | None = None
) -> tuple[str, list[Any]]:
    """The score query for ``as_of`` over customers matching ``where`` (SQL on alias c)."""
    card = scorecard()
    loyal, rates = card["loyalty"], card["contribution"]["income_rates"]
    since = _day_start(as_of - dt.timedelta(days=loyal["lookback_days"]))
    until = _day_start(as_of + dt.timedelta(days=1))
    bands = sorted(loyal["tenure_bands"], key=lambda b: -b["years"])
    tenure_case = " ".join("WHEN hold.first_opened <= %s THEN %s" for _ in bands)
    tenure_params: list[Any] = []
    for band in bands:
        tenure_params += [_day(_years_before(as_of, band["years"])), float(band["score"])]
    rate_case = " ".join("WHEN %s THEN %s" for _ in rates)
    rate_params: list[Any] = []
    for kind, rate in rates.items():
        rate_params += [kind, float(rate)]
    full = int(loyal["breadth_full_types"])
    t = {
        "customer": Customer._meta.db_table,
        "holding": Holding._meta.db_table,
        "product": Product._meta.db_table,
        "interaction": Interaction._meta.db_table,
        "txn": Transaction._meta.db_table,
        "winback": WinBackCase._meta.db_table,
        "segment": CustomerSegment._meta.db_table,
    }
    inner = f"""
        SELECT c.id AS customer_id, c.branch_id, c.manager_id,
               COALESCE(s.tier, '') AS tier, COALESCE(s.quadrant, '') AS quadrant,
               CASE WHEN s.last_reached_on IS NOT NULL AND {_covered_sql()}
                    THEN 1 ELSE 0 END AS covered,
               c.aum AS aum,
               CASE WHEN c.aum > 0 AND lost.customer_id IS NULL THEN 1 ELSE 0 END AS retained,
               CASE {tenure_case} ELSE 0 END AS tenure,
               CASE WHEN COALESCE(hold.types, 0) >= {full} THEN 1.0
                    ELSE COALESCE(hold.types, 0) * 1.0 / {full} END AS breadth,
               CASE WHEN COALESCE(con.total, 0) = 0 THEN 0
                    ELSE con.reached * 1.0 / con.total END AS reach,
               COALESCE(con.total, 0) AS contacts,
               COALESCE(hold.products, 0) AS products,
               COALESCE(hold.income, 0) AS income,
               COALESCE(flow.net, 0) AS growth
        FROM {t["customer"]} c
        LEFT JOIN {t["segment"]} s ON s.customer_id = c.id
        LEFT JOIN (
            SELECT h.customer_id, MIN(h.opened_on) AS first_opened,
                   COUNT(DISTINCT CASE WHEN h.status = 'active' THEN p.product_type END) AS types,
                   SUM(CASE WHEN h.status = 'active' THEN 1 ELSE 0 END) AS products,
                   SUM(CASE WHEN h.status = 'active'
                       THEN h.market_value * (CASE p.product_type {rate_case} ELSE 0 END)
                       ELSE 0 END) AS income
            FROM {t["holding"]} h JOIN {t["product"]} p ON p.id = h.product_id
            GROUP BY h.customer_id
        ) hold ON hold.customer_id = c.id
        LEFT JOIN (
            SELECT customer_id, COUNT(*) AS total,
                   SUM(CASE WHEN outcome = 'reached' THEN 1 ELSE 0 END) AS reached
            FROM {t["interaction"]} WHERE occurred_at >= %s AND occurred_at < %s
            GROUP BY customer_id
        ) con ON con.customer_id = c.id
        LEFT JOIN (
            SELECT customer_id, SUM(amount) AS net FROM {t["txn"]}
            WHERE booked_at >= %s AND booked_at < %s GROUP BY customer_id
        ) flow ON flow.customer_id = c.id
        LEFT JOIN (
            SELECT DISTINCT customer_id FROM {t["winback"]}
            WHERE status = 'lost' AND closed_at >= %s AND closed_at < %s
        ) lost ON lost.customer_id = c.id
        {"WHERE " + where if where else ""}
    """  # noqa: S608 (table names from the models; values are parameters)
    weights = [
        float(loyal[k])
        for k in ("weight_retention", "weight_tenure", "weight_breadth", "weight_reach")
    ]
    sql = f"""
        SELECT x.*, 100.0 * (%s * x.retained + %s * x.tenure + %s * x.breadth + %s * x.reach)
               AS loyalty
        FROM ({inner}) x
    """  # noqa: S608
    inner_params: list[Any] = [
        _day(as_of),
        *tenure_params,
        *rate_params,
        since,
        until,
        since,
        until,
        since,
        until,
        *(params or []),
    ]
    return sql, [*weights, *inner_params]


@dataclass(frozen=True)
class CustomerScore:
    """Loyalty and contribution of one customer on one day."""

    loyalty: float
    retained: bool
    tenure: float
    breadth: float
    reach: float
    contacts: int
    aum: float
    growth: float
    products: int
    income: float


def customer_score(*, customer: Customer, as_of: dt.date) -> CustomerScore:
    """Loyalty and contribution of one customer (the customer 360 panel)."""
    sql, params = scores_sql(as_of, "c.id = %s", [customer.pk])
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = dict(zip(COLUMNS, cursor.fetchone() or (), strict=False))
    return CustomerScore(
        loyalty=round(float(row.get("loyalty") or 0), 1),
        retained=bool(row.get("retained")),
        tenure=float(row.get("tenure") or 0),
        breadth=float(row.get("breadth") or 0),
        reach=float(row.get("reach") or 0),
        contacts=int(row.get("contacts") or 0),
        aum=float(row.get("aum") or 0),
        growth=float(row.get("growth") or 0),
        products=int(row.get("products") or 0),
        income=round(float(row.get("income") or 0), 2),
    )
