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
from pcrm.playbook.loyalty import scorecard
from pcrm.retention.models import WinBackCase
from pcrm.training.models import Attempt
from pcrm.value.models import Opportunity, ValuePlan
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
    Source("referrals", Referral, lambda d: on_day("created_at", d)),
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
    # Value plans and the opportunity pipeline (stock at the end of the day).
    Source("plans_on_track", ValuePlan, lambda d: Q(status="active", due_on__gte=d)),
    Source("plans_off_track", ValuePlan, lambda d: Q(status="active", due_on__lt=d)),
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
