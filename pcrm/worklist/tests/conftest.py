"""Work items for the worklist tests, made through the one write path (work_item_put)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from pcrm.worklist.models import WorkItem
from pcrm.worklist.services import work_item_put

_subjects = itertools.count(1)


def put_item(
    *,
    customer: Any,
    staff: Any,
    kind: str = "maintenance",
    due_in: int = 0,
    priority: int = 4,
    channel: str = "phone",
    content: str = "care",
    reason: str = "距上次联系已满 30 天，请电话关怀。",
    subject: str | None = None,
) -> WorkItem:
    """One open item due ``due_in`` days from today (negative: overdue)."""
    item, _created = work_item_put(
        actor=None,
        customer=customer,
        staff=staff,
        kind=kind,
        subject=subject or f"s{next(_subjects)}",
        due_on=timezone.localdate() + dt.timedelta(days=due_in),
        channel=channel,
        content=content,
        priority=priority,
        reason=reason,
    )
    return item


@pytest.fixture
def make_item(personas: Any) -> Callable[..., WorkItem]:
    return put_item
