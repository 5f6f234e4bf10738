"""Reads of the work queue, always scoped to what the caller may see.

List pages run a fixed number of queries whatever the page size (DESIGN §6):
one count and one page query per list, one aggregate for the tab counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from pcrm.customers.models import Customer
from pcrm.customers.selectors import customer_list_for
from pcrm.customers.services import BOOK_KEEPING_ROLES
from pcrm.lib.masking import mask_name
from pcrm.org.models import Staff
from pcrm.org.roles import can, matrix, sees_full_identity
from pcrm.org.selectors import branch_subtree_ids
from pcrm.worklist.choices import Status
from pcrm.worklist.models import WorkItem

# An item still to be worked: a deferred item comes back on its new due date.
OPEN_STATUSES = (Status.OPEN, Status.DEFERRED)
PAGE_SIZE = 50
# The branch head's statistics cover the last 30 days unless another period is chosen.
DEFAULT_STATS_DAYS = 30
TAB_TODAY, TAB_UPCOMING = "today", "upcoming"
TABS = (TAB_TODAY, TAB_UPCOMING)

_ITEM_COLUMNS = (
    "id",
    "item_key",
    "kind",
    "due_on",
    "channel",
    "content",
    "priority",
    "reason",
    "status",
    "outcome",
    "note",
    "closed_at",
    "staff_id",
    "branch_id",
    "customer__id",
    "customer__customer_no",
    "customer__name",
    "customer__manager_id",
)


def _subtree(user: Any) -> list[int]:
    return branch_subtree_ids(branch_id=user.branch_id) if user.branch_id else []


def work_item_list_for(*, user: Any) -> QuerySet[WorkItem]:
    """Items the user may see and work: their own; a branch head's also every item of
    the branch and its sub-branches. Always within the customers the user may see."""
    if not getattr(user, "is_authenticated", False):
        return WorkItem.objects.none()
    scope = Q(staff=user) if can(user, "worklist.work") else Q(pk__in=[])
    if can(user, "worklist.allocate"):
        scope |= Q(branch_id__in=_subtree(user))
    customers = customer_list_for(user=user).values("pk")
    return WorkItem.objects.filter(scope, customer_id__in=customers)


def work_item_get_for(*, user: Any, pk: int) -> WorkItem:
    """The item, or 404 when it does not exist or the user may not work it."""
    qs = work_item_list_for(user=user).select_related("customer__branch")
    item = get_object_or_404(qs, pk=pk)
    item_label(user=user, items=[item])
    return item


def item_label(*, user: Any, items: list[WorkItem], today: dt.date | None = None) -> list[WorkItem]:
    """Attach what a list shows beside the item: the customer's name as the user may see
    it (masked for masked roles), whether it is still to be worked and overdue."""
    full, today = sees_full_identity(user), today or timezone.localdate()
    for item in items:
        name = item.customer.name
        is_open = item.status in OPEN_STATUSES
        item.customer_label = name if full else mask_name(name)  # type: ignore[attr-defined]
        item.is_open = is_open  # type: ignore[attr-defined]
        item.is_overdue = is_open and item.due_on < today  # type: ignore[attr-defined]
    return items


def _open_items(base: QuerySet[WorkItem], *, tab: str, today: dt.date) -> QuerySet[WorkItem]:
    qs = base.filter(status__in=OPEN_STATUSES)
    qs = qs.filter(due_on__gt=today) if tab == TAB_UPCOMING else qs.filter(due_on__lte=today)
    return qs.select_related("customer").only(*_ITEM_COLUMNS).order_by("priority", "due_on", "id")


def work_item_page(
    *, user: Any, base: QuerySet[WorkItem], tab: str, page: Any, today: dt.date | None = None
) -> Page[WorkItem]:
    """One page (50) of open items: due today and overdue, or upcoming; most urgent first."""
    today = today or timezone.localdate()
    items = Paginator(_open_items(base, tab=tab, today=today), PAGE_SIZE).get_page(page)
    item_label(user=user, items=list(items.object_list), today=today)
    return items


def work_item_staff_list_for(*, user: Any, staff: Any) -> QuerySet[WorkItem]:
    """A staff member's items, as far as ``user`` may see them."""
    return work_item_list_for(user=user).filter(staff=staff)


def work_item_unassigned_for(*, user: Any) -> QuerySet[WorkItem]:
    """The branch head's queue: items of the branch's customers no manager keeps."""
    if not can(user, "worklist.allocate"):
        return WorkItem.objects.none()
    return work_item_list_for(user=user).filter(
        branch_id__in=_subtree(user), customer__manager__isnull=True
    )


def work_item_tab_counts(base: QuerySet[WorkItem], *, today: dt.date) -> dict[str, int]:
    """How many open items each tab holds, and how many of today's are overdue."""
    return base.filter(status__in=OPEN_STATUSES).aggregate(
        today=Count("id", filter=Q(due_on__lte=today)),
        overdue=Count("id", filter=Q(due_on__lt=today)),
        upcoming=Count("id", filter=Q(due_on__gt=today)),
    )


@dataclass(frozen=True)
class StaffWorkStats:
    """One member of staff's work queue in numbers, for the branch head."""

    staff: Staff
    open: int
    due_today: int
    overdue: int
    due_in_period: int
    done_in_period: int

    @property
    def completion_rate(self) -> float | None:
        """Share of the items due in the period that were completed (None: nothing due)."""
        return self.done_in_period / self.due_in_period if self.due_in_period else None


def worklist_staff_for_branch(*, user: Any) -> QuerySet[Staff]:
    """Active staff of the head's branch and sub-branches whose role works a list."""
    roles = [name for name, rule in matrix().items() if "worklist.work" in rule.can]
    if not can(user, "worklist.allocate"):
        return Staff.objects.none()
    return Staff.objects.filter(
        branch_id__in=_subtree(user), is_active=True, role__in=roles
    ).order_by("branch__code", "role", "staff_code")


def worklist_stats_for_branch(
    *, user: Any, start: dt.date, end: dt.date, today: dt.date | None = None
) -> list[StaffWorkStats]:
    """Open, due-today, overdue counts now, and the period's completion, per member."""
    today = today or timezone.localdate()
    staff = list(worklist_staff_for_branch(user=user).select_related("branch"))
    period = Q(due_on__gte=start, due_on__lte=end)
    is_open = Q(status__in=OPEN_STATUSES)
    rows = (
        WorkItem.objects.filter(staff__in=[s.pk for s in staff])
        .values("staff_id")
        .annotate(
            open=Count("id", filter=is_open),
            due_today=Count("id", filter=is_open & Q(due_on=today)),
            overdue=Count("id", filter=is_open & Q(due_on__lt=today)),
            due_in_period=Count("id", filter=period),
            done_in_period=Count("id", filter=period & Q(status=Status.DONE)),
        )
        .order_by()
    )
    by_staff = {
        row["staff_id"]: (
            row["open"],
            row["due_today"],
            row["overdue"],
            row["due_in_period"],
            row["done_in_period"],
        )
        for row in rows
    }
    return [StaffWorkStats(s, *by_staff.get(s.pk, (0, 0, 0, 0, 0))) for s in staff]


def worklist_member_for(*, user: Any, staff_code: str) -> Staff:
    """A member of the head's branch (or sub-branches), or 404."""
    return get_object_or_404(worklist_staff_for_branch(user=user), staff_code=staff_code)


def customer_unassigned_page_for(*, user: Any, page: Any) -> Page[Customer]:
    """Customers of the head's branch no manager keeps, with their open items counted."""
    if not can(user, "worklist.allocate"):
        qs = Customer.objects.none()
    else:
        qs = customer_list_for(user=user).filter(manager__isnull=True)
    qs = (
        qs.annotate(open_items=Count("work_items", filter=Q(work_items__status__in=OPEN_STATUSES)))
        .only("id", "customer_no", "name", "branch_id", "aum", "service_established")
        .order_by("-open_items", "customer_no")
    )
    customers = cast("Page[Customer]", Paginator(qs, PAGE_SIZE).get_page(page))
    full = sees_full_identity(user)
    for customer in customers.object_list:
        customer.label = customer.name if full else mask_name(customer.name)  # type: ignore[attr-defined]
    return customers


def allocation_candidates_for(*, user: Any) -> QuerySet[Staff]:
    """Managers and wealth advisors of the head's branch a customer may be given to."""
    if not can(user, "worklist.allocate"):
        return Staff.objects.none()
    return Staff.objects.filter(
        branch_id__in=_subtree(user), is_active=True, role__in=sorted(BOOK_KEEPING_ROLES)
    ).order_by("role", "staff_code")
