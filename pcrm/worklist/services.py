"""Writes to the work queue. Every feature feeds it through :func:`work_item_put`;
staff work the items through :func:`work_item_complete`, :func:`work_item_defer` and
:func:`work_item_skip`, and a branch head allocates customers with :func:`customers_allocate`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.audit.services import audit_record
from pcrm.customers.choices import Outcome
from pcrm.customers.models import Customer
from pcrm.customers.services import customer_manager_assign, interaction_log
from pcrm.org.roles import can
from pcrm.org.selectors import branch_subtree_ids
from pcrm.worklist.choices import Kind, Status
from pcrm.worklist.models import WorkItem
from pcrm.worklist.selectors import OPEN_STATUSES


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


def work_item_may_act(*, actor: Any, item: WorkItem) -> bool:
    """The assignee, or a branch head over the item's branch, may work the item."""
    if not getattr(actor, "is_authenticated", False):
        return False
    if item.staff_id == actor.pk and can(actor, "worklist.work"):
        return True
    return bool(
        can(actor, "worklist.allocate")
        and actor.branch_id
        and item.branch_id in branch_subtree_ids(branch_id=actor.branch_id)
    )


def _open_item_for(*, actor: Any, item: WorkItem) -> WorkItem:
    """Lock the item's row and check it may be worked; someone else's item is a 404."""
    # Lock only the item: a lock on the joined branch row would serialise the whole branch.
    locked = (
        WorkItem.objects.select_for_update(of=("self",))
        .select_related("customer__branch")
        .get(pk=item.pk)
    )
    if not work_item_may_act(actor=actor, item=locked):
        raise Http404
    if locked.status not in OPEN_STATUSES:
        raise ValidationError(_("该工作项已办结，不能再次处理。"))
    return locked


def _audit(actor: Any, action: str, item: WorkItem, reason: str = "", **data: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=item,
        reason=reason,
        data={"item_key": item.item_key, "customer_no": item.customer.customer_no, **data},
        branch_code=item.customer.branch.code,
    )


@transaction.atomic
def work_item_complete(*, actor: Any, item: WorkItem, outcome: str, notes: str = "") -> WorkItem:
    """Close the item with the outcome of the contact and log that contact.

    The interaction carries the item's key, so a reached contact establishes the
    service relationship and restarts the maintenance cycle. Staff whose role keeps
    no contact log (a lobby manager's walk-in) close the item without one.
    """
    if outcome not in Outcome.values:
        raise ValidationError(_("请选择联系结果。"))
    locked = _open_item_for(actor=actor, item=item)
    now = timezone.now()
    logged = can(actor, "contact.log")
    if logged:
        interaction_log(
            actor=actor,
            customer=locked.customer,
            channel=locked.channel,
            outcome=outcome,
            purpose=str(Kind(locked.kind).label),
            notes=notes,
            occurred_at=now,
            work_item_key=locked.item_key,
        )
    locked.status, locked.outcome = Status.DONE, outcome
    locked.note, locked.closed_at = notes.strip(), now
    locked.save(update_fields=["status", "outcome", "note", "closed_at"])
    _audit(actor, "work_item.complete", locked, outcome=outcome, interaction_logged=logged)
    return locked


@transaction.atomic
def work_item_defer(*, actor: Any, item: WorkItem, until: dt.date, note: str = "") -> WorkItem:
    """Move the item to a later day; it stays to be done (status deferred)."""
    if until <= timezone.localdate():
        raise ValidationError(_("延期日期必须晚于今天。"))
    locked = _open_item_for(actor=actor, item=item)
    previous = locked.due_on
    locked.status, locked.due_on = Status.DEFERRED, until
    if note.strip():
        locked.note = note.strip()
    locked.save(update_fields=["status", "due_on", "note"])
    _audit(
        actor, "work_item.defer", locked, due_on=until.isoformat(), was_due_on=previous.isoformat()
    )
    return locked


@transaction.atomic
def work_item_skip(*, actor: Any, item: WorkItem, reason: str) -> WorkItem:
    """Close the item without a contact; the reason is required and audited."""
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("请填写跳过原因。"))
    locked = _open_item_for(actor=actor, item=item)
    locked.status, locked.note, locked.closed_at = Status.SKIPPED, reason, timezone.now()
    locked.save(update_fields=["status", "note", "closed_at"])
    _audit(actor, "work_item.skip", locked, reason=reason)
    return locked


@transaction.atomic
def customers_allocate(*, actor: Any, customers: Iterable[Customer], manager: Any) -> int:
    """Give each customer to the manager (their open work items follow); all or none."""
    if not can(actor, "worklist.allocate"):
        raise PermissionDenied(_("您的岗位无权分配客户。"))
    count = 0
    for customer in customers:
        customer_manager_assign(actor=actor, customer=customer, manager=manager)
        count += 1
    return count
