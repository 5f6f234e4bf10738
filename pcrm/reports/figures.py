"""Reads of the daily snapshots for the dashboards (a fixed number of queries per page).

A *stock* figure (customers, open complaints, …) is read on the last day of the range;
a *flow* figure (work items created, referrals, …) is summed over the range. Both come
with their day-by-day series for the trend charts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Max, Q
from django.utils import timezone

from pcrm.org.models import Branch, Staff
from pcrm.playbook.loyalty import scorecard
from pcrm.playbook.models import DailySnapshot

# Figures that happen on a day (summed over a range); every other figure is a stock.
FLOWS = frozenset(
    {
        "wi_created",
        "wi_completed",
        "referrals",
        "referrals_accepted",
        "referrals_contacted",
        "referrals_established",
        "referrals_sold",
        "walk_ins",
        "red_list_invites",
        "conversions",
        "complaints_decided",
        "complaints_decided_in_time",
        "exams_taken",
        "exams_passed",
    }
)
# Figures that are averages or rates: absent means unknown, not zero.
AVERAGES = frozenset(
    {"loyalty", "retention_rate", "satisfaction", "survey_satisfaction",
     "coverage_by_tier", "coverage_by_quadrant"}
)  # fmt: skip
MAX_RANGE_DAYS = 366


@dataclass(frozen=True)
class Range:
    """The dates a dashboard covers (both ends included)."""

    start: dt.date
    end: dt.date

    def days(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


def latest_snapshot_day() -> dt.date | None:
    day: dt.date | None = DailySnapshot.objects.aggregate(day=Max("as_of"))["day"]
    return day


def range_for(start: dt.date | None, end: dt.date | None, latest: dt.date | None) -> Range:
    """The asked range, defaulting to the trend window ending on the latest snapshot."""
    end = end or latest or timezone.localdate()
    trend = int(scorecard()["dashboard"]["trend_days"])
    start = start or end - dt.timedelta(days=trend - 1)
    if start > end:
        start, end = end, start
    start = max(start, end - dt.timedelta(days=MAX_RANGE_DAYS - 1))
    return Range(start, end)


@dataclass
class Figures:
    """The snapshot rows of one scope (a branch or the bank) over a range."""

    range: Range
    # (metric, dimension) → {day: value}; staff rows kept apart by staff id.
    series: dict[tuple[str, str], dict[dt.date, float]] = field(default_factory=dict)
    staff: dict[int, dict[tuple[str, str], dict[dt.date, float]]] = field(default_factory=dict)
    staff_names: dict[int, str] = field(default_factory=dict)
    days_present: set[dt.date] = field(default_factory=set)

    def value(self, metric: str, dimension: str = "", staff: int | None = None) -> float | None:
        """The end-of-range value of a stock, or the range total of a flow. A count the
        snapshot of that day does not hold is zero; an average or rate stays unknown."""
        series = (self.staff.get(staff, {}) if staff else self.series).get((metric, dimension), {})
        if metric in FLOWS:
            return sum(series.values()) if series else 0.0
        value = series.get(self.range.end)
        if value is None and self.range.end in self.days_present and metric not in AVERAGES:
            return 0.0
        return value

    def trend(self, metric: str, dimension: str = "") -> list[float | None]:
        series = self.series.get((metric, dimension), {})
        return [series.get(day) for day in self.range.days()]

    def dimensions(self, metric: str) -> list[str]:
        return sorted({d for (m, d) in self.series if m == metric})


def figures_for(*, branch: Branch | None, span: Range, with_staff: bool = True) -> Figures:
    """Every snapshot row of ``branch`` (None: the bank) in the range: one query (+ names)."""
    rows = DailySnapshot.objects.filter(as_of__gte=span.start, as_of__lte=span.end)
    rows = rows.filter(branch=branch) if branch else rows.filter(branch__isnull=True)
    if not with_staff:
        rows = rows.filter(staff__isnull=True)
    figures = Figures(range=span)
    nested: dict[int, dict[tuple[str, str], dict[dt.date, float]]] = defaultdict(dict)
    for day, staff, metric, dim, value in rows.values_list(
        "as_of", "staff_id", "metric", "dimension", "value"
    ):
        target = nested[staff] if staff else figures.series
        target.setdefault((metric, dim), {})[day] = value
        figures.days_present.add(day)
    figures.staff = dict(nested)
    if nested:
        figures.staff_names = dict(Staff.objects.filter(pk__in=nested).values_list("pk", "name"))
    return figures


def branch_comparison(*, day: dt.date, metrics: list[str]) -> dict[int, dict[str, float]]:
    """Branch id → metric → value on ``day`` (stocks) for the bank view: one query."""
    rows = DailySnapshot.objects.filter(
        Q(dimension=""), as_of=day, branch__isnull=False, staff__isnull=True, metric__in=metrics
    ).values_list("branch_id", "metric", "value")
    table: dict[int, dict[str, float]] = defaultdict(dict)
    for branch_id, metric, value in rows:
        table[branch_id][metric] = value
    return dict(table)


def branch_flows(*, span: Range, metrics: list[str]) -> dict[int, dict[str, float]]:
    """Branch id → flow metric → total over the range: one grouped query."""
    from django.db.models import Sum

    rows = (
        DailySnapshot.objects.filter(
            as_of__gte=span.start,
            as_of__lte=span.end,
            branch__isnull=False,
            staff__isnull=True,
            dimension="",
            metric__in=metrics,
        )
        .values_list("branch_id", "metric")
        .annotate(total=Sum("value"))
        .order_by()
    )
    table: dict[int, dict[str, float]] = defaultdict(dict)
    for branch_id, metric, total in rows:
        table[branch_id][metric] = total or 0.0
    return dict(table)


def rate(num: float | None, den: float | None) -> float | None:
    """A percentage, or None when there is nothing to divide by."""
    return round(100.0 * (num or 0) / den, 1) if den else None


def as_chart(labels: list[Any], datasets: list[dict[str, Any]]) -> dict[str, Any]:
    return {"labels": [str(label) for label in labels], "datasets": datasets}
