"""Writes to the customer master. Each service audits in its own transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.audit.services import audit_record
from pcrm.customers.choices import ASSET_PRODUCT_TYPES, Outcome
from pcrm.customers.models import Customer, CustomerAccess, Holding, Interaction
from pcrm.customers.pii import customer_derived
from pcrm.customers.selectors import customer_list_for
from pcrm.org.roles import can, may_reveal
from pcrm.org.selectors import branch_subtree_ids

REVEALABLE = {"id_no", "phone", "email", "address"}
PROFILE_FIELDS = {"work_unit", "occupation", "family", "relatives", "orientation", "potential"}


@transaction.atomic
def customer_reveal(*, actor: Any, customer: Customer, field: str, reason: str) -> str:
    """Return one protected value in clear; needs a reason and writes one audit event."""
    if field not in REVEALABLE:
        raise ValidationError(_("该字段不可查看明文。"))
    if not may_reveal(actor):
        raise PermissionDenied(_("您的岗位无权查看明文。"))
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError(_("请填写查看明文的事由。"))
    value = getattr(Customer.objects.only(field).get(pk=customer.pk), field) or ""
    audit_record(
        actor=actor,
        action="customer.reveal",
        target=customer,
        reason=reason,
        data={"customer_no": customer.customer_no, "field": field},
        branch_code=customer.branch.code,
    )
    return str(value)


@transaction.atomic
def interaction_log(
    *,
    actor: Any,
    customer: Customer,
    channel: str,
    outcome: str,
    purpose: str = "",
    notes: str = "",
    method: str = "",
    occurred_at: dt.datetime | None = None,
    work_item_key: str = "",
) -> Interaction:
    """Log a contact. A reached contact by the customer's manager (or a colleague with
    access) establishes the service relationship if it was not yet established."""
    if not can(actor, "contact.log"):
        raise PermissionDenied(_("您的岗位无权登记联系记录。"))
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("联系时间不能晚于当前时间。"))
    interaction = Interaction(
        customer=customer,
        staff=actor,
        occurred_at=occurred_at,
        channel=channel,
        outcome=outcome,
        purpose=purpose.strip(),
        notes=notes.strip(),
        method=method,
        work_item_key=work_item_key,
    )
    interaction.full_clean(exclude=["customer", "staff"])
    interaction.save()
    established_now = outcome == Outcome.REACHED and not customer.service_established
    if established_now:
        Customer.objects.filter(pk=customer.pk).update(
            service_established=True, established_at=occurred_at, established_by=actor
        )
        customer.service_established = True
    audit_record(
        actor=actor,
        action="interaction.log",
        target=customer,
        data={
            "customer_no": customer.customer_no,
            "channel": channel,
            "outcome": outcome,
            "established": established_now,
        },
        branch_code=customer.branch.code,
    )
    return interaction


@transaction.atomic
def customer_contact_terms_set(
    *,
    actor: Any,
    customer: Customer,
    contact_preference: str | None = None,
    marketing_consent: bool | None = None,
) -> Customer:
    """Record the contact preference agreed with the customer and/or their marketing consent."""
    if not can(actor, "customer.edit"):
        raise PermissionDenied(_("您的岗位无权修改客户资料。"))
    now, changes = timezone.now(), dict[str, object]()
    if contact_preference is not None and contact_preference != customer.contact_preference:
        customer.contact_preference = contact_preference
        customer.contact_preference_recorded_at, customer.contact_preference_recorded_by = (
            now,
            actor,
        )
        changes["contact_preference"] = contact_preference
    if marketing_consent is not None and marketing_consent != customer.marketing_consent:
        customer.marketing_consent = marketing_consent
        customer.marketing_consent_recorded_at, customer.marketing_consent_recorded_by = now, actor
        changes["marketing_consent"] = marketing_consent
    if changes:
        customer.full_clean(exclude=["id_no", "phone", "email", "address"], validate_unique=False)
        customer.save()
        audit_record(
            actor=actor,
            action="customer.contact_terms",
            target=customer,
            data={"customer_no": customer.customer_no, **changes},
            branch_code=customer.branch.code,
        )
    return customer


@transaction.atomic
def customer_profile_update(*, actor: Any, customer: Customer, **fields: Any) -> Customer:
    """Complete the customer's information file (DOMAIN §3.1)."""
    if not can(actor, "customer.edit"):
        raise PermissionDenied(_("您的岗位无权修改客户资料。"))
    unknown = set(fields) - PROFILE_FIELDS
    if unknown:
        raise ValidationError(_("不可修改的字段：%s") % ", ".join(sorted(unknown)))
    changed = {k: v for k, v in fields.items() if getattr(customer, k) != v}
    for key, value in changed.items():
        setattr(customer, key, value)
    if changed:
        customer.full_clean(exclude=["id_no", "phone", "email", "address"], validate_unique=False)
        customer.save()
        audit_record(
            actor=actor,
            action="customer.profile",
            target=customer,
            data={"customer_no": customer.customer_no, "fields": sorted(changed)},
            branch_code=customer.branch.code,
        )
    return customer


def customer_identity_set(
    customer: Customer, *, id_no: str = "", phone: str = "", email: str = "", address: str = ""
) -> None:
    """Set the protected values and their derived columns (caller saves and audits)."""
    customer.id_no, customer.phone, customer.email, customer.address = id_no, phone, email, address
    for key, value in customer_derived(
        name=customer.name, id_no=id_no, phone=phone, email=email, address=address
    ).items():
        setattr(customer, key, value)


@transaction.atomic
def customer_access_grant(*, actor: Any, customer: Customer, staff: Any, reason: str) -> None:
    """Let a member of staff other than the manager see a customer (e.g. a referral)."""
    _obj, created = CustomerAccess.objects.get_or_create(
        customer=customer, staff=staff, defaults={"reason": reason}
    )
    if created:
        audit_record(
            actor=actor,
            action="customer.access_grant",
            target=customer,
            data={"customer_no": customer.customer_no, "staff": staff.staff_code, "reason": reason},
            branch_code=customer.branch.code,
        )


def customer_aum_refresh(*, customer_ids: Iterable[int] | None = None) -> int:
    """Recompute the stored AUM from active asset holdings, set-based."""
    total = (
        Holding.objects.filter(
            customer=OuterRef("pk"), status="active", product__product_type__in=ASSET_PRODUCT_TYPES
        )
        .values("customer")
        .annotate(s=Sum("market_value"))
        .values("s")
    )
    qs = Customer.objects.all()
    if customer_ids is not None:
        qs = qs.filter(pk__in=list(customer_ids))
    money = DecimalField(max_digits=18, decimal_places=2)
    return qs.update(
        aum=Coalesce(Subquery(total, output_field=money), Value(0), output_field=money)
    )


# Roles that keep a book of customers (the bank's relationship staff).
BOOK_KEEPING_ROLES = frozenset({"customer_manager", "wealth_advisor"})
# Work-item statuses still to be worked; spelled out here because the worklist
# app sits above customers and may not be imported from this layer.
_OPEN_WORK_ITEM_STATUSES = ("open", "deferred")


@transaction.atomic
def customer_manager_assign(*, actor: Any, customer: Customer, manager: Any) -> Customer:
    """Put the customer in a manager's (or wealth advisor's) book; the customer's open
    work items move to the new manager with them. Only a branch head over both."""
    if not can(actor, "worklist.allocate"):
        raise PermissionDenied(_("您的岗位无权分配客户。"))
    if not customer_list_for(user=actor).filter(pk=customer.pk).exists():
        raise Http404
    subtree = branch_subtree_ids(branch_id=actor.branch_id) if actor.branch_id else []
    if (
        manager.role not in BOOK_KEEPING_ROLES
        or not manager.is_active
        or manager.branch_id not in subtree
    ):
        raise ValidationError(_("只能分配给本网点在职的客户经理或理财顾问。"))
    previous = customer.manager
    customer.manager = manager
    customer.save(update_fields=["manager", "updated_at"])
    moved = customer.work_items.filter(status__in=_OPEN_WORK_ITEM_STATUSES).update(staff=manager)
    audit_record(
        actor=actor,
        action="customer.manager_assign",
        target=customer,
        data={
            "customer_no": customer.customer_no,
            "manager": manager.staff_code,
            "previous": getattr(previous, "staff_code", ""),
            "work_items_moved": moved,
        },
        branch_code=customer.branch.code,
    )
    return customer
