"""Value-enhancement plans (客户价值提升计划): creation with a baseline snapshot, actions,
review comments and adjustments, computed progress and effect, and scheduled reviews by
the branch head through ``plan_review`` work items."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.audit.services import audit_record
from pcrm.customers.models import Customer, Product
from pcrm.customers.selectors import customer_list_for
from pcrm.lib.money import yuan
from pcrm.org.models import Staff
from pcrm.org.roles import can
from pcrm.value.models import PlanAction, PlanComment, PlanStatus, ValuePlan
from pcrm.value.policy import TIER_ORDER, number, tier_of
from pcrm.worklist.choices import Content, Kind
from pcrm.worklist.services import work_item_put


def snapshot(customers: list[Customer]) -> dict[str, Any]:
    """AUM, active product codes and tier of each customer now (masked data only)."""
    rows = {}
    for c in customers:
        codes = sorted(
            set(c.holdings.filter(status="active").values_list("product__code", flat=True))
        )
        rows[c.customer_no] = {"aum": str(yuan(c.aum)), "products": codes, "tier": tier_of(c.aum)}
    return {"customers": rows, "aum": str(yuan(sum((c.aum for c in customers), Decimal("0"))))}


def _visible(actor: Any, customers: list[Customer]) -> None:
    ids = {c.pk for c in customers}
    if len(ids) != customer_list_for(user=actor).filter(pk__in=ids).count():
        raise Http404
    if not can(actor, "customer.edit"):
        raise PermissionDenied(_("您的岗位无权管理提升计划。"))


def _audit(actor: Any, plan: ValuePlan, action: str, **data: Any) -> None:
    audit_record(
        actor=actor,
        action=f"value_plan.{action}",
        target=plan,
        data=data,
        branch_code=plan.branch.code,
    )


@transaction.atomic
def plan_create(
    *,
    actor: Any,
    title: str,
    customers: list[Customer],
    due_on: dt.date,
    goal_aum: Decimal = Decimal("0"),
    goal_tier: str = "",
    goal_products: list[Product] | None = None,
    today: dt.date | None = None,
) -> ValuePlan:
    """Start a plan for one or more visible customers; takes the baseline now."""
    today = today or timezone.localdate()
    if not customers:
        raise ValidationError(_("请至少选择一位客户。"))
    _visible(actor, customers)
    if due_on <= today:
        raise ValidationError(_("目标日期须晚于今天。"))
    if goal_tier not in TIER_ORDER:
        raise ValidationError(_("未知的目标等级。"))
    plan = ValuePlan.objects.create(
        title=title.strip(),
        branch_id=customers[0].branch_id,
        owner=actor,
        goal_aum=goal_aum,
        goal_tier=goal_tier,
        starts_on=today,
        due_on=due_on,
        baseline=snapshot(customers),
        next_review_on=today + dt.timedelta(days=number("plan", "review_every_days")),
    )
    plan.customers.set(customers)
    plan.goal_products.set(goal_products or [])
    _audit(actor, plan, "create", customers=[c.customer_no for c in customers])
    return plan


@transaction.atomic
def plan_action_add(
    *, actor: Any, plan: ValuePlan, title: str, owner: Any, due_on: dt.date
) -> PlanAction:
    """Add a planned action with its owner and date."""
    _visible(actor, list(plan.customers.all()))
    action = PlanAction.objects.create(plan=plan, title=title.strip(), owner=owner, due_on=due_on)
    _audit(actor, plan, "action_add", title=action.title, due_on=due_on.isoformat())
    return action


@transaction.atomic
def plan_action_done(
    *, actor: Any, action: PlanAction, done_on: dt.date | None = None
) -> PlanAction:
    """Mark an action done (on the given date, today by default)."""
    _visible(actor, list(action.plan.customers.all()))
    action.done_on = done_on or timezone.localdate()
    action.save(update_fields=["done_on"])
    _audit(actor, action.plan, "action_done", action_id=action.pk)
    return action


@transaction.atomic
def plan_review(
    *,
    actor: Any,
    plan: ValuePlan,
    comment: str,
    due_on: dt.date | None = None,
    goal_aum: Decimal | None = None,
    today: dt.date | None = None,
) -> PlanComment:
    """The branch head's review: a comment, optional adjustment of the date or AUM goal,
    and the next review date."""
    if not can(actor, "report.branch"):
        raise PermissionDenied(_("只有网点负责人可以检视计划。"))
    _visible(actor, list(plan.customers.all()))
    if not comment.strip():
        raise ValidationError(_("请填写检视意见。"))
    today = today or timezone.localdate()
    changes: dict[str, str] = {}
    if due_on is not None and due_on != plan.due_on:
        changes["due_on"], plan.due_on = due_on.isoformat(), due_on
    if goal_aum is not None and goal_aum != plan.goal_aum:
        changes["goal_aum"], plan.goal_aum = str(goal_aum), goal_aum
    plan.next_review_on = today + dt.timedelta(days=number("plan", "review_every_days"))
    plan.save()
    note = PlanComment.objects.create(plan=plan, author=actor, text=comment.strip())
    _audit(actor, plan, "review", **changes)
    return note


def plan_progress(plan: ValuePlan, *, today: dt.date | None = None) -> dict[str, int]:
    """Actions planned, done, done on time, done late, and open past their date."""
    today = today or timezone.localdate()
    actions = list(plan.actions.all())
    done = [a for a in actions if a.done_on]
    late_done = sum(1 for a in done if a.done_on and a.done_on > a.due_on)
    overdue = sum(1 for a in actions if not a.done_on and a.due_on < today)
    return {
        "planned": len(actions),
        "done": len(done),
        "on_time": len(done) - late_done,
        "late": late_done,
        "overdue": overdue,
    }


def plan_effect(plan: ValuePlan) -> dict[str, Any]:
    """AUM, goal products held and tiers now, against the baseline and the goals."""
    customers = list(plan.customers.all())
    now = snapshot(customers)
    base = plan.baseline
    goal_codes = set(plan.goal_products.values_list("code", flat=True))

    def held(snap: dict[str, Any]) -> int:
        return sum(len(goal_codes & set(row["products"])) for row in snap["customers"].values())

    tiers_reached = sum(
        1
        for row in now["customers"].values()
        if TIER_ORDER.index(row["tier"]) >= TIER_ORDER.index(plan.goal_tier)
    )
    aum_now, aum_base = Decimal(now["aum"]), Decimal(base.get("aum", "0"))
    gap = plan.goal_aum - aum_base
    return {
        "aum_base": aum_base,
        "aum_now": aum_now,
        "aum_goal": plan.goal_aum,
        "aum_change": aum_now - aum_base,
        "aum_progress": min(Decimal("1"), (aum_now - aum_base) / gap) if gap > 0 else Decimal("1"),
        "products_base": held(base) if base else 0,
        "products_now": held(now),
        "products_goal": len(goal_codes) * len(customers),
        "tiers_reached": tiers_reached if plan.goal_tier else len(customers),
        "customers": len(customers),
    }


def plan_off_track(plan: ValuePlan, *, today: dt.date | None = None) -> bool:
    """Off track: an action is overdue, or the time used is ahead of the AUM progress,
    or the date has passed with goals unmet."""
    today = today or timezone.localdate()
    progress, effect = plan_progress(plan, today=today), plan_effect(plan)
    span = max(1, (plan.due_on - plan.starts_on).days)
    elapsed = Decimal(min(span, max(0, (today - plan.starts_on).days))) / span
    unmet = effect["aum_progress"] < 1 or effect["products_now"] < effect["products_goal"]
    return bool(
        progress["overdue"] or effect["aum_progress"] < elapsed or (today > plan.due_on and unmet)
    )


def plan_schedule_reviews(*, today: dt.date | None = None) -> int:
    """Raise a ``plan_review`` item for the branch head of each active plan due for review."""
    today = today or timezone.localdate()
    made = 0
    due = ValuePlan.objects.filter(status=PlanStatus.ACTIVE, next_review_on__lte=today)
    for plan in due.select_related("branch"):
        head = Staff.objects.filter(branch=plan.branch, role="branch_head", is_active=True).first()
        customer = plan.customers.order_by("customer_no").first()
        if head is None or customer is None:
            continue
        _item, created = work_item_put(
            actor=None,
            customer=customer,
            staff=head,
            kind=Kind.PLAN_REVIEW,
            subject=f"plan{plan.pk}:{plan.next_review_on}",
            due_on=today,
            channel="visit",
            content=Content.WEALTH_DIAGNOSIS,
            priority=number("plan", "review_priority"),
            reason=_("检视价值提升计划「%(title)s」的执行进度和效果。") % {"title": plan.title},
        )
        made += int(created)
    return made
