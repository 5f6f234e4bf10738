"""A hand-counted small bank for the snapshot and dashboard tests (on top of `personas`).

Figures on day ``TODAY`` (scorecard.toml: weights .4/.2/.2/.2, breadth full at 4 types,
tenure bands 1/3/5 years → .3/.6/1, income rates wealth .006, time deposit .008):

- C1 (B1, M1): gold/core, reached 10 days ago, interval 15 → covered; AUM 200 000;
  wealth 100 000 opened 2019 + time deposit 100 000 opened 2 years ago → 2 products,
  breadth .5, tenure 1; contacts in the last year 2 reached of 3 → reach 2/3;
  retained. Loyalty = 100·(.4 + .2 + .1 + .2·2/3) = 83.333…; income 600 + 800 = 1 400.
- C2 (B1, M2): platinum/lift, reached 40 days ago, interval 30 → not covered; AUM
  1 500 000, no holdings, no contacts → loyalty 40 (retention only).
- C3 (B2, M2): no segment, AUM 0 → not retained, loyalty 0.
- C9 (B9): gold/keep, covered; AUM 300 000 but lost in a win-back case → loyalty 0.
- Work items of M1 in B1 made today: 3 (one done today, two open of which one overdue
  because due 2 days ago) → created 3, completed 1, overdue 1, open 2.
- B1 complaints: one open due in 2 days (due soon), one open past due (overdue), one
  decided today in time with satisfaction 4 → open 2, due soon 1, overdue 1, decided 1,
  in time 1, satisfaction 4.0.
- Surveys: C1 answered overall 2 today, C2 answered 5 two years ago (outside the window),
  C2 was asked but has not answered → B1 survey satisfaction 2.0 (M1: 2.0), 1 answer.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from pcrm.campaigns.models import SatisfactionSurvey, SurveyInvitation
from pcrm.complaints.models import ComplaintCase
from pcrm.customers.models import Customer
from pcrm.playbook.models import CustomerSegment
from pcrm.retention.models import WinBackCase
from pcrm.worklist.models import WorkItem
from pcrm.worklist.services import work_item_put
from tests.factories import HoldingFactory, InteractionFactory, ProductFactory


def today() -> dt.date:
    return timezone.localdate()


def _segment(customer: Any, tier: str, quadrant: str, reached_days_ago: int, interval: int) -> None:
    d = today()
    CustomerSegment.objects.create(
        customer=customer,
        as_of=d,
        aum=customer.aum,
        potential=50,
        quadrant=quadrant,
        tier=tier,
        interval_days=interval,
        last_reached_on=d - dt.timedelta(days=reached_days_ago),
        policy_version=1,
    )


def _item(customer: Any, staff: Any, subject: str, due_in: int) -> WorkItem:
    item, _ = work_item_put(
        actor=None,
        customer=customer,
        staff=staff,
        kind="maintenance",
        subject=subject,
        due_on=today() + dt.timedelta(days=due_in),
        channel="phone",
        content="care",
        priority=3,
        reason="测试",
    )
    WorkItem.objects.filter(pk=item.pk).update(created_for=today())
    return item


def _case(p: Any, no: str, **extra: Any) -> ComplaintCase:
    return ComplaintCase.objects.create(
        case_no=no,
        branch=p.branch,
        channel="counter",
        category="waiting",
        description="排队太久",
        received_at=timezone.now() - dt.timedelta(days=5),
        **extra,
    )


def build(p: Any) -> None:
    """Add the figures described above to the personas."""
    d, now = today(), timezone.now()
    for customer, aum in ((p.mine, 200000), (p.theirs, 1500000), (p.sub, 0), (p.elsewhere, 300000)):
        Customer.objects.filter(pk=customer.pk).update(aum=Decimal(aum))
        customer.refresh_from_db()
    _segment(p.mine, "gold", "core", 10, 15)
    _segment(p.theirs, "platinum", "lift", 40, 30)
    _segment(p.elsewhere, "gold", "keep", 5, 60)
    wealth = ProductFactory(code="PW", product_type="wealth")
    deposit = ProductFactory(code="PT", name="定期", product_type="time_deposit")
    HoldingFactory(customer=p.mine, product=wealth, opened_on=dt.date(2019, 1, 1))
    HoldingFactory(customer=p.mine, product=deposit, opened_on=d - dt.timedelta(days=730))
    for days, outcome in ((3, "reached"), (30, "reached"), (60, "not_reached"), (400, "reached")):
        InteractionFactory(
            customer=p.mine,
            staff=p.manager,
            outcome=outcome,
            occurred_at=now - dt.timedelta(days=days),
        )
    WinBackCase.objects.create(
        customer=p.elsewhere,
        branch=p.other_branch,
        subject="2026-10",
        status="lost",
        score=0.9,
        approach="上门",
        closed_at=now - dt.timedelta(days=20),
    )
    done = _item(p.mine, p.manager, "a", 0)
    WorkItem.objects.filter(pk=done.pk).update(status="done", closed_at=now)
    _item(p.mine, p.manager, "b", 1)
    _item(p.mine, p.manager, "c", -2)
    _case(p, "TS1", reply_due_at=now + dt.timedelta(days=2))
    _case(p, "TS2", reply_due_at=now - dt.timedelta(days=1))
    _case(
        p,
        "TS3",
        status="decided",
        reply_due_at=now + dt.timedelta(days=1),
        decided_at=now,
        satisfaction=4,
        satisfaction_at=now,
    )
    _surveys(p, now)


def _surveys(p: Any, now: dt.datetime) -> None:
    survey = SatisfactionSurvey.objects.create(name="季度满意度")
    rows = [
        ("a", p.mine, p.manager, now, 2),
        ("b", p.theirs, p.manager2, now - dt.timedelta(days=730), 5),
        ("c", p.theirs, p.manager2, None, None),
    ]
    for token, customer, manager, answered_at, overall in rows:
        SurveyInvitation.objects.create(
            survey=survey,
            customer=customer,
            token_hash=token * 64,
            trigger="periodic",
            subject=f"t-{token}",
            channel="sms",
            branch=p.branch,
            manager=manager,
            sent_at=now - dt.timedelta(days=800),
            expires_at=now + dt.timedelta(days=14),
            answered_at=answered_at,
            overall=overall,
        )
