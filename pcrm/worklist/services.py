"""Writes to the work queue. Every feature feeds it through :func:`work_item_put`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from pcrm.audit.services import audit_record
from pcrm.customers.models import Customer
from pcrm.worklist.models import WorkItem


def work_item_key(*, kind: str, customer_no: str, subject: str) -> str:
    """The stable key of DESIGN §4.3: kind + customer + subject."""
    return f"{kind}:{customer_no}:{subject}"


@transaction.atomic
def work_item_put(
    *,
    actor: Any,
    customer: Customer,
    staff: Any,
    kind: str,
    subject: str,
    due_on: dt.date,
    channel: str,
    content: str,
    priority: int,
    reason: str,
    created_for: dt.date | None = None,
) -> tuple[WorkItem, bool]:
    """Create the item for (kind, customer, subject) unless it exists; idempotent.

    Returns (item, created). An existing item — open, done or skipped — is left
    as it is, so a finished subject is never raised again.
    """
    key = work_item_key(kind=kind, customer_no=customer.customer_no, subject=subject)
    item, created = WorkItem.objects.get_or_create(
        item_key=key,
        defaults={
            "customer": customer,
            "staff": staff,
            "branch_id": customer.branch_id,
            "kind": kind,
            "subject": subject,
            "due_on": due_on,
            "channel": channel,
            "content": content,
            "priority": priority,
            "reason": reason,
            "created_for": created_for,
        },
    )
    if created:
        audit_record(
            actor=actor,
            action="work_item.create",
            target=item,
            data={"item_key": key, "kind": kind, "staff": getattr(staff, "staff_code", "")},
            branch_code=customer.branch.code,
        )
    return item, created
