"""Reads of customers, always scoped to what the caller may see (roles.toml)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from pcrm.customers.models import Customer, Holding, Interaction
from pcrm.lib.crypto import blind_index
from pcrm.org.roles import rule_for
from pcrm.org.selectors import branch_subtree_ids

# Columns a list needs; sealed columns stay in the database.
LIST_COLUMNS = (
    "id",
    "customer_no",
    "name",
    "id_no_masked",
    "phone_masked",
    "branch_id",
    "manager_id",
    "service_established",
    "red_list",
    "potential",
    "orientation",
    "contact_preference",
    "aum",
    "gender",
    "birth_date",
)


def customer_list_for(*, user: Any) -> QuerySet[Customer]:
    """Every customer the user may see; none for roles without customer scope."""
    rule = rule_for(user)
    if rule is None or not user.is_authenticated:
        return Customer.objects.none()
    if rule.customer_scope == "assigned":
        return Customer.objects.filter(Q(manager=user) | Q(grants__staff=user)).distinct()
    if rule.customer_scope == "branch" and user.branch_id:
        return Customer.objects.filter(branch_id__in=branch_subtree_ids(branch_id=user.branch_id))
    return Customer.objects.none()


def customer_get_for(*, user: Any, customer_no: str) -> Customer:
    """The customer, or 404 when it does not exist or the user may not see it."""
    return get_object_or_404(customer_list_for(user=user), customer_no=customer_no)


def customer_search(qs: QuerySet[Customer], *, query: str) -> QuerySet[Customer]:
    """Customer number, name, pinyin (full or initials), or an exact ID/phone via blind index."""
    q = query.strip()
    if not q:
        return qs
    if q.isascii() and q.isalpha():
        needle = "|" + q.lower()
        return qs.filter(Q(name_pinyin__contains=needle) | Q(name_initials__contains=needle))
    if q.isdigit() or (len(q) == 18 and q[:17].isdigit()):
        return qs.filter(
            Q(customer_no=q)
            | Q(id_no_index=blind_index(q, purpose="id_no"))
            | Q(phone_index=blind_index(q, purpose="phone"))
        )
    return qs.filter(Q(name__startswith=q) | Q(customer_no=q))


def holding_list_for_customer(*, customer: Customer) -> QuerySet[Holding]:
    return (
        customer.holdings.select_related("product")
        .defer("account_no")
        .order_by("status", "matures_on", "id")
    )


def interaction_list_for_customer(*, customer: Customer, limit: int = 50) -> QuerySet[Interaction]:
    return customer.interactions.select_related("staff").order_by("-occurred_at")[:limit]
