"""Calendars the playbook needs: lunar birthdays, festivals and official working days.

Pure functions (no database): the override table of working days is passed in.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from importlib import resources

import chinese_calendar
from lunar_python import Lunar, LunarMonth, LunarYear, Solar

# Festivals the bank may greet on: lunar ones as (month, day); "除夕" is the lunar year's last day.
SOLAR_FESTIVALS: dict[str, tuple[int, int]] = {
    "元旦": (1, 1),
    "妇女节": (3, 8),
    "劳动节": (5, 1),
    "儿童节": (6, 1),
    "教师节": (9, 10),
    "国庆节": (10, 1),
    "圣诞节": (12, 25),
}
LUNAR_FESTIVALS: dict[str, tuple[int, int]] = {
    "春节": (1, 1),
    "元宵节": (1, 15),
    "端午节": (5, 5),
    "七夕节": (7, 7),
    "中秋节": (8, 15),
    "重阳节": (9, 9),
    "腊八节": (12, 8),
}
EVE = "除夕"
SHIPPED_LAST_YEAR = 2100
KNOWN_FESTIVALS = frozenset({*SOLAR_FESTIVALS, *LUNAR_FESTIVALS, EVE})


def _solar_of(lunar: Lunar) -> dt.date:
    solar = lunar.getSolar()
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def lunar_of(day: dt.date) -> tuple[int, int, int]:
    """(lunar year, lunar month, lunar day) of a solar date; a leap month is negative."""
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    return lunar.getYear(), lunar.getMonth(), lunar.getDay()


def _month_days(lunar_year: int, month: int) -> int:
    return int(LunarMonth.fromYm(lunar_year, month).getDayCount())


def lunar_birthday_in(lunar_year: int, month: int, day: int) -> dt.date:
    """The solar date of a lunar birthday (month, day) in a lunar year.

    A leap-month birthday is kept in the ordinary month; a day 30 the month lacks that
    year falls on the month's last day (29).
    """
    month = abs(month)
    day = min(day, _month_days(lunar_year, month))
    return _solar_of(Lunar.fromYmd(lunar_year, month, day))


def lunar_birthday_for_year(birth_date: dt.date, solar_year: int) -> list[dt.date]:
    """Solar dates in a solar year on which someone born on ``birth_date`` celebrates
    the lunar birthday (usually one, rarely two, sometimes none)."""
    _, month, day = lunar_of(birth_date)
    found = []
    for lunar_year in (solar_year - 1, solar_year):
        date = lunar_birthday_in(lunar_year, month, day)
        if date.year == solar_year:
            found.append(date)
    return found


def solar_birthday_for_year(birth_date: dt.date, year: int) -> dt.date:
    """The solar birthday in a year; 29 February falls on 28 February in common years."""
    try:
        return birth_date.replace(year=year)
    except ValueError:
        return dt.date(year, 2, 28)


def festivals_for_year(year: int, names: Iterable[str]) -> dict[str, dt.date]:
    """Solar dates of the named festivals in a solar year (unknown names are ignored)."""
    found: dict[str, dt.date] = {}
    for name in names:
        if name in SOLAR_FESTIVALS:
            month, day = SOLAR_FESTIVALS[name]
            found[name] = dt.date(year, month, day)
        elif name in LUNAR_FESTIVALS:
            month, day = LUNAR_FESTIVALS[name]
            for lunar_year in (year - 1, year):
                date = _solar_of(Lunar.fromYmd(lunar_year, month, day))
                if date.year == year:
                    found[name] = date
        elif name == EVE:
            for lunar_year in (year - 1, year):
                date = _solar_of(Lunar.fromYmd(lunar_year + 1, 1, 1)) - dt.timedelta(days=1)
                if date.year == year:
                    found[name] = date
    return found


def festivals_between(
    start: dt.date, end: dt.date, names: Iterable[str]
) -> list[tuple[str, dt.date]]:
    """(name, date) of the named festivals in [start, end], both ends included."""
    names = list(names)
    found = []
    for year in range(start.year, end.year + 1):
        for name, date in festivals_for_year(year, names).items():
            if start <= date <= end:
                found.append((name, date))
    return sorted(found, key=lambda item: (item[1], item[0]))


def is_working_day(day: dt.date, overrides: Mapping[dt.date, bool] | None = None) -> bool:
    """Official working day: the override table first, then chinesecalendar; for years it
    does not cover, weekends are rest days."""
    if overrides and day in overrides:
        return overrides[day]
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return day.weekday() < 5


def working_days_after(
    day: dt.date, count: int, overrides: Mapping[dt.date, bool] | None = None
) -> list[dt.date]:
    """The next ``count`` working days strictly after ``day``."""
    found: list[dt.date] = []
    current = day
    while len(found) < count:
        current += dt.timedelta(days=1)
        if is_working_day(current, overrides):
            found.append(current)
    return found


def days_between(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    """Every date in [start, end]."""
    for offset in range((end - start).days + 1):
        yield start + dt.timedelta(days=offset)


@lru_cache(maxsize=1)
def _shipped_months() -> tuple[list[int], list[tuple[int, int]]]:
    """Lunar months 1900–2100 precomputed from lunar-python (lunar_months.json): converting
    a million birth dates must not recompute astronomy."""
    text = resources.files("pcrm.lib").joinpath("lunar_months.json").read_text("utf-8")
    rows = json.loads(text)["months"]
    return [r[0] for r in rows], [(r[1], r[2]) for r in rows]


@lru_cache(maxsize=8)
def _lunar_month_starts(first_year: int, last_year: int) -> tuple[list[int], list[tuple[int, int]]]:
    """Ordinal of each lunar month's first day, with its (month, days), for fast lookups."""
    starts, months = _shipped_months()
    if dt.date(first_year, 3, 1).toordinal() >= starts[0] and last_year <= SHIPPED_LAST_YEAR:
        return starts, months
    starts, months = [], []
    for year in range(first_year, last_year + 1):
        for month in LunarYear.fromYear(year).getMonths():
            if month.getYear() != year:
                continue
            first = Solar.fromJulianDay(month.getFirstJulianDay())
            ordinal = dt.date(first.getYear(), first.getMonth(), first.getDay()).toordinal()
            starts.append(ordinal)
            months.append((month.getMonth(), month.getDayCount()))
    return starts, months


def lunar_month_day_many(dates: Iterable[dt.date]) -> dict[dt.date, tuple[int, int]]:
    """(lunar month, lunar day) for many solar dates at once, leap months as the ordinary
    month (how a leap-month birthday is kept)."""
    dates = list(dates)
    if not dates:
        return {}
    starts, months = _lunar_month_starts(min(dates).year - 1, max(dates).year)
    found = {}
    for date in dates:
        index = bisect.bisect_right(starts, date.toordinal()) - 1
        month, _days = months[index]
        found[date] = (abs(month), date.toordinal() - starts[index] + 1)
    return found
