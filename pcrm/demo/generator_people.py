"""Believable people: Faker zh_CN names, valid resident ID numbers, phones, e-mails, addresses.

Faker is slow per call, so it fills small pools once per seed (street names, employers,
occupations) and the per-customer draws come from one fast seeded stream.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from functools import cache

from faker import Faker
from faker.providers.person.zh_CN import Provider as PersonProvider
from lunar_python import Lunar, Solar

from pcrm.demo.profile import section
from pcrm.lib import idcard

_PHONE_PREFIXES = ("135", "136", "137", "138", "139", "150", "151", "158", "186", "187", "189")
_PINYIN_FOR_EMAIL = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Pools:
    """Draw tables for one seed."""

    surnames: list[str]
    surname_weights: list[float]
    given_chars: list[str]
    streets: list[str]
    employers: list[str]
    occupations: list[str]


@cache
def pools(seed: int) -> Pools:
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    names = PersonProvider.last_names
    surnames, cumulative, total = list(names), [], 0.0
    for name in surnames:
        total += float(names[name])
        cumulative.append(total)
    return Pools(
        surnames=surnames,
        surname_weights=cumulative,
        given_chars=list(dict.fromkeys(PersonProvider.first_names)),
        streets=sorted({fake.street_name() for _ in range(400)}),
        employers=sorted({fake.company() for _ in range(300)}),
        occupations=sorted({fake.job() for _ in range(120)}),
    )


def draw_name(rng: random.Random, p: Pools) -> str:
    """A Chinese name; a share get a heteronym surname (曾 单 查) or a compound one (欧阳)."""
    people = section("people")
    roll = rng.random()
    family: str
    if roll < people["heteronym_share"]:
        family = rng.choice(people["heteronym_surnames"])
    elif roll < people["heteronym_share"] + people["compound_share"]:
        family = rng.choice(people["compound_surnames"])
    else:
        family = rng.choices(p.surnames, cum_weights=p.surname_weights)[0]
    given = rng.choice(p.given_chars)
    if rng.random() < 0.7:
        given += rng.choice(p.given_chars)
    return family + given


def draw_birth_date(rng: random.Random, today: dt.date) -> dt.date:
    people = section("people")
    # A triangle peaking in the late forties: branch customers are mostly middle-aged.
    age = rng.triangular(people["age_min"], people["age_max"], 48)
    return today - dt.timedelta(days=int(age * 365.25) + rng.randrange(365))


def birthday_soon(rng: random.Random, today: dt.date, birth: dt.date) -> dt.date:
    """Move a solar birth date so the birthday falls within the next few days."""
    days = section("people")["birthday_soon_days"]
    target = today + dt.timedelta(days=rng.randint(0, days))
    day = min(target.day, 28) if target.month == 2 else target.day
    return birth.replace(month=target.month, day=day)


def lunar_birthday_soon(rng: random.Random, today: dt.date, birth: dt.date) -> dt.date:
    """A solar birth date whose lunar month and day fall within the next few days this year."""
    days = section("people")["birthday_soon_days"]
    month, day = _lunar_month_day(today + dt.timedelta(days=rng.randint(0, days)))
    for year in range(birth.year, birth.year - 12, -1):
        solar = _solar_of_lunar(year, month, day)
        if solar is not None:
            return solar
    return birth


@cache
def _lunar_month_day(day: dt.date) -> tuple[int, int]:
    # Lunar conversion costs milliseconds: a handful of distinct days, so cache them.
    lunar = Solar.fromYmd(day.year, day.month, day.day).getLunar()
    return abs(lunar.getMonth()), lunar.getDay()


@cache
def _solar_of_lunar(year: int, month: int, day: int) -> dt.date | None:
    try:
        solar = Lunar.fromYmd(year, month, day).getSolar()
    except Exception:
        return None
    return dt.date(solar.getYear(), solar.getMonth(), solar.getDay())


def draw_id_no(rng: random.Random, birth: dt.date, gender: str) -> str:
    """A valid resident ID number: region, birth date, sequence (odd = male), check digit."""
    people = section("people")
    local = rng.random() < people["local_share"]
    region = rng.choice(people["regions_local"] if local else people["regions_elsewhere"])
    sequence = rng.randrange(0, 1000, 2) + (1 if gender == "M" else 0)
    return idcard.make(region, birth, sequence % 1000)


def draw_other_id(rng: random.Random) -> tuple[str, str]:
    """A passport or a Hong Kong/Macao or Taiwan travel permit number."""
    kind = rng.choice(["passport", "hk_macao_permit", "taiwan_permit"])
    if kind == "passport":
        return kind, f"E{rng.randrange(10**8):08d}"
    prefix = "H" if kind == "hk_macao_permit" else ""
    return kind, f"{prefix}{rng.randrange(10**8):08d}"


def draw_phone(rng: random.Random) -> str:
    return rng.choice(_PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def draw_email(rng: random.Random, customer_no: str) -> str:
    handle = "".join(rng.choice(_PINYIN_FOR_EMAIL) for _ in range(rng.randint(3, 7)))
    return f"{handle}{customer_no[-4:]}@example.com"


def draw_address(rng: random.Random, p: Pools, district: str) -> str:
    city = section("bank")["city"]
    street = rng.choice(p.streets)
    lane, number, room = rng.randint(1, 999), rng.randint(1, 40), rng.randint(101, 2806)
    return f"{city}{district}{street}{lane}弄{number}号{room}室"
