"""The red list (红名单): kept by import or by hand, each change with who and why."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from pcrm.acquisition.models import RedListEntry
from pcrm.audit.services import audit_record, audit_record_bulk
from pcrm.customers.models import Customer
from pcrm.org.roles import can


@transaction.atomic
def red_list_set(*, actor: Any, customer: Customer, on_list: bool, reason: str) -> RedListEntry:
    """Put a customer on the red list or take them off, by hand, with a reason."""
    if not can(actor, "redlist.edit"):
        raise PermissionDenied(_("您的岗位无权维护红名单。"))
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError(_("请填写列入或移出红名单的原因。"))
    if customer.red_list == on_list:
        raise ValidationError(_("该客户已在红名单中。") if on_list else _("该客户不在红名单中。"))
    Customer.objects.filter(pk=customer.pk).update(red_list=on_list)
    customer.red_list = on_list
    entry = RedListEntry.objects.create(
        customer=customer, on_list=on_list, reason=reason[:200], source="manual", actor=actor
    )
    audit_record(
        actor=actor,
        action="red_list.add" if on_list else "red_list.remove",
        target=customer,
        reason=reason,
        data={"customer_no": customer.customer_no},
        branch_code=customer.branch.code,
    )
    return entry


@transaction.atomic
def red_list_reconcile(*, actor: Any) -> int:
    """Record in the history the red-list marks that an import changed (set-based).

    The customer import writes ``Customer.red_list`` directly; this writes one
    ``import`` entry for every customer whose mark differs from their last entry.
    """
    last = RedListEntry.objects.filter(customer=OuterRef("pk")).order_by("-at", "-id")
    changed = (
        Customer.objects.annotate(last_mark=Subquery(last.values("on_list")[:1]))
        .exclude(last_mark=None, red_list=False)
        .values_list("id", "customer_no", "red_list", "last_mark")
    )
    entries = [
        RedListEntry(customer_id=pk, on_list=mark, reason=_("核心系统导入"), source="import")
        for pk, _no, mark, previous in changed
        if previous != mark
    ]
    RedListEntry.objects.bulk_create(entries, batch_size=2000)
    audit_record_bulk(
        actor=actor,
        action="red_list.import",
        rows=[{"target_id": e.customer_id, "on_list": e.on_list} for e in entries],
        target_type="customers.customer",
    )
    return len(entries)
