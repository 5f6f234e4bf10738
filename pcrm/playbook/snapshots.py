"""The daily snapshot (issue 10 item 6): every dashboard figure of a day, in bulk.

Customer figures (counts and AUM by tier and quadrant, maintenance coverage, loyalty,
contribution) come from one GROUP BY over the loyalty query; the other figures from
one GROUP BY per :mod:`snapshot_sources` entry. Rows are kept per branch, per branch
and member of staff, and for the bank (``branch`` empty). Taking a day again replaces
its rows in one transaction, so the nightly run may be repeated safely.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from typing import Any

from django.db import connection, transaction

from pcrm.audit.services import audit_record
from pcrm.playbook.loyalty import scores_sql
from pcrm.playbook.models import DailySnapshot
from pcrm.playbook.snapshot_sources import SOURCES, plan_rows, source_rows, training_rows

Key = tuple[int | None, int | None, str, str]  # branch, staff, metric, dimension

# Figures that are sums of customer rows (rolled up from groups to branch, staff, bank).
CUSTOMER_SUMS = ("customers", "aum", "retained", "loyalty_sum", "income", "aum_growth", "products")
NO_TIER = "none"


def _customer_groups(as_of: dt.date) -> list[tuple[Any, ...]]:
    """Customers grouped by branch, manager, tier, quadrant and coverage (one query)."""
    inner, params = scores_sql(as_of)
    sql = f"""
        SELECT branch_id, manager_id, tier, quadrant, covered, COUNT(*), SUM(aum),
               SUM(retained), SUM(loyalty), SUM(income), SUM(growth), SUM(products)
        FROM ({inner}) scored
        GROUP BY branch_id, manager_id, tier, quadrant, covered
    """  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


class _Figures:
    """Accumulates values per (branch, staff, metric, dimension)."""

    def __init__(self) -> None:
        self.values: dict[Key, float] = defaultdict(float)

    def add(self, branch: int | None, staff: int | None, metric: str, dim: str, v: float) -> None:
        self.values[(branch, staff, metric, dim)] += v

    def add_scoped(self, branch: int, staff: int | None, metric: str, dim: str, v: float) -> None:
        """Add to the branch, to the bank, and to the member of staff when known."""
        self.add(branch, None, metric, dim, v)
        self.add(None, None, metric, dim, v)
        if staff is not None:
            self.add(branch, staff, metric, dim, v)

    def get(self, key: Key) -> float:
        return self.values.get(key, 0.0)


def _add_customers(fig: _Figures, groups: list[tuple[Any, ...]]) -> None:
    for branch, manager, tier, quadrant, covered, n, *sums in groups:
        n = int(n)
        aum, retained, loyalty, income, growth, products = (float(s or 0) for s in sums)
        for metric, value in zip(
            CUSTOMER_SUMS, (n, aum, retained, loyalty, income, growth, products), strict=True
        ):
            fig.add_scoped(branch, manager, metric, "", value)
        tier = tier or NO_TIER
        quadrant = quadrant or NO_TIER
        for dim_kind, dim in (("tier", tier), ("quadrant", quadrant)):
            fig.add_scoped(branch, None, f"customers_by_{dim_kind}", dim, n)
            fig.add_scoped(branch, None, f"aum_by_{dim_kind}", dim, aum)
            fig.add_scoped(branch, None, f"covered_by_{dim_kind}", dim, n if covered else 0)


def _add_sources(fig: _Figures, as_of: dt.date) -> None:
    for source in SOURCES:
        for row in source_rows(source, as_of):
            branch, staff, dim = row["branch_id"], row["staff_id"], row["dimension"]
            if branch is None:
                continue
            if source.average:
                # Keep sum and count so the bank and staff averages weigh correctly.
                fig.add_scoped(
                    branch, staff, f"{source.metric}_sum", dim, row["value"] * row["count"]
                )
                fig.add_scoped(branch, staff, f"{source.metric}_count", dim, row["count"])
            else:
                fig.add_scoped(branch, staff, source.metric, dim, row["value"])


def _add_computed(fig: _Figures, as_of: dt.date) -> None:
    """Figures that are not one filter of one table: plans on/off track, training."""
    for row in [*plan_rows(as_of), *training_rows(as_of)]:
        fig.add_scoped(row["branch_id"], row["staff_id"], row["metric"], "", row["value"])


def _ratio(num: float, den: float, scale: float = 1.0) -> float | None:
    return round(num * scale / den, 4) if den else None


def _derive(fig: _Figures) -> None:
    """Averages and rates from the sums, for every scope."""
    derived: dict[Key, float | None] = {}
    for branch, staff, metric, dim in list(fig.values):
        if metric == "customers":
            n = fig.get((branch, staff, metric, dim))
            loyalty = fig.get((branch, staff, "loyalty_sum", ""))
            derived[(branch, staff, "loyalty", "")] = _ratio(loyalty, n)
            retained = fig.get((branch, staff, "retained", ""))
            derived[(branch, staff, "retention_rate", "")] = _ratio(retained, n, 100)
        elif metric.endswith("_count"):  # an averaged source: sum / count
            base = metric.removesuffix("_count")
            total = fig.get((branch, staff, f"{base}_sum", dim))
            derived[(branch, staff, base, dim)] = _ratio(
                total, fig.get((branch, staff, metric, dim))
            )
        elif metric.startswith("customers_by_"):
            kind = metric.removeprefix("customers_by_")
            covered = fig.get((branch, staff, f"covered_by_{kind}", dim))
            derived[(branch, staff, f"coverage_by_{kind}", dim)] = _ratio(
                covered, fig.get((branch, staff, metric, dim)), 100
            )
    for key, value in derived.items():
        if value is not None:
            fig.values[key] = value


@transaction.atomic
def snapshot_take(*, actor: Any, as_of: dt.date) -> dict[str, Any]:
    """Write the snapshot of ``as_of`` (replacing any earlier one of that day); audited."""
    started = time.perf_counter()
    fig = _Figures()
    _add_customers(fig, _customer_groups(as_of))
    customers_seconds = time.perf_counter() - started
    _add_sources(fig, as_of)
    _add_computed(fig, as_of)
    _derive(fig)
    DailySnapshot.objects.filter(as_of=as_of).delete()
    rows = [
        DailySnapshot(
            as_of=as_of, branch_id=branch, staff_id=staff, metric=metric, dimension=dim, value=value
        )
        for (branch, staff, metric, dim), value in fig.values.items()
    ]
    DailySnapshot.objects.bulk_create(rows, batch_size=2000)
    summary = {
        "as_of": as_of.isoformat(),
        "rows": len(rows),
        "customers": int(fig.get((None, None, "customers", ""))),
        "customer_seconds": round(customers_seconds, 3),
        "seconds": round(time.perf_counter() - started, 3),
    }
    audit_record(actor=actor, action="snapshot.take", data=summary)
    return summary
