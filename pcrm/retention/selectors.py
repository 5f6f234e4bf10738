"""Reads of churn management, always scoped through customer_list_for (404 outside scope)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from pcrm.customers.models import Customer
from pcrm.customers.selectors import customer_list_for
from pcrm.retention.models import CaseStatus, RiskScore, WinBackCase
from pcrm.retention.policy import section


def at_risk_list_for(*, user: Any, manager_id: int | None = None) -> QuerySet[RiskScore]:
    """At-risk customers the user may see (a manager: their book; a head: the branch)."""
    qs = RiskScore.objects.filter(
        customer__in=customer_list_for(user=user).values("pk"),
        score__gte=section("win_back")["at_risk_score"],
    )
    if manager_id:
        qs = qs.filter(customer__manager_id=manager_id)
    return qs.select_related("customer", "customer__manager", "customer__branch").order_by(
        "-score", "customer__customer_no"
    )


def at_risk_managers_for(*, user: Any) -> list[tuple[int, str]]:
    """(id, name) of the managers with at-risk customers the user may see."""
    rows = (
        at_risk_list_for(user=user)
        .filter(customer__manager__isnull=False)
        .values_list("customer__manager_id", "customer__manager__name")
        .distinct()
        .order_by("customer__manager__name")
    )
    return [(int(pk), str(name)) for pk, name in rows]


def risk_get_for(*, user: Any, customer_no: str) -> tuple[Customer, RiskScore | None]:
    """The customer (404 when not visible) and its latest score, if scored."""
    customer = get_object_or_404(customer_list_for(user=user), customer_no=customer_no)
    return customer, RiskScore.objects.filter(customer=customer).first()


def case_list_for(*, user: Any) -> QuerySet[WinBackCase]:
    return WinBackCase.objects.filter(
        customer__in=customer_list_for(user=user).values("pk")
    ).select_related("customer", "staff", "branch")


def case_current_for(*, user: Any, customer: Customer) -> WinBackCase | None:
    return case_list_for(user=user).filter(customer=customer).first()


def case_get_for(*, user: Any, pk: int) -> WinBackCase:
    return get_object_or_404(case_list_for(user=user), pk=pk)


def lost_list_for(*, user: Any) -> QuerySet[WinBackCase]:
    """Lost customers, for win-back campaigns."""
    return case_list_for(user=user).filter(status=CaseStatus.LOST).order_by("-closed_at")


def results_for(*, user: Any) -> list[dict[str, Any]]:
    """Per branch: at risk, contacted, restored, lost, AUM saved."""
    rows = (
        case_list_for(user=user)
        .values("branch__code", "branch__name")
        .annotate(
            at_risk=Count("id"),
            contacted=Count("id", filter=~Q(status=CaseStatus.AT_RISK)),
            restored=Count("id", filter=Q(status=CaseStatus.RESTORED)),
            lost=Count("id", filter=Q(status=CaseStatus.LOST)),
            aum_saved=Sum("aum_saved"),
        )
        .order_by("branch__code")
    )
    return [dict(row) for row in rows]
