"""Reads behind the staff's daily pages: the book, the customer 360 and the home counts.

Every customer read starts from ``customer_list_for`` so a record the user may not
see never leaves the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from pcrm.customers.models import Customer, Holding, Interaction
from pcrm.customers.selectors import (
    LIST_COLUMNS,
    customer_get_for,
    customer_list_for,
    customer_search,
    holding_list_for_customer,
    interaction_list_for_customer,
)
from pcrm.playbook.models import CustomerSegment
from pcrm.workbench.display import display_settings
from pcrm.worklist.choices import Status
from pcrm.worklist.models import WorkItem

NONE = "none"  # filter value meaning "not set" (no tier, no orientation, ...)

BOOK_COLUMNS = (
    *LIST_COLUMNS,
    "segment__tier",
    "segment__quadrant",
    "segment__next_maintenance_on",
    "manager__name",
    "manager__staff_code",
)


@dataclass(frozen=True)
class BookFilters:
    """The filters of "my book"; empty strings and ``None`` mean "any"."""

    q: str = ""
    tier: str = ""
    quadrant: str = ""
    orientation: str = ""
    contact_preference: str = ""
    service_established: bool | None = None
    red_list: bool | None = None


@dataclass
class BookPage:
    """One keyset page: rows plus the cursors to the neighbouring pages."""

    rows: list[Customer]
    next_after: str | None = None
    prev_before: str | None = None


def _choice_filter(qs: QuerySet[Customer], lookup: str, value: str) -> QuerySet[Customer]:
    if not value:
        return qs
    if value == NONE:
        return qs.filter(**{lookup: ""})
    return qs.filter(**{lookup: value})


def book_filter(qs: QuerySet[Customer], filters: BookFilters) -> QuerySet[Customer]:
    """Apply the book's filters and search to a scoped customer queryset."""
    qs = customer_search(qs, query=filters.q)
    if filters.tier == NONE:
        qs = qs.filter(Q(segment__isnull=True) | Q(segment__tier=""))
    elif filters.tier:
        qs = qs.filter(segment__tier=filters.tier)
    if filters.quadrant == NONE:
        qs = qs.filter(segment__isnull=True)
    elif filters.quadrant:
        qs = qs.filter(segment__quadrant=filters.quadrant)
    qs = _choice_filter(qs, "orientation", filters.orientation)
    qs = _choice_filter(qs, "contact_preference", filters.contact_preference)
    if filters.service_established is not None:
        qs = qs.filter(service_established=filters.service_established)
    if filters.red_list is not None:
        qs = qs.filter(red_list=filters.red_list)
    return qs


def book_page_for(
    *,
    user: Any,
    filters: BookFilters,
    after: str = "",
    before: str = "",
    size: int | None = None,
) -> BookPage:
    """A page of the user's book by customer number (keyset): one query whatever the size."""
    size = size or display_settings().book_page_size
    qs = book_filter(customer_list_for(user=user), filters)
    qs = qs.select_related("segment", "manager").only(*BOOK_COLUMNS)
    if before:
        rows = list(qs.filter(customer_no__lt=before).order_by("-customer_no")[: size + 1])
        has_more = len(rows) > size
        rows = rows[:size][::-1]
        return BookPage(
            rows=rows,
            next_after=rows[-1].customer_no if rows else None,
            prev_before=rows[0].customer_no if rows and has_more else None,
        )
    if after:
        qs = qs.filter(customer_no__gt=after)
    rows = list(qs.order_by("customer_no")[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return BookPage(
        rows=rows,
        next_after=rows[-1].customer_no if rows and has_more else None,
        prev_before=rows[0].customer_no if rows and after else None,
    )


def segment_of(customer: Customer) -> CustomerSegment | None:
    """The customer's segment row, or None when the playbook has not run for them."""
    try:
        segment: CustomerSegment = customer.segment
    except CustomerSegment.DoesNotExist:
        return None
    return segment


@dataclass
class HoldingRow:
    """A holding with its profit/loss and whether it matures soon."""

    holding: Holding
    profit: Decimal
    profit_pct: Decimal | None
    matures_soon: bool


@dataclass
class Customer360:
    """Everything the 360 page shows about one customer."""

    customer: Customer
    segment: CustomerSegment | None
    holdings: list[HoldingRow] = field(default_factory=list)
    interactions: list[Interaction] = field(default_factory=list)


def _holding_row(holding: Holding, *, today: dt.date, horizon: dt.date) -> HoldingRow:
    profit = holding.market_value - holding.principal
    pct = (
        (profit / holding.principal * 100).quantize(Decimal("0.01")) if holding.principal else None
    )
    soon = (
        holding.status == "active"
        and holding.matures_on is not None
        and today <= holding.matures_on <= horizon
    )
    return HoldingRow(holding=holding, profit=profit, profit_pct=pct, matures_soon=soon)


def customer_360_for(*, user: Any, customer_no: str, financial: bool) -> Customer360:
    """The customer (404 when not visible) with segment, holdings and timeline.

    ``financial`` is False for roles that see masked identity only: they get no
    holdings and no contact history.
    """
    customer = customer_get_for(user=user, customer_no=customer_no)
    segment = CustomerSegment.objects.filter(customer=customer).first()
    view = Customer360(customer=customer, segment=segment)
    if not financial:
        return view
    today = timezone.localdate()
    horizon = today + dt.timedelta(days=display_settings().maturity_highlight_days)
    view.holdings = [
        _holding_row(h, today=today, horizon=horizon)
        for h in holding_list_for_customer(customer=customer)
    ]
    view.interactions = list(
        interaction_list_for_customer(customer=customer, limit=display_settings().timeline_limit)
    )
    return view


@dataclass(frozen=True)
class WorkCounts:
    """The user's open work items due today and overdue."""

    due_today: int
    overdue: int


def work_counts_for(*, user: Any) -> WorkCounts:
    """Counts of the user's own open work items (one query)."""
    today = timezone.localdate()
    counts = WorkItem.objects.filter(staff=user, status=Status.OPEN).aggregate(
        due_today=Count("id", filter=Q(due_on=today)),
        overdue=Count("id", filter=Q(due_on__lt=today)),
    )
    return WorkCounts(due_today=counts["due_today"], overdue=counts["overdue"])
