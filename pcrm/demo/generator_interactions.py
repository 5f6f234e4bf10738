"""The contact log: the establishing contact, a year of maintenance, and the churn stories.

Channels follow the contact preference agreed with the customer (DOMAIN §3.5); a share of
customers has not been reached for long (overdue for maintenance). Complaints are logged
as contacts with purpose 投诉 and the complaint in the notes (the complaints app can take
them over); neglected churners have no reached contact for a long time before leaving;
rate-driven churners tell their manager about better rates elsewhere.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from pcrm.demo.generator_customers import CustomerSpec
from pcrm.demo.profile import section

INTERACTION_COLUMNS = (
    "id", "customer_id", "staff_id", "occurred_at", "channel", "method", "purpose", "outcome",
    "notes", "work_item_key", "created_at",
)  # fmt: skip
COMPLAINT_PURPOSE = "投诉"
ESTABLISH_PURPOSE = "首次面谈，确立服务关系"
_CHANNELS = {
    "do_not_disturb": ("sms", "email", "card", "mail"),
    "frequent": ("invitation", "visit", "phone", "gathering", "wechat"),
    "moderate": ("card", "sms", "phone", "invitation", "wechat"),
    "": ("phone", "sms", "visit", "wechat"),
}
_PURPOSES = (
    ("定期回访", ""), ("产品到期提醒", "提醒产品到期，建议续作"), ("节日问候", ""),
    ("生日祝福", ""), ("财富诊断", "完成资产配置诊断，建议分散配置"),
    ("产品售后跟踪", "告知净值变化"), ("活动邀约", "邀请参加客户活动"), ("资产配置建议", ""),
    ("完善客户信息", "补充工作单位及家庭情况"),
)  # fmt: skip
_COMPLAINTS = (
    "客户投诉：理财产品亏损，认为购买时未充分提示风险",
    "客户投诉：柜台排队时间过长，服务态度差",
    "客户投诉：账户管理费扣收未事先告知",
    "客户投诉：信用卡分期手续费说明不清",
    "客户投诉：手机银行转账失败导致违约",
)
_RATE_NOTES = (
    "客户表示他行大额存单利率更高，考虑到期后转出",
    "客户询问我行理财收益，认为低于他行同类产品",
)
# A contact is (day, staff, channel, method, purpose, outcome, notes).
Contact = tuple[dt.date, int, str, str, str, str, str]


def interactions_draw(rng: random.Random, spec: CustomerSpec, today: dt.date) -> list[Contact]:
    """One customer's contacts (at most one per day, so the contact log's key is unique)."""
    if spec.manager_id is None:
        return []
    manager, act = spec.manager_id, section("activity")
    if spec.established_at is None:
        # Tried but never reached: the manager still has to establish the relationship.
        return [_attempt(rng, spec, today, manager) for _ in range(rng.randint(0, 2))]
    established = spec.established_at.date()
    contacts: list[Contact] = [
        (
            established,
            manager,
            rng.choice(("visit", "phone")),
            "follow_up",
            ESTABLISH_PURPOSE,
            "reached",
            "",
        )
    ]
    # Maintenance over the last year (the log of older years is not part of the demo).
    latest = _latest_contact_day(rng, spec, today)
    first = max(established, latest - dt.timedelta(days=30 * act["months"]))
    span = (latest - first).days
    if span > 1:
        busy = 2 if spec.aum >= section("segments")["tier_floors"][1] else 1
        count = min(span - 1, max(0, int(rng.gauss(act["contacts_mean"] * busy, 1.5))))
        for offset in sorted(rng.sample(range(1, span), count)):
            contacts.append(_maintenance(rng, spec, first + dt.timedelta(days=offset)))
    contacts += _churn_story(rng, spec, today)
    return contacts


def _latest_contact_day(rng: random.Random, spec: CustomerSpec, today: dt.date) -> dt.date:
    """Overdue and neglected customers were last contacted long ago."""
    plan = spec.churn
    if plan.cause == "neglect" and plan.warn_on is not None:
        return plan.warn_on - dt.timedelta(days=rng.randint(150, 300))
    if rng.random() < section("activity")["overdue_share"]:
        return today - dt.timedelta(days=rng.randint(120, 400))
    return today - dt.timedelta(days=1)


def _maintenance(rng: random.Random, spec: CustomerSpec, day: dt.date) -> Contact:
    act = section("activity")
    staff = spec.manager_id or 0
    purpose, notes = rng.choice(_PURPOSES)
    if purpose == "财富诊断" and spec.branch.advisors and rng.random() < 0.5:
        staff = rng.choice(spec.branch.advisors)
    roll = rng.random()
    outcome = (
        "reached" if roll < act["reached_share"] else
        "declined" if roll < act["reached_share"] + act["declined_share"] else "not_reached"
    )  # fmt: skip
    channel = rng.choice(_CHANNELS[spec.contact_preference])
    method = "phone_invitation" if channel == "invitation" else ""
    return (day, staff, channel, method, purpose, outcome, notes if outcome == "reached" else "")


def _attempt(rng: random.Random, spec: CustomerSpec, today: dt.date, manager: int) -> Contact:
    day = today - dt.timedelta(days=rng.randint(1, 200))
    return (day, manager, "phone", "phone_invitation", "电话邀约", "not_reached", "")


def _churn_story(rng: random.Random, spec: CustomerSpec, today: dt.date) -> list[Contact]:
    """The contacts that tell a churn story, up to today."""
    plan, manager = spec.churn, spec.manager_id or 0
    if not plan.warned(today) or plan.warn_on is None:
        return []
    day = plan.warn_on
    story: list[Contact] = []
    if plan.cause == "complaint":
        story.append(
            (day, manager, "visit", "", COMPLAINT_PURPOSE, "reached", rng.choice(_COMPLAINTS))
        )
    elif plan.cause == "rate":
        story.append(
            (day, manager, "phone", "", "产品到期提醒", "reached", rng.choice(_RATE_NOTES))
        )
    elif plan.cause == "neglect":
        story.append((day, manager, "phone", "", "定期回访", "not_reached", ""))
    after = day + dt.timedelta(days=rng.randint(5, 25))
    if after < today:
        story.append((after, manager, "phone", "", "客户维护回访", "declined", "客户表示暂不需要"))
    return story


def interaction_rows(
    rng: random.Random, spec: CustomerSpec, contacts: list[Contact], first_pk: int, now: dt.datetime
) -> list[tuple[Any, ...]]:
    """Rows in time order (naive UTC, business hours in Shanghai), none later than yesterday.

    The establishing contact carries the customer's established_at; the seconds keep two
    contacts on one day apart, so the contact log's natural key stays unique.
    """
    yesterday = now.date() - dt.timedelta(days=1)
    rows = []
    for index, (day, staff, channel, method, purpose, outcome, notes) in enumerate(
        sorted(contacts)
    ):
        if purpose == ESTABLISH_PURPOSE and spec.established_at is not None:
            at = spec.established_at
        else:
            moment = dt.time(1 + rng.randrange(9), rng.randrange(60), 1 + index % 59)
            at = dt.datetime.combine(min(day, yesterday), moment)
        row = (
            first_pk + index,
            spec.pk,
            staff,
            at,
            channel,
            method,
            purpose,
            outcome,
            notes,
            "",
            now,
        )
        rows.append(row)
    return rows
