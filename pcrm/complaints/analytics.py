"""Complaint analytics (reads only): counts, time to decision, timeliness, satisfaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, QuerySet
from django.utils import timezone

from pcrm.complaints import clock
from pcrm.complaints.choices import Category, RootCause
from pcrm.complaints.models import ComplaintCase
from pcrm.complaints.policy import current_policy
from pcrm.complaints.services import complaint_due_at


@dataclass
class ComplaintFigures:
    total: int = 0
    by_category: list[tuple[str, int]] = field(default_factory=list)
    by_branch: list[tuple[str, int]] = field(default_factory=list)
    by_root_cause: list[tuple[str, int]] = field(default_factory=list)
    decided: int = 0
    decided_in_time: int = 0
    mean_days_to_decision: float | None = None
    overdue: list[dict[str, Any]] = field(default_factory=list)
    satisfaction_mean: float | None = None
    satisfaction_counts: list[tuple[int, int]] = field(default_factory=list)

    @property
    def in_time_share(self) -> float | None:
        return round(100 * self.decided_in_time / self.decided, 1) if self.decided else None


def complaint_figures(
    cases: QuerySet[ComplaintCase], *, now: dt.datetime | None = None
) -> ComplaintFigures:
    """Figures over the given (already visibility-scoped) cases; a fixed number of queries."""
    now, rules = now or timezone.now(), current_policy()
    figures = ComplaintFigures(total=cases.count())
    labels = dict(Category.choices)
    figures.by_category = [
        (str(labels.get(r["category"], r["category"])), r["n"])
        for r in cases.values("category").annotate(n=Count("id")).order_by("-n", "category")
    ]
    figures.by_branch = [
        (f"{r['branch__code']} {r['branch__name']}", r["n"])
        for r in cases.values("branch__code", "branch__name")
        .annotate(n=Count("id"))
        .order_by("branch__code")
    ]
    causes = dict(RootCause.choices)
    figures.by_root_cause = [
        (str(causes[r["root_cause"]]), r["n"])
        for r in cases.exclude(root_cause="")
        .values("root_cause")
        .annotate(n=Count("id"))
        .order_by("-n")
    ]
    _timeliness(figures, cases, rules, now)
    scored = cases.filter(satisfaction__isnull=False)
    mean = scored.aggregate(m=Avg("satisfaction"))["m"]
    figures.satisfaction_mean = round(float(mean), 2) if mean is not None else None
    figures.satisfaction_counts = [
        (int(r["satisfaction"] or 0), int(r["n"]))
        for r in scored.values("satisfaction").annotate(n=Count("id")).order_by("satisfaction")
    ]
    return figures


def _timeliness(
    figures: ComplaintFigures, cases: QuerySet[ComplaintCase], rules: Any, now: dt.datetime
) -> None:
    spent: list[float] = []
    for case in cases.select_related("branch", "handler").prefetch_related("pauses"):
        due = complaint_due_at(case, rules=rules, now=now)
        spans = [(p.started_at, p.ended_at) for p in case.pauses.all()]
        if case.decided_at is not None:
            figures.decided += 1
            figures.decided_in_time += case.decided_at <= due
            net = clock.running_time(received_at=case.received_at, at=case.decided_at, pauses=spans)
            spent.append(net.total_seconds() / 86400)
        elif due < now:
            figures.overdue.append({"case": case, "due": due})
    if spent:
        figures.mean_days_to_decision = round(sum(spent) / len(spent), 1)
