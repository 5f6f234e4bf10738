"""What each non-customer figure of the daily snapshot counts (issue 10 item 3).

One :class:`Source` per figure: the model, the filter for a day, and how it is grouped.
The snapshot counts each in one GROUP BY query; the dashboards' drill-down lists filter
the same model with the same filter, so a list's total equals its tile.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from pcrm.acquisition.models import Prospect, Referral, Swipe
from pcrm.campaigns.models import SurveyInvitation
from pcrm.complaints.models import ComplaintCase
from pcrm.org.models import Staff
from pcrm.org.selectors import branch_subtree_ids
from pcrm.playbook.loyalty import scorecard
from pcrm.retention.models import WinBackCase
from pcrm.training.models import Assignment, Attempt
from pcrm.value.models import Opportunity, ValuePlan
from pcrm.value.selectors import active_plans, plan_figures
from pcrm.worklist.models import WorkItem

OPEN_ITEM = ("open", "deferred")


def day_start(day: dt.date) -> dt.datetime:
    """Local midnight at the start of ``day``."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def on_day(field: str, day: dt.date) -> Q:
    """``field`` (a datetime) falls on ``day`` (local time)."""
    return Q(**{f"{field}__gte": day_start(day), f"{field}__lt": day_start(day + dt.timedelta(1))})


def _due_soon(day: dt.date) -> Q:
    days = int(scorecard()["dashboard"]["complaint_due_soon_days"])
    end = day_start(day + dt.timedelta(days=1))
    return Q(status="open", reply_due_at__gte=end, reply_due_at__lt=end + dt.timedelta(days=days))


def _satisfaction_window(day: dt.date) -> Q:
    since = day - dt.timedelta(days=int(scorecard()["loyalty"]["lookback_days"]))
    return Q(satisfaction__isnull=False, satisfaction_at__gte=day_start(since)) & Q(
        satisfaction_at__lt=day_start(day + dt.timedelta(1))
    )


def _answered_window(day: dt.date) -> Q:
    """Survey answers (overall score) given over the lookback window up to ``day``."""
    since = day - dt.timedelta(days=int(scorecard()["loyalty"]["lookback_days"]))
    return Q(overall__isnull=False, answered_at__gte=day_start(since)) & Q(
        answered_at__lt=day_start(day + dt.timedelta(1))
    )


@dataclass(frozen=True)
class Source:
    """One figure counted from a domain table: ``model`` rows matching ``where(day)``."""

    metric: str
    model: type[models.Model]
    where: Callable[[dt.date], Q]
    branch: str = "branch_id"
    staff: str | None = None
    dimension: str | None = None
    total: str | None = None  # sum this field instead of counting rows
    average: str | None = None  # average this field (stored with its count)


SOURCES: tuple[Source, ...] = (
    # Work items per member of staff (created, completed, overdue, open).
    Source("wi_created", WorkItem, lambda d: Q(created_for=d), staff="staff_id"),
    Source(
        "wi_completed",
        WorkItem,
        lambda d: Q(status="done") & on_day("closed_at", d),
        staff="staff_id",
    ),
    Source(
        "wi_overdue",
        WorkItem,
        lambda d: Q(status__in=OPEN_ITEM, due_on__lt=d),
        staff="staff_id",
    ),
    Source("wi_open", WorkItem, lambda d: Q(status__in=OPEN_ITEM), staff="staff_id"),
    # Acquisition funnel (flows of the day) and the referrers' credit.
    Source("referrals", Referral, lambda d: on_day("created_at", d), staff="referrer_id"),
    Source(
        "referrals_accepted",
        Referral,
        lambda d: Q(status="accepted") & on_day("decided_at", d),
        staff="referrer_id",
    ),
    Source(
        "referrals_contacted", Referral, lambda d: on_day("contacted_at", d), staff="referrer_id"
    ),
    Source(
        "referrals_established",
        Referral,
        lambda d: on_day("established_at", d),
        staff="referrer_id",
    ),
    Source("referrals_sold", Referral, lambda d: on_day("product_sold_at", d), staff="referrer_id"),
    Source("walk_ins", Swipe, lambda d: Q(customer__isnull=False) & on_day("swiped_at", d)),
    Source("red_list_invites", WorkItem, lambda d: Q(kind="red_list_invite", created_for=d)),
    Source("conversions", Prospect, lambda d: on_day("converted_at", d)),
    # Value plans and the opportunity pipeline (stock at the end of the day). Plans on
    # and off track are not a filter: see plan_rows below.
    Source("plans_done", ValuePlan, lambda d: Q(status="done")),
    Source(
        "opportunities",
        Opportunity,
        lambda d: Q(stage__in=["identified", "contacted", "proposed", "won"]),
        dimension="stage",
    ),
    # Complaints.
    Source("complaints_open", ComplaintCase, lambda d: Q(status="open")),
    Source("complaints_due_soon", ComplaintCase, _due_soon),
    Source(
        "complaints_overdue",
        ComplaintCase,
        lambda d: Q(status="open", reply_due_at__lt=day_start(d + dt.timedelta(1))),
    ),
    Source(
        "complaints_decided_in_time",
        ComplaintCase,
        lambda d: on_day("decided_at", d) & Q(decided_at__lte=models.F("reply_due_at")),
    ),
    Source("complaints_decided", ComplaintCase, lambda d: on_day("decided_at", d)),
    Source("satisfaction", ComplaintCase, _satisfaction_window, average="satisfaction"),
    # Satisfaction surveys (campaigns): the overall score of answered invitations.
    Source(
        "survey_satisfaction",
        SurveyInvitation,
        _answered_window,
        staff="manager_id",
        average="overall",
    ),
    # Retention (stock of win-back cases; AUM of the restored customers).
    Source("winback_at_risk", WinBackCase, lambda d: Q(status__in=["at_risk", "contacted"])),
    Source("winback_restored", WinBackCase, lambda d: Q(status="restored")),
    Source("winback_lost", WinBackCase, lambda d: Q(status="lost")),
    Source("aum_saved", WinBackCase, lambda d: Q(status="restored"), total="aum_saved"),
    # Training (attempts submitted on the day, by the staff member's branch).
    Source(
        "exams_taken",
        Attempt,
        lambda d: on_day("submitted_at", d),
        branch="staff__branch_id",
        staff="staff_id",
    ),
    Source(
        "exams_passed",
        Attempt,
        lambda d: Q(passed=True) & on_day("submitted_at", d),
        branch="staff__branch_id",
        staff="staff_id",
    ),
)
SOURCE_BY_METRIC = {source.metric: source for source in SOURCES}


def source_rows(source: Source, day: dt.date) -> list[dict[str, Any]]:
    """One GROUP BY query: (branch, staff, dimension) → value (and count for averages)."""
    from django.db.models import Avg, Count, Sum

    keys = [source.branch, *(k for k in (source.staff, source.dimension) if k)]
    aggregates: dict[str, Any] = {"n": Count("pk")}
    if source.total:
        aggregates["v"] = Sum(source.total)
    if source.average:
        aggregates["v"] = Avg(source.average)
    qs = source.model._default_manager.filter(source.where(day)).order_by()
    rows = []
    for row in qs.values(*keys).annotate(**aggregates):
        value = row["v"] if (source.total or source.average) else row["n"]
        rows.append(
            {
                "branch_id": row[source.branch],
                "staff_id": row[source.staff] if source.staff else None,
                "dimension": str(row[source.dimension]) if source.dimension else "",
                "value": float(value or 0),
                "count": row["n"],
            }
        )
    return rows


# Value plans on and off track (the value app's rule, which weighs actions, AUM and goal
# products, so it is computed per plan in bulk) and their effect on AUM since the start.
PLAN_METRICS = ("plans_on_track", "plans_off_track", "plans_aum_change")
PLAN_CHUNK = 1000


def plan_rows(day: dt.date) -> list[dict[str, Any]]:
    """Per active plan: its branch, owner and the plan figures of ``day``."""
    rows: list[dict[str, Any]] = []
    plans = active_plans()
    last = 0
    while True:
        chunk = list(plans.filter(pk__gt=last).order_by("pk")[:PLAN_CHUNK])
        if not chunk:
            return rows
        last = chunk[-1].pk
        for fig in plan_figures(chunk, today=day):
            track = "plans_off_track" if fig.off_track else "plans_on_track"
            for metric, value in ((track, 1.0), ("plans_aum_change", float(fig.aum_change))):
                rows.append(
                    {
                        "branch_id": fig.plan.branch_id,
                        "staff_id": fig.plan.owner_id,
                        "metric": metric,
                        "value": value,
                    }
                )


# Training completion: each (member of staff, paper) an assignment reaches — one person,
# or a role (in a branch and the branches below it, or bank-wide) — and whether that
# person has submitted the paper by the end of the day (as the paper results page counts).
TRAINING_METRICS = ("training_assigned", "training_completed")


@dataclass(frozen=True)
class TrainingPair:
    branch_id: int | None
    staff_id: int
    paper_id: int
    completed: bool


def training_pairs(day: dt.date) -> list[TrainingPair]:
    """Every assigned (staff, paper) pair and its completion on ``day`` (four queries)."""
    people = list(Staff.objects.filter(is_active=True).values_list("pk", "role", "branch_id"))
    branch_of = {pk: branch for pk, _role, branch in people}
    subtrees: dict[int, set[int]] = {}
    pairs: set[tuple[int, int]] = set()
    for paper_id, role, staff_id, branch_id in Assignment.objects.values_list(
        "paper_id", "role", "staff_id", "branch_id"
    ):
        if staff_id:
            pairs.add((staff_id, paper_id))
            continue
        if branch_id and branch_id not in subtrees:
            subtrees[branch_id] = set(branch_subtree_ids(branch_id=branch_id))
        within = subtrees.get(branch_id) if branch_id else None
        pairs.update(
            (pk, paper_id)
            for pk, staff_role, staff_branch in people
            if staff_role == role and (within is None or staff_branch in within)
        )
    done = set(
        Attempt.objects.filter(submitted_at__lt=day_start(day + dt.timedelta(1)))
        .values_list("staff_id", "paper_id")
        .distinct()
    )
    return [
        TrainingPair(branch_of.get(staff), staff, paper, (staff, paper) in done)
        for staff, paper in sorted(pairs)
    ]


def training_rows(day: dt.date) -> list[dict[str, Any]]:
    """Per pair with a branch: assigned 1, completed 1 or 0 (summed by the snapshot)."""
    rows = []
    for pair in training_pairs(day):
        if pair.branch_id is None:
            continue
        for metric, value in (("training_assigned", 1), ("training_completed", pair.completed)):
            rows.append(
                {"branch_id": pair.branch_id, "staff_id": pair.staff_id, "metric": metric,
                 "value": float(value)}
            )  # fmt: skip
    return rows
