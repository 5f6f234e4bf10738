"""Lunar birthdays, festivals and official working days."""

from __future__ import annotations

import datetime as dt

from pcrm.lib import calendars


def test_lunar_birthday_converted_for_a_year():
    # 1962-08-30 is lunar 8/1; in 2026 lunar 8/1 is 2026-09-11.
    assert calendars.lunar_birthday_for_year(dt.date(1962, 8, 30), 2026) == [dt.date(2026, 9, 11)]


def test_lunar_day_30_missing_falls_on_month_end():
    # 2023-03-21 is lunar 2/30; the 2nd lunar month of 2026 has 29 days, ending 2026-04-16.
    assert calendars.lunar_of(dt.date(2023, 3, 21))[1:] == (2, 30)
    assert calendars.lunar_birthday_in(2026, 2, 30) == dt.date(2026, 4, 16)
    assert calendars.lunar_birthday_in(2026, 2, 29) == dt.date(2026, 4, 16)


def test_leap_month_birthday_kept_in_ordinary_month():
    assert calendars.lunar_of(dt.date(2023, 4, 19))[1:] == (-2, 29)  # leap 2nd month
    assert calendars.lunar_birthday_in(2023, -2, 29) == calendars.lunar_birthday_in(2023, 2, 29)
    assert calendars.lunar_month_day_many([dt.date(2023, 4, 19)]) == {dt.date(2023, 4, 19): (2, 29)}


def test_lunar_month_day_many_matches_single_conversion():
    days = [dt.date(1950, 1, 1) + dt.timedelta(days=n * 97) for n in range(300)]
    many = calendars.lunar_month_day_many(days)
    assert all(many[d] == (abs(calendars.lunar_of(d)[1]), calendars.lunar_of(d)[2]) for d in days)


def test_solar_birthday_29_february():
    assert calendars.solar_birthday_for_year(dt.date(1980, 2, 29), 2026) == dt.date(2026, 2, 28)
    assert calendars.solar_birthday_for_year(dt.date(1980, 2, 29), 2028) == dt.date(2028, 2, 29)


def test_festivals_for_year():
    found = calendars.festivals_for_year(
        2026, ["元旦", "春节", "端午节", "中秋节", "国庆节", "未知节"]
    )
    assert found == {
        "元旦": dt.date(2026, 1, 1), "春节": dt.date(2026, 2, 17), "端午节": dt.date(2026, 6, 19),
        "中秋节": dt.date(2026, 9, 25), "国庆节": dt.date(2026, 10, 1),
    }  # fmt: skip


def test_festival_window_includes_both_ends():
    names = ["中秋节"]
    assert calendars.festivals_between(dt.date(2026, 9, 22), dt.date(2026, 9, 25), names)
    assert not calendars.festivals_between(dt.date(2026, 9, 26), dt.date(2026, 9, 29), names)
    assert calendars.festivals_between(dt.date(2026, 12, 30), dt.date(2027, 1, 2), ["元旦"]) == [
        ("元旦", dt.date(2027, 1, 1))
    ]


def test_working_days_with_holidays_and_make_up_days():
    assert not calendars.is_working_day(dt.date(2026, 10, 1))  # National Day
    assert calendars.is_working_day(dt.date(2026, 2, 14))  # Saturday make-up day
    assert calendars.working_days_after(dt.date(2026, 9, 30), 1) == [dt.date(2026, 10, 8)]


def test_years_without_official_data_use_weekends_and_overrides():
    saturday = dt.date(2027, 1, 2)
    assert not calendars.is_working_day(saturday)
    assert calendars.is_working_day(dt.date(2027, 1, 4))
    overrides = {saturday: True, dt.date(2027, 1, 4): False}
    assert calendars.is_working_day(saturday, overrides)
    assert calendars.working_days_after(dt.date(2027, 1, 1), 2, overrides) == [
        saturday, dt.date(2027, 1, 5),
    ]  # fmt: skip
