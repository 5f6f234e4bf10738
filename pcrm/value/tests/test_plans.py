from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404

from pcrm.value.plans import (
    plan_action_add,
    plan_action_done,
    plan_create,
    plan_effect,
    plan_off_track,
    plan_progress,
    plan_review,
    plan_schedule_reviews,
)
from pcrm.value.policy import money, number
from pcrm.worklist.models import WorkItem
from tests.factories import HoldingFactory, ProductFactory

pytestmark = pytest.mark.django_db
START = dt.date(2026, 1, 1)


@pytest.fixture
def plan(personas):  # type: ignore[no-untyped-def]
    c = personas.mine
    c.aum = Decimal("50000")
    c.save()
    fund = ProductFactory(code="F1", risk_level="R2")
    return plan_create(
        actor=personas.manager,
        title="提升至金卡",
        customers=[c],
        due_on=START + dt.timedelta(days=100),
        goal_aum=Decimal("150000"),
        goal_tier="gold",
        goal_products=[fund],
        today=START,
    )


def test_baseline_and_effect_computed_from_data(plan, personas) -> None:  # type: ignore[no-untyped-def]
    assert plan.baseline["aum"] == "50000.00"
    effect = plan_effect(plan)
    assert effect["aum_change"] == 0
    assert effect["products_now"] == 0
    assert effect["tiers_reached"] == 0
    c = personas.mine
    c.aum = money("tiers", "gold")
    c.save()
    HoldingFactory(customer=c, product=ProductFactory(code="F1"))
    effect = plan_effect(plan)
    assert effect["aum_change"] == money("tiers", "gold") - Decimal("50000")
    assert effect["aum_progress"] == Decimal("0.5")
    assert effect["products_now"] == 1
    assert effect["products_goal"] == 1
    assert effect["tiers_reached"] == 1


def test_progress_on_time_late_overdue(plan, personas) -> None:  # type: ignore[no-untyped-def]
    a1 = plan_action_add(
        actor=personas.manager,
        plan=plan,
        title="电话邀约",
        owner=personas.manager,
        due_on=START + dt.timedelta(days=10),
    )
    a2 = plan_action_add(
        actor=personas.manager,
        plan=plan,
        title="财富诊断",
        owner=personas.manager,
        due_on=START + dt.timedelta(days=20),
    )
    plan_action_add(
        actor=personas.manager,
        plan=plan,
        title="产品推介",
        owner=personas.manager,
        due_on=START + dt.timedelta(days=30),
    )
    plan_action_done(actor=personas.manager, action=a1, done_on=START + dt.timedelta(days=9))
    plan_action_done(actor=personas.manager, action=a2, done_on=START + dt.timedelta(days=25))
    progress = plan_progress(plan, today=START + dt.timedelta(days=31))
    assert progress == {"planned": 3, "done": 2, "on_time": 1, "late": 1, "overdue": 1}
    assert plan_off_track(plan, today=START + dt.timedelta(days=31)) is True


def test_on_track_when_aum_ahead_of_time(plan, personas) -> None:  # type: ignore[no-untyped-def]
    c = personas.mine
    c.aum = Decimal("150000")
    c.save()
    HoldingFactory(customer=c, product=ProductFactory(code="F1"))
    assert plan_off_track(plan, today=START + dt.timedelta(days=50)) is False
    c.aum = Decimal("60000")
    c.save()
    assert plan_off_track(plan, today=START + dt.timedelta(days=50)) is True


def test_head_reviews_and_adjusts(plan, personas) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        plan_review(actor=personas.manager, plan=plan, comment="好")
    with pytest.raises(ValidationError):
        plan_review(actor=personas.head, plan=plan, comment=" ")
    new_due = START + dt.timedelta(days=200)
    plan_review(actor=personas.head, plan=plan, comment="延期", due_on=new_due, today=START)
    plan.refresh_from_db()
    assert plan.due_on == new_due
    assert plan.comments.get().text == "延期"


def test_review_items_scheduled(plan, personas) -> None:  # type: ignore[no-untyped-def]
    review_day = START + dt.timedelta(days=number("plan", "review_every_days"))
    assert plan_schedule_reviews(today=review_day - dt.timedelta(days=1)) == 0
    assert plan_schedule_reviews(today=review_day) == 1
    assert plan_schedule_reviews(today=review_day) == 0
    item = WorkItem.objects.get(kind="plan_review")
    assert item.staff == personas.head
    call_command("value_plan_reviews")  # idempotent: item already exists
    assert WorkItem.objects.filter(kind="plan_review").count() == 1


def test_plan_for_invisible_customer_is_404(personas) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Http404):
        plan_create(
            actor=personas.manager,
            title="x",
            customers=[personas.theirs],
            due_on=dt.date(2099, 1, 1),
        )


def test_tasks_and_command_summary(plan, capsys) -> None:  # type: ignore[no-untyped-def]
    from pcrm.value.tasks import value_plan_reviews_daily, value_suggest_nightly

    # the fixture plan started on START, so its first review is long due
    assert value_plan_reviews_daily.call() == {"plan_review_items": 1}
    assert value_suggest_nightly.call()["opportunities"] == 0
    call_command("value_suggest")
    assert '"ok": true' in capsys.readouterr().out
