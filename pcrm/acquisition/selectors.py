"""Reads of the acquisition app, always scoped through customer_list_for (DESIGN §3).

List pages run a fixed number of queries whatever the page size (DESIGN §6).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Greatest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from pcrm.acquisition import policy
from pcrm.acquisition.choices import ReferralStatus
from pcrm.acquisition.models import Lead, MarketingDrive, RedListEntry, Referral, Swipe
from pcrm.acquisition.services.referrals import referral_credit
from pcrm.customers.models import Customer, Interaction
from pcrm.customers.selectors import customer_list_for
from pcrm.org.roles import can, rule_for
from pcrm.org.selectors import branch_subtree_ids
from pcrm.worklist.models import WorkItem

OPEN = ("open", "deferred")


def _subtree(user: Any) -> list[int]:
    return branch_subtree_ids(branch_id=user.branch_id) if user.branch_id else []


def book_for(*, user: Any) -> QuerySet[Customer]:
    """The customers a manager holds (名下客户); a branch head's: the branch's."""
    visible = customer_list_for(user=user)
    rule = rule_for(user)
    if rule is not None and rule.customer_scope == "assigned":
        return visible.filter(manager=user)
    return visible


@dataclass
class Sifting:
    """A book split by service relationship (梳理筛选), with progress over time."""

    total: int
    established: int
    not_established: int
    open_items: int
    weeks: list[tuple[dt.date, int, int]] = field(default_factory=list)  # week, new, cumulative

    @property
    def established_share(self) -> int:
        return round(100 * self.established / self.total) if self.total else 0


def book_sifting_for(*, user: Any, today: dt.date | None = None) -> Sifting:
    """Counts and weekly progress of the user's book (three queries)."""
    book = book_for(user=user)
    counts = book.aggregate(
        total=Count("id"), established=Count("id", filter=Q(service_established=True))
    )
    open_items = WorkItem.objects.filter(
        customer__in=book.values("pk"), kind="establish_relationship", status__in=OPEN
    ).count()
    weeks_back = int(policy.sifting()["progress_weeks"])
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=today.weekday() + 7 * (weeks_back - 1))
    since = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    # Bucketed here: a manager's book is small, and week truncation differs by database.
    by_day: dict[dt.date, int] = {}
    for at in book.filter(service_established=True, established_at__gte=since).values_list(
        "established_at", flat=True
    ):
        day = timezone.localtime(at).date()
        week = day - dt.timedelta(days=day.weekday())
        by_day[week] = by_day.get(week, 0) + 1
    before = counts["established"] - sum(by_day.values())
    weeks, running = [], before
    for i in range(weeks_back):
        week = start + dt.timedelta(days=7 * i)
        running += by_day.get(week, 0)
        weeks.append((week, by_day.get(week, 0), running))
    return Sifting(
        total=counts["total"],
        established=counts["established"],
        not_established=counts["total"] - counts["established"],
        open_items=open_items,
        weeks=weeks,
    )


def book_sifting_list(*, user: Any, established: bool) -> QuerySet[Customer]:
    """One side of the split, with whether an establish_relationship item is open."""
    item = WorkItem.objects.filter(
        customer=OuterRef("pk"), kind="establish_relationship", status__in=OPEN
    )
    return (
        book_for(user=user)
        .filter(service_established=established)
        .annotate(has_item=Exists(item))
        .only(
            "id",
            "customer_no",
            "name",
            "phone_masked",
            "red_list",
            "potential",
            "aum",
            "established_at",
            "manager_id",
        )
        .order_by("-red_list", "-aum", "customer_no")
    )


def establish_items_for(*, user: Any) -> QuerySet[WorkItem]:
    return (
        WorkItem.objects.filter(
            customer__in=book_for(user=user).values("pk"),
            kind="establish_relationship",
            status__in=OPEN,
        )
        .select_related("customer")
        .only("id", "due_on", "priority", "reason", "customer__customer_no", "customer__name")
        .order_by("due_on", "priority")
    )


def swipe_list_for(*, user: Any) -> QuerySet[Swipe]:
    """Walk-ins the user may see: of customers they see, in their branches."""
    visible = customer_list_for(user=user).values("pk")
    return (
        Swipe.objects.filter(
            Q(customer__in=visible) | Q(customer__isnull=True, branch_id__in=_subtree(user))
        )
        .select_related("customer", "branch")
        .only(
            "id",
            "ticket_no",
            "swiped_at",
            "tier",
            "flags",
            "notified",
            "number_masked",
            "branch__name",
            "customer__customer_no",
            "customer__name",
        )
        .order_by("-swiped_at", "-id")
    )


def referral_list_for(*, user: Any, box: str) -> QuerySet[Referral]:
    """``made`` (by the user), ``received`` (to the user) or ``branch`` (head)."""
    qs = Referral.objects.select_related("referrer", "target", "customer", "prospect")
    if box == "made":
        return qs.filter(referrer=user)
    if box == "received":
        return qs.filter(target=user)
    if box == "branch" and can(user, "report.branch"):
        return qs.filter(branch_id__in=_subtree(user))
    return qs.none()


def referral_get_for(*, user: Any, pk: int) -> Referral:
    """The referral, if the user made it, received it, or heads its branch."""
    condition = Q(referrer=user) | Q(target=user)
    if can(user, "report.branch"):
        condition |= Q(branch_id__in=_subtree(user))
    qs = Referral.objects.select_related("referrer", "target", "customer", "prospect")
    return get_object_or_404(qs.filter(condition), pk=pk)


@dataclass
class CreditRow:
    referrer: Any
    referrals: int = 0
    accepted: int = 0
    declined: int = 0
    contacted: int = 0
    established: int = 0
    product_sold: int = 0
    credit: int = 0


def referral_credit_report(*, user: Any, since: dt.date | None = None) -> list[CreditRow]:
    """Per referrer of the user's branches: referrals, outcomes and credit points."""
    if not can(user, "report.branch"):
        return []
    qs = Referral.objects.filter(branch_id__in=_subtree(user)).select_related("referrer")
    if since is not None:
        qs = qs.filter(created_at__date__gte=since)
    rows: dict[int, CreditRow] = {}
    for referral in qs.only(
        "referrer__staff_code",
        "referrer__name",
        "referrer__role",
        "status",
        "contacted_at",
        "established_at",
        "product_sold_at",
    ):
        row = rows.setdefault(referral.referrer_id, CreditRow(referrer=referral.referrer))
        row.referrals += 1
        row.accepted += referral.status == ReferralStatus.ACCEPTED
        row.declined += referral.status == ReferralStatus.DECLINED
        row.contacted += referral.contacted_at is not None
        row.established += referral.established_at is not None
        row.product_sold += referral.product_sold_at is not None
        row.credit += referral_credit(referral)
    return sorted(rows.values(), key=lambda r: (-r.credit, r.referrer.staff_code))


def method_results_for(*, user: Any, since: dt.date | None = None) -> list[dict[str, Any]]:
    """Face-to-face marketing: contacts and their outcomes per method (DOMAIN §2.3)."""
    qs = Interaction.objects.filter(customer__in=customer_list_for(user=user).values("pk")).exclude(
        method=""
    )
    if since is not None:
        qs = qs.filter(occurred_at__date__gte=since)
    rows: list[dict[str, Any]] = list(
        qs.values("method")
        .annotate(
            total=Count("id"),
            reached=Count("id", filter=Q(outcome="reached")),
            declined=Count("id", filter=Q(outcome="declined")),
            customers=Count("customer", distinct=True),
        )
        .order_by("method")  # type: ignore[arg-type]
    )
    return rows


def red_list_invite_conversion_for(*, user: Any) -> dict[str, int]:
    """``red_list_invite`` items and what they became: done, reached, established."""
    items = WorkItem.objects.filter(
        kind="red_list_invite", customer__in=customer_list_for(user=user).values("pk")
    )
    return items.aggregate(
        total=Count("id"),
        done=Count("id", filter=Q(status="done")),
        reached=Count("id", filter=Q(outcome="reached")),
        established=Count("id", filter=Q(customer__service_established=True)),
    )


def red_list_for(*, user: Any) -> QuerySet[Customer]:
    return customer_list_for(user=user).filter(red_list=True).order_by("customer_no")


def red_list_history_for(*, user: Any) -> QuerySet[RedListEntry]:
    return (
        RedListEntry.objects.filter(customer__in=customer_list_for(user=user).values("pk"))
        .select_related("customer", "actor")
        .order_by("-at")
    )


def drive_list_for(*, user: Any) -> QuerySet[MarketingDrive]:
    return (
        MarketingDrive.objects.filter(branch_id__in=_subtree(user))
        .select_related("owner")
        .annotate(lead_count=Count("leads"))
        .order_by("-starts_on", "-id")
    )


def drive_get_for(*, user: Any, pk: int) -> MarketingDrive:
    return get_object_or_404(MarketingDrive.objects.filter(branch_id__in=_subtree(user)), pk=pk)


@dataclass
class DriveResults:
    leads: int
    existing_customers: int
    customers: int
    contacted: int
    established: int
    aum_brought_in: Decimal


def drive_results(*, drive: MarketingDrive) -> DriveResults:
    """Leads, contacted, established and AUM brought in (two aggregate queries)."""
    contact = Interaction.objects.filter(
        customer=OuterRef("customer"), occurred_at__gte=OuterRef("created_at")
    )
    leads = Lead.objects.filter(drive=drive)
    contacted = leads.filter(Exists(contact)).count()
    totals = leads.aggregate(
        leads=Count("id"),
        existing=Count("id", filter=Q(existing_customer=True)),
        customers=Count("id", filter=Q(customer__isnull=False)),
        established=Count(
            "id",
            filter=Q(customer__service_established=True)
            & (Q(customer__established_at__gte=F("created_at")) | Q(existing_customer=False)),
        ),
        growth=Sum(Greatest(F("customer__aum") - F("aum_at_entry"), Decimal(0))),
    )
    return DriveResults(
        leads=totals["leads"],
        existing_customers=totals["existing"],
        customers=totals["customers"],
        contacted=contacted,
        established=totals["established"],
        aum_brought_in=totals["growth"] or Decimal(0),
    )


def lead_list_for(*, drive: MarketingDrive) -> QuerySet[Lead]:
    return (
        Lead.objects.filter(drive=drive)
        .select_related("prospect", "customer")
        .only(
            "id",
            "segment",
            "existing_customer",
            "created_at",
            "aum_at_entry",
            "prospect__name",
            "prospect__phone_masked",
            "prospect__id_no_masked",
            "customer__customer_no",
            "customer__service_established",
            "customer__aum",
        )
    )
