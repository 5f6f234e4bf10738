"""Segments (tier fast-up/slow-down, estimated potential) and channel/content/consent rules."""

from __future__ import annotations

import datetime as dt

import pytest

from pcrm.playbook.models import CustomerSegment
from pcrm.playbook.tests.conftest import POLICY

DAY = dt.timedelta(days=1)
QUIET = dt.date(2026, 9, 10)  # no festival in [QUIET, QUIET+3]


@pytest.mark.parametrize(("pref", "channel"), [
    ("do_not_disturb", "sms"), ("frequent", "visit"), ("moderate", "phone"), ("", "phone"),
])  # fmt: skip
def test_maintenance_channel_per_preference(bank, pref, channel):
    customer = bank.customer(contact_preference=pref)
    bank.run(QUIET)
    item = bank.items(customer, "maintenance")[0]
    assert item.channel == channel
    assert item.channel in POLICY["channels_by_preference"][pref]
    assert ("约定联系偏好" in item.reason) is (pref == "")


@pytest.mark.parametrize("pref", ["do_not_disturb", "frequent", "moderate", ""])
def test_service_notice_channel_per_preference(bank, pref):
    customer = bank.customer(contact_preference=pref)
    bank.holding(customer, principal="100000", value="85000")
    bank.txn(customer, QUIET - DAY, "-70000")
    bank.run(QUIET)
    assert bank.items(customer, "stop_loss")[0].channel == (
        "sms" if pref == "do_not_disturb" else "phone"
    )
    assert bank.items(customer, "large_account_change")[0].channel == "phone"


def test_moderate_never_visit_and_dnd_never_phone(bank):
    moderate = bank.customer(contact_preference="moderate", birth_date=QUIET.replace(year=1970))
    quiet = bank.customer(contact_preference="do_not_disturb", birth_date=QUIET.replace(year=1970))
    bank.run(QUIET)
    assert {i.channel for i in bank.items(moderate)} <= {"phone", "sms", "card", "invitation"}
    never = set(POLICY["never_channels_by_preference"]["do_not_disturb"])
    assert not {i.channel for i in bank.items(quiet)} & never


@pytest.mark.parametrize(("orientation", "consent", "content"), [
    ("relationship", True, "care"), ("value", True, "wealth_diagnosis"), ("service", True, "event"),
    ("service", False, "care"), ("", True, "care"),
])  # fmt: skip
def test_content_by_orientation_and_consent(bank, orientation, consent, content):
    customer = bank.customer(orientation=orientation, marketing_consent=consent)
    bank.run(QUIET)
    item = bank.items(customer, "maintenance")[0]
    assert item.content == content
    assert ("评估客户取向" in item.reason) is (orientation == "")


def test_consent_withdrawn_never_event_or_marketing(bank):
    customer = bank.customer(orientation="service", marketing_consent=False)
    bank.holding(customer, principal="100000", value="85000")
    bank.run(QUIET)
    assert not {i.content for i in bank.items(customer)} & {"event", "marketing"}


def test_tier_fast_up_slow_down(bank):
    customer = bank.customer()
    holding = bank.holding(customer, product_type="demand_deposit", risk="R1", principal="1000000")
    bank.run(QUIET)
    segment = CustomerSegment.objects.get(customer=customer)
    assert (segment.tier, segment.tier_since) == ("platinum", QUIET)
    holding.market_value = 200000
    holding.save()
    days = POLICY["tier_downgrade_days"]
    bank.run(QUIET + DAY)
    segment.refresh_from_db()
    assert (segment.tier, segment.below_floor_since) == ("platinum", QUIET + DAY)
    bank.run(QUIET + days * DAY)  # below the floor for days−1 days only
    segment.refresh_from_db()
    assert segment.tier == "platinum"
    bank.run(QUIET + (days + 1) * DAY)
    segment.refresh_from_db()
    assert (segment.tier, segment.tier_since) == ("gold", QUIET + (days + 1) * DAY)
    holding.market_value = 7000000
    holding.save()
    bank.run(QUIET + (days + 2) * DAY)  # upgrade at once
    segment.refresh_from_db()
    assert (segment.tier, segment.below_floor_since) == ("diamond", None)


def test_downgrade_clock_restarts_when_aum_recovers(bank):
    customer = bank.customer()
    holding = bank.holding(customer, product_type="demand_deposit", risk="R1", principal="1000000")
    bank.run(QUIET)
    holding.market_value = 200000
    holding.save()
    bank.run(QUIET + DAY)
    holding.market_value = 1000000
    holding.save()
    bank.run(QUIET + 2 * DAY)
    assert CustomerSegment.objects.get(customer=customer).below_floor_since is None


def test_potential_given_or_estimated(bank):
    given = bank.customer(potential=75)
    guessed = bank.customer(potential=None, birth_date=dt.date(1990, 1, 1))
    bank.holding(guessed, product_type="demand_deposit", risk="R1", principal="100000")
    bank.txn(guessed, QUIET - 10 * DAY, "60000")  # large inflow, AUM up 150 %
    bank.run(QUIET)
    seg_given = CustomerSegment.objects.get(customer=given)
    seg_guess = CustomerSegment.objects.get(customer=guessed)
    assert (seg_given.potential, seg_given.potential_estimated) == (75, False)
    est = POLICY["potential_estimation"]
    expected = (
        est["base"] + est["trend_weight"] + est["large_inflow_weight"] + est["age_band_weight"]
    )
    assert (seg_guess.potential, seg_guess.potential_estimated) == (expected, True)
    assert set(seg_guess.explanation["potential_signals"]) == {
        "aum_trend",
        "large_inflow",
        "age_band",
    }
    assert seg_guess.quadrant == "lift"


@pytest.mark.parametrize(("aum", "potential", "quadrant"), [
    ("500000", 60, "core"), ("499999.99", 60, "lift"), ("500000", 59, "keep"), ("100", 59, "basic"),
])  # fmt: skip
def test_quadrants_at_thresholds(bank, aum, potential, quadrant):
    customer = bank.customer(potential=potential)
    bank.holding(customer, product_type="time_deposit", risk="R1", principal=aum)
    bank.holding(customer, product_type="loan", risk="", principal="900000")  # not an asset
    bank.run(QUIET)
    assert CustomerSegment.objects.get(customer=customer).quadrant == quadrant


def test_priority_per_kind(bank):
    core = bank.customer(potential=80)
    bank.holding(core, product_type="demand_deposit", risk="R1", principal="600000")
    keep = bank.customer(potential=10)
    bank.holding(keep, product_type="demand_deposit", risk="R1", principal="600000")
    bank.run(dt.date(2026, 11, 10))
    assert (
        bank.items(core, "maintenance")[0].priority == POLICY["priorities"]["maintenance_core"] == 4
    )
    assert (
        bank.items(keep, "maintenance")[0].priority == POLICY["priorities"]["maintenance_keep"] == 5
    )
