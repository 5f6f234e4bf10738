"""Reads of the audit trail for auditors: filtered, keyset-paginated by id (newest first)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from pcrm.audit.models import AuditEvent


@dataclass(frozen=True)
class AuditFilters:
    """Filters of the audit page; empty values mean "any"."""

    actor: str = ""
    action: str = ""
    target: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass
class AuditPage:
    rows: list[AuditEvent]
    older_than: int | None = None
    newer_than: int | None = None


def audit_event_filter(filters: AuditFilters) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.all()
    if filters.actor:
        qs = qs.filter(actor_label__iexact=filters.actor)
    if filters.action:
        qs = qs.filter(action__startswith=filters.action)
    if filters.target:
        # Auditors know customers by number; events keep it in their masked data.
        qs = qs.filter(Q(target_id=filters.target) | Q(data__customer_no=filters.target))
    if filters.date_from:
        qs = qs.filter(at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(at__date__lte=filters.date_to)
    return qs


def audit_event_page(
    *, filters: AuditFilters, size: int, before: int | None = None, after: int | None = None
) -> AuditPage:
    """One page of events, newest first; one query whatever the page size."""
    qs = audit_event_filter(filters)
    if after is not None:
        rows = list(qs.filter(id__gt=after).order_by("id")[: size + 1])
        has_more = len(rows) > size
        rows = rows[:size][::-1]
        return AuditPage(
            rows=rows,
            older_than=rows[-1].id if rows else None,
            newer_than=rows[0].id if rows and has_more else None,
        )
    if before is not None:
        qs = qs.filter(id__lt=before)
    rows = list(qs.order_by("-id")[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    return AuditPage(
        rows=rows,
        older_than=rows[-1].id if rows and has_more else None,
        newer_than=rows[0].id if rows and before is not None else None,
    )
