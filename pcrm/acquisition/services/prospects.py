"""Prospects: people not (yet) known as customers, de-duplicated by ID number or phone."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from pcrm.acquisition.models import Lead, Prospect
from pcrm.audit.services import audit_record
from pcrm.customers.models import Customer
from pcrm.customers.pii import id_no_index, phone_index
from pcrm.lib.masking import mask_id_no, mask_phone
from pcrm.org.models import Branch


def customer_match(*, id_no: str = "", phone: str = "") -> Customer | None:
    """An existing customer with the same ID number (first) or phone, via blind index."""
    if id_no:
        found = Customer.objects.filter(id_no_index=id_no_index(id_no)).first()
        if found is not None:
            return found
    if phone:
        return Customer.objects.filter(phone_index=phone_index(phone)).order_by("id").first()
    return None


def prospect_match(*, id_no: str = "", phone: str = "") -> Prospect | None:
    """An earlier prospect with the same ID number or phone."""
    condition = Q()
    if id_no:
        condition |= Q(id_no_index=id_no_index(id_no))
    if phone:
        condition |= Q(phone_index=phone_index(phone))
    if not condition:
        return None
    return Prospect.objects.filter(condition).order_by("id").first()


def prospect_find_or_create(
    *,
    actor: Any,
    branch: Branch,
    name: str,
    phone: str,
    source: str,
    id_no: str = "",
    work_unit: str = "",
) -> tuple[Prospect, bool]:
    """The prospect for this person, reusing a match by ID number or phone; linked to the
    customer they already are when the bank knows them. Returns (prospect, created)."""
    phone = "".join(phone.split()).replace("-", "")
    id_no = "".join(id_no.split()).upper()
    existing = prospect_match(id_no=id_no, phone=phone)
    customer = customer_match(id_no=id_no, phone=phone)
    if existing is not None:
        if customer is not None and existing.customer_id is None:
            existing.customer, existing.converted_at = customer, timezone.now()
            existing.save(update_fields=["customer", "converted_at"])
        return existing, False
    prospect = Prospect.objects.create(
        name=name.strip(),
        phone=phone,
        phone_masked=mask_phone(phone),
        phone_index=phone_index(phone),
        id_no=id_no,
        id_no_masked=mask_id_no(id_no),
        id_no_index=id_no_index(id_no),
        work_unit=work_unit.strip(),
        branch=branch,
        source=source,
        customer=customer,
        converted_at=timezone.now() if customer else None,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="prospect.create",
        target=prospect,
        data={"phone": prospect.phone_masked, "id_no": prospect.id_no_masked, "source": source},
        branch_code=branch.code,
    )
    return prospect, True


@transaction.atomic
def prospects_link_customers(*, actor: Any) -> int:
    """Link prospects to the customers they have become (after a customer import), by ID
    number or phone; their leads follow. Returns how many prospects were linked."""
    linked = 0
    pending = Prospect.objects.filter(customer__isnull=True).only(
        "id", "id_no_index", "phone_index", "branch_id"
    )
    for prospect in pending.iterator():
        customer = None
        if prospect.id_no_index:
            customer = Customer.objects.filter(id_no_index=prospect.id_no_index).first()
        if customer is None and prospect.phone_index:
            customer = Customer.objects.filter(phone_index=prospect.phone_index).first()
        if customer is None:
            continue
        Prospect.objects.filter(pk=prospect.pk).update(
            customer=customer, converted_at=timezone.now()
        )
        Lead.objects.filter(prospect_id=prospect.pk, customer__isnull=True).update(
            customer=customer
        )
        linked += 1
    if linked:
        audit_record(actor=actor, action="prospect.link_customers", data={"linked": linked})
    return linked
