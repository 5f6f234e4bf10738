"""Each playbook rule at and around its thresholds (issue 4, DESIGN §4.3)."""

from __future__ import annotations

import datetime as dt

import pytest

from pcrm.playbook.models import CustomerSegment
from pcrm.playbook.tests.conftest import POLICY, D
from pcrm.worklist.models import WorkItem

DAY = dt.timedelta(days=1)


def kinds(bank, customer) -> set[str]:
    return {i.kind for i in bank.items(customer)}


@pytest.mark.parametrize(
    ("value", "expected"),
    [("90010", set()), ("90000", {"stop_loss"}), ("119990", set()), ("120000", {"gain_protect"})],
)
def test_stop_loss_and_gain_thresholds(bank, value, expected):
    customer = bank.customer()
    bank.reached(customer, D - DAY)
    bank.holding(customer, principal="100000", value=value)
    bank.run()
    assert kinds(bank, customer) & {"stop_loss", "gain_protect"} == expected


def test_stop_loss_only_for_market_products(bank):
    customer = bank.customer()
    bank.reached(customer, D - DAY)
    bank.holding(
        customer, product_type="time_deposit", risk="R1", principal="100000", value="80000"
    )
    bank.run()
    assert "stop_loss" not in kinds(bank, customer)


def test_stop_loss_at_most_once_per_30_days(bank):
    customer = bank.customer()
    bank.reached(customer, D - DAY)
    bank.holding(customer, principal="100000", value="80000")
    bank.run(D)
    bank.run(D + 29 * DAY)
    assert len(bank.items(customer, "stop_loss")) == 1
    bank.run(D + 30 * DAY)
    assert len(bank.items(customer, "stop_loss")) == 2


@pytest.mark.parametrize(("offset", "expected"), [(0, True), (7, True), (8, False), (-1, False)])
def test_maturity_window(bank, offset, expected):
    customer = bank.customer()
    bank.reached(customer, D - DAY)
    bank.holding(customer, product_type="time_deposit", risk="R1", matures_on=D + offset * DAY)
    bank.run()
    items = bank.items(customer, "maturity_reminder")
    assert bool(items) is expected
    if items:
        assert items[0].due_on == D
        assert items[0].priority == 2
        assert items[0].content == "service_notice"
        assert str(D + offset * DAY) in items[0].reason


@pytest.mark.parametrize(("days_before", "amount", "expected"), [
    (1, "-50000", True), (3, "50000", True), (4, "90000", False), (0, "90000", False),
    (1, "49999.99", False),
])  # fmt: skip
def test_large_account_change_window_and_amount(bank, days_before, amount, expected):
    customer = bank.customer()
    bank.reached(customer, D - DAY)
    bank.holding(customer, product_type="demand_deposit", risk="R1", principal="1000000")
    bank.txn(customer, D - days_before * DAY, amount)
    bank.run()
    items = bank.items(customer, "large_account_change")
    assert bool(items) is expected
    if items:
        assert items[0].channel == "phone"
        assert items[0].priority == 1


def test_large_account_change_by_share_of_aum(bank):
    customer = bank.customer()
    bank.reached(customer, D - DAY)
    bank.holding(customer, product_type="demand_deposit", risk="R1", principal="100000")
    bank.txn(customer, D - DAY, "30000")  # 30 % of AUM
    other = bank.customer()
    bank.reached(other, D - DAY)
    bank.holding(other, product_type="demand_deposit", risk="R1", principal="100000")
    bank.txn(other, D - DAY, "29999")
    bank.run()
    assert "large_account_change" in kinds(bank, customer)
    assert "large_account_change" not in kinds(bank, other)


def test_late_evening_transaction_counts_on_its_local_day(bank):
    customer = bank.customer()
    bank.reached(customer, D - DAY)
    bank.txn(customer, D - DAY, "80000", hour=23)  # 23:00 Shanghai on D−1 is D−1
    bank.run()
    assert "large_account_change" in kinds(bank, customer)


@pytest.mark.parametrize(("offset", "expected"), [(0, True), (3, True), (4, False)])
def test_solar_birthday_window(bank, offset, expected):
    birthday = D + offset * DAY
    customer = bank.customer(birth_date=birthday.replace(year=1980))
    bank.reached(customer, D - DAY)
    bank.run()
    items = bank.items(customer, "birthday_greeting")
    assert bool(items) is expected
    if items:
        assert items[0].due_on == birthday
        assert items[0].content == "greeting"
        assert items[0].item_key.endswith(":2026")


def test_lunar_birthday_is_converted(bank):
    # Born 1962-08-30 = lunar 8/1; lunar 8/1 of 2026 is 2026-09-11, outside [D, D+3].
    customer = bank.customer(birth_date=dt.date(1962, 8, 30), lunar_birthday=True)
    bank.reached(customer, D - DAY)
    bank.run()
    assert "birthday_greeting" not in kinds(bank, customer)
    bank.run(dt.date(2026, 9, 9))
    item = bank.items(customer, "birthday_greeting")[0]
    assert item.due_on == dt.date(2026, 9, 11)
    assert "农历" in item.reason


def test_lunar_day_30_missing_falls_on_last_day(bank):
    # Born 2023-02-19 = lunar 1/29? use a lunar day 30 birth: 2023-03-21 = lunar 2/30.
    customer = bank.customer(birth_date=dt.date(2023, 3, 21), lunar_birthday=True)
    bank.reached(customer, D - DAY)
    # Lunar 2nd month of 2026 has 29 days (2026-03-19 .. 2026-04-16): birthday on its day 29.
    bank.run(dt.date(2026, 4, 14))
    item = bank.items(customer, "birthday_greeting")[0]
    assert item.due_on == dt.date(2026, 4, 16)


def test_leap_month_birthday_kept_in_ordinary_month(bank):
    # 2023-04-19 = leap 2nd month, day 29 → celebrated in the ordinary 2nd month.
    customer = bank.customer(birth_date=dt.date(2023, 4, 19), lunar_birthday=True)
    bank.reached(customer, D - DAY)
    bank.run(dt.date(2026, 4, 14))
    assert bank.items(customer, "birthday_greeting")[0].due_on == dt.date(2026, 4, 16)


@pytest.mark.parametrize(("aum", "day", "expected"), [
    ("100000", dt.date(2026, 9, 22), "中秋节2026"), ("99999.99", dt.date(2026, 9, 22), None),
    ("100000", dt.date(2026, 9, 21), None), ("100000", dt.date(2026, 9, 28), "国庆节2026"),
])  # fmt: skip
def test_holiday_greeting_window_and_tier(bank, aum, day, expected):
    customer = bank.customer()
    bank.reached(customer, day - DAY)
    bank.holding(customer, product_type="demand_deposit", risk="R1", principal=aum)
    bank.run(day)
    subjects = [i.subject for i in bank.items(customer, "holiday_greeting")]
    assert subjects == ([expected] if expected else [])


def test_red_list_invite_and_no_establish_same_day(bank):
    customer = bank.customer(red_list=True, service_established=False)
    bank.run()
    assert kinds(bank, customer) >= {"red_list_invite"}
    assert "establish_relationship" not in kinds(bank, customer)
    item = bank.items(customer, "red_list_invite")[0]
    assert item.channel == "phone"
    assert item.priority == 2


@pytest.mark.parametrize(("days_ago", "expected"), [(30, False), (31, True)])
def test_red_list_needs_no_recent_reached_contact(bank, days_ago, expected):
    customer = bank.customer(red_list=True, service_established=False)
    bank.reached(customer, D - days_ago * DAY)
    bank.run()
    assert ("red_list_invite" in kinds(bank, customer)) is expected


def test_red_list_needs_a_phone(bank):
    customer = bank.customer(red_list=True, service_established=False, phone="")
    bank.run()
    assert "red_list_invite" not in kinds(bank, customer)


def test_establish_relationship_only_in_a_managers_book(bank):
    mine = bank.customer(service_established=False)
    nobody = bank.customer(service_established=False, manager=None)
    bank.run()
    assert "establish_relationship" in kinds(bank, mine)
    assert "establish_relationship" not in kinds(bank, nobody)
    assert {i.staff_id for i in bank.items(nobody)} == {bank.head.pk}  # the head's queue


@pytest.mark.parametrize(("assessed", "risk", "expected"), [
    (D - 365 * DAY, "R2", False), (D - 366 * DAY, "R2", True),
    (None, "R2", True), (None, "R1", False),
])  # fmt: skip
def test_risk_reassessment(bank, assessed, risk, expected):
    customer = bank.customer(risk_assessed_on=assessed, risk_rating="C3" if assessed else "")
    bank.reached(customer, D - DAY)
    bank.holding(customer, risk=risk)
    bank.run()
    assert ("risk_reassessment" in kinds(bank, customer)) is expected


@pytest.mark.parametrize(("days_ago", "expected"), [(89, False), (90, True)])
def test_maintenance_due_after_interval(bank, days_ago, expected):
    customer = bank.customer(potential=10)  # basic: 90 days
    bank.reached(customer, D - days_ago * DAY)
    bank.run()
    items = bank.items(customer, "maintenance")
    assert bool(items) is expected
    segment = CustomerSegment.objects.get(customer=customer)
    assert segment.quadrant == "basic"
    assert segment.interval_days == POLICY["intervals"]["basic"]
    if items:
        assert f"{days_ago}天" in items[0].reason
        assert items[0].priority == 5


def test_never_contacted_is_due(bank):
    customer = bank.customer()
    bank.run()
    assert "maintenance" in kinds(bank, customer)


def test_tier_caps_interval(bank):
    customer = bank.customer(potential=10)  # keep (AUM ≥ 500k) → 60 days, platinum cap 30
    bank.holding(customer, product_type="demand_deposit", risk="R1", principal="1000000")
    day = dt.date(2026, 9, 10)  # no festival in [day, day+3]: the greeting would serve
    bank.reached(customer, day - 30 * DAY)
    bank.run(day)
    segment = CustomerSegment.objects.get(customer=customer)
    assert (segment.quadrant, segment.tier, segment.interval_days) == ("keep", "platinum", 30)
    assert "maintenance" in kinds(bank, customer)


def test_another_open_item_serves_as_maintenance(bank):
    customer = bank.customer()
    bank.holding(customer, product_type="time_deposit", risk="R1", principal="50000",
                 matures_on=D + 3 * DAY)  # fmt: skip
    bank.run()
    assert kinds(bank, customer) == {"maturity_reminder"}
    assert "同时完成日常维护" in bank.items(customer)[0].reason


def test_open_item_due_at_window_end_serves_next_runs_too(bank):
    customer = bank.customer(birth_date=(D + 3 * DAY).replace(year=1980))
    bank.run()
    assert kinds(bank, customer) == {"birthday_greeting"}  # due D+3: inside [D, D+3]
    bank.run(D + DAY)  # the open birthday item still serves
    assert kinds(bank, customer) == {"birthday_greeting"}
    bank.run(D + 4 * DAY)  # it is now overdue, outside [D+4, D+7]: maintenance is raised
    assert "maintenance" in kinds(bank, customer)


def test_idempotent_and_done_items_not_recreated(bank):
    customer = bank.customer(service_established=False)
    bank.reached(customer, D - DAY)
    bank.holding(customer, principal="100000", value="80000")
    first = bank.run()
    before = WorkItem.objects.count()
    assert sum(first.counts.values()) == before > 0
    second = bank.run()
    assert sum(second.counts.values()) == 0
    assert WorkItem.objects.count() == before
    WorkItem.objects.update(status="done")
    bank.run()
    assert WorkItem.objects.count() == before


def test_capacity_overflow_to_next_working_days(bank):
    capacity = POLICY["capacity_per_staff_day"]
    day = dt.date(2026, 9, 30)  # next working days: 10-08 (after the National Day holiday)
    core = [bank.customer(potential=90) for _ in range(3)]  # lift (no tier: no greeting)
    basic = [bank.customer(potential=10) for _ in range(capacity)]
    for i, c in enumerate(basic):
        bank.reached(c, day - (100 + i) * DAY)
    bank.run(day)
    items = WorkItem.objects.filter(kind="maintenance")
    by_day: dict[dt.date, int] = {}
    for item in items:
        by_day[item.due_on] = by_day.get(item.due_on, 0) + 1
    assert by_day == {day: capacity, dt.date(2026, 10, 8): 3}
    due = {i.customer_id: i.due_on for i in items}
    assert all(due[c.pk] == day for c in core)  # lift before basic
    assert due[basic[0].pk] == dt.date(2026, 10, 8)  # least overdue basic is pushed


def test_make_up_working_day_counts(bank):
    capacity = POLICY["capacity_per_staff_day"]
    day = dt.date(2026, 2, 13)  # Friday; Saturday 2026-02-14 is a make-up working day
    for _ in range(capacity + 1):
        bank.customer(potential=10)
    bank.run(day)
    dates = sorted({i.due_on for i in WorkItem.objects.filter(kind="maintenance")})
    assert dates == [day, dt.date(2026, 2, 14)]


def test_maintenance_cycle_after_an_unsuccessful_attempt(bank):
    customer = bank.customer(potential=10)  # basic: 90 days
    bank.reached(customer, D - 90 * DAY)
    bank.run()
    first = bank.items(customer, "maintenance")
    assert [i.subject for i in first] == [str(D)]
    WorkItem.objects.filter(kind="maintenance").update(status="done", outcome="not_reached")
    bank.run(D + 89 * DAY)  # same cycle: not raised again
    assert len(bank.items(customer, "maintenance")) == 1
    bank.run(D + 90 * DAY)  # next cycle
    assert [i.subject for i in bank.items(customer, "maintenance")][-1] == str(D + 90 * DAY)
