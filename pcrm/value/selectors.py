"""Reads of opportunities and diagnoses, always scoped through the visible customers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum
from django.shortcuts import get_object_or_404

from pcrm.customers.selectors import customer_list_for
from pcrm.value.models import Diagnosis, Opportunity, Stage


def opportunity_list_for(*, user: Any) -> QuerySet[Opportunity]:
    """Opportunities of the customers the user may see."""
    return Opportunity.objects.filter(customer__in=customer_list_for(user=user)).select_related(
        "customer", "product", "owner"
    )


def opportunity_get_for(*, user: Any, pk: int) -> Opportunity:
    """The opportunity, or 404 when its customer is not visible to the user."""
    return get_object_or_404(opportunity_list_for(user=user), pk=pk)


def pipeline(qs: QuerySet[Opportunity]) -> list[dict[str, Any]]:
    """Count and amount per stage, in stage order (stages without any show zero)."""
    rows: dict[str, dict[str, Any]] = {
        r["stage"]: dict(r)
        for r in qs.order_by().values("stage").annotate(n=Count("id"), amount=Sum("amount"))
    }
    return [
        {
            "stage": value,
            "label": label,
            "count": rows.get(value, {}).get("n", 0),
            "amount": rows.get(value, {}).get("amount") or Decimal("0"),
        }
        for value, label in Stage.choices
    ]


def diagnosis_list_for_customer(*, customer: Any) -> QuerySet[Diagnosis]:
    return Diagnosis.objects.filter(customer=customer).order_by("-created_at", "-id")


def diagnosis_get_for(*, user: Any, pk: int) -> Diagnosis:
    """A saved diagnosis, or 404 when its customer is not visible to the user."""
    return get_object_or_404(
        Diagnosis.objects.filter(customer__in=customer_list_for(user=user)).select_related(
            "customer"
        ),
        pk=pk,
    )
