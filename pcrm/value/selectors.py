"""Reads of opportunities and diagnoses, always scoped through the visible customers;
value plans in bulk for the dashboards (their scope is the dashboard's)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from pcrm.customers.models import Customer, Holding
from pcrm.customers.selectors import customer_list_for
from pcrm.lib.money import yuan
from pcrm.value.models import Diagnosis, Opportunity, PlanAction, PlanStatus, Stage, ValuePlan


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


# --- Value plans in bulk (dashboards) ----------------------------------------------------


@dataclass
class PlanFigures:
    """A plan's progress and effect, as :func:`pcrm.value.plans.plan_progress`,
    :func:`~pcrm.value.plans.plan_effect` and :func:`~pcrm.value.plans.plan_off_track`
    compute them one plan at a time. Effect = AUM of the plan's customers now against
    the baseline taken at the start, and goal products held now against the baseline."""

    plan: ValuePlan
    customers: int = 0
    actions_planned: int = 0
    actions_done: int = 0
    actions_overdue: int = 0
    aum_base: Decimal = Decimal("0")
    aum_now: Decimal = Decimal("0")
    aum_progress: Decimal = Decimal("1")
    products_base: int = 0
    products_now: int = 0
    products_goal: int = 0
    off_track: bool = False

    @property
    def aum_change(self) -> Decimal:
        return self.aum_now - self.aum_base


def plan_figures(plans: list[ValuePlan], *, today: dt.date | None = None) -> list[PlanFigures]:
    """Progress, effect and on/off track of ``plans`` in five queries, whatever their
    number (the per-plan functions of :mod:`pcrm.value.plans` run several per plan)."""
    today = today or timezone.localdate()
    ids = [p.pk for p in plans]
    if not ids:
        return []
    members: dict[int, list[int]] = defaultdict(list)
    for plan_id, customer_id in ValuePlan.customers.through.objects.filter(
        valueplan_id__in=ids
    ).values_list("valueplan_id", "customer_id"):
        members[plan_id].append(customer_id)
    customer_ids = {c for cs in members.values() for c in cs}
    aum = dict(Customer.objects.filter(pk__in=customer_ids).values_list("pk", "aum"))
    goals: dict[int, set[str]] = defaultdict(set)
    for plan_id, code in ValuePlan.goal_products.through.objects.filter(
        valueplan_id__in=ids
    ).values_list("valueplan_id", "product__code"):
        goals[plan_id].add(code)
    held: dict[int, set[str]] = defaultdict(set)
    all_goals = {c for codes in goals.values() for c in codes}
    if all_goals:
        for customer_id, code in Holding.objects.filter(
            customer_id__in=customer_ids, status="active", product__code__in=all_goals
        ).values_list("customer_id", "product__code"):
            held[customer_id].add(code)
    actions = {
        row["plan_id"]: dict(row)
        for row in PlanAction.objects.filter(plan_id__in=ids)
        .values("plan_id")
        .annotate(
            planned=Count("id"),
            done=Count("id", filter=Q(done_on__isnull=False)),
            overdue=Count("id", filter=Q(done_on__isnull=True, due_on__lt=today)),
        )
        .order_by()
    }
    return [
        _plan_row(plan, members[plan.pk], aum, goals[plan.pk], held, actions, today)
        for plan in plans
    ]


def _plan_row(
    plan: ValuePlan,
    members: list[int],
    aum: dict[int, Decimal],
    goal_codes: set[str],
    held: dict[int, set[str]],
    actions: dict[int, dict[str, Any]],
    today: dt.date,
) -> PlanFigures:
    base = plan.baseline or {}
    row = PlanFigures(plan=plan, customers=len(members))
    done = actions.get(plan.pk, {})
    row.actions_planned = done.get("planned", 0)
    row.actions_done = done.get("done", 0)
    row.actions_overdue = done.get("overdue", 0)
    row.aum_now = yuan(sum((aum.get(c, Decimal("0")) for c in members), Decimal("0")))
    row.aum_base = Decimal(base.get("aum", "0"))
    gap = plan.goal_aum - row.aum_base
    row.aum_progress = min(Decimal("1"), row.aum_change / gap) if gap > 0 else Decimal("1")
    row.products_base = sum(
        len(goal_codes & set(c["products"])) for c in base.get("customers", {}).values()
    )
    row.products_now = sum(len(goal_codes & held[c]) for c in members)
    row.products_goal = len(goal_codes) * len(members)
    span = max(1, (plan.due_on - plan.starts_on).days)
    elapsed = Decimal(min(span, max(0, (today - plan.starts_on).days))) / span
    unmet = row.aum_progress < 1 or row.products_now < row.products_goal
    row.off_track = bool(
        row.actions_overdue or row.aum_progress < elapsed or (today > plan.due_on and unmet)
    )
    return row


def active_plans(*, branch_id: int | None = None) -> QuerySet[ValuePlan]:
    """Active plans (of one branch, or the bank), in a stable order."""
    qs = ValuePlan.objects.filter(status=PlanStatus.ACTIVE)
    if branch_id is not None:
        qs = qs.filter(branch_id=branch_id)
    return qs.select_related("owner").order_by("due_on", "id")
