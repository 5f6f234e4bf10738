"""The regulatory clock (银行业保险业消费投诉处理管理办法), as pure functions.

A case must be decided and the customer told within the stage's day count
from receipt; time waiting for an outside appraisal (a pause) does not count,
so the deadline moves by exactly the paused time. The day counts come from the
policy (pcrm.complaints.policy), never from this module.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

Interval = tuple[dt.datetime, dt.datetime | None]


def merged_pauses(
    pauses: Iterable[Interval], *, now: dt.datetime
) -> list[tuple[dt.datetime, dt.datetime]]:
    """Closed, non-overlapping pause intervals; an open pause runs until ``now``."""
    spans = sorted((start, end or max(start, now)) for start, end in pauses)
    merged: list[tuple[dt.datetime, dt.datetime]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def paused_time(pauses: Iterable[Interval], *, now: dt.datetime) -> dt.timedelta:
    """Total time the clock stood still (overlaps counted once)."""
    return sum((end - start for start, end in merged_pauses(pauses, now=now)), dt.timedelta())


def deadline(
    *, received_at: dt.datetime, limit_days: int, pauses: Iterable[Interval], now: dt.datetime
) -> dt.datetime:
    """When the decision must be told: receipt + limit, moved on by every pause that
    begins while the clock still runs (a pause after the deadline cannot revive it)."""
    due = received_at + dt.timedelta(days=limit_days)
    for start, end in merged_pauses(pauses, now=now):
        if start >= due:
            break
        due += end - max(start, received_at)
    return due


def running_time(
    *, received_at: dt.datetime, at: dt.datetime, pauses: Iterable[Interval]
) -> dt.timedelta:
    """Time on the clock between receipt and ``at``, net of pauses before ``at``."""
    clipped = [(max(start, received_at), min(end or at, at)) for start, end in pauses if start < at]
    clipped = [(s, e) for s, e in clipped if e > s]
    return (at - received_at) - paused_time(clipped, now=at)


def days_left(*, due: dt.datetime, now: dt.datetime) -> float:
    return (due - now).total_seconds() / 86400
