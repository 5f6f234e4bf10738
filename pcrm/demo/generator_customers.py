"""Customers of the demo bank: identity (sealed, masked, indexed), profile and segment inputs.

Each customer is drawn as a :class:`CustomerSpec` (what the other generators need to
know) and a row for the customers table. The protected columns are sealed here with
the same AES-GCM keyring the model field uses, and their masked copies and blind
indexes come from :func:`pcrm.customers.pii.customer_derived`, the one rule every
writer follows.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pypinyin import lazy_pinyin

from pcrm.customers.pii import customer_derived
from pcrm.demo.generator_churn import ChurnPlan, churn_plan
from pcrm.demo.generator_org import DemoBranch
from pcrm.demo.generator_people import (
    Pools,
    birthday_soon,
    draw_address,
    draw_birth_date,
    draw_email,
    draw_id_no,
    draw_name,
    draw_other_id,
    draw_phone,
    lunar_birthday_soon,
)
from pcrm.demo.profile import section, weighted
from pcrm.lib.crypto import seal
from pcrm.lib.masking import surname
from pcrm.lib.pinyin import name_search_keys

CUSTOMER_COLUMNS = (
    "id", "customer_no", "name", "name_pinyin", "name_initials", "id_type", "id_no",
    "id_no_index", "id_no_masked", "gender", "birth_date", "lunar_birthday", "phone",
    "phone_index", "phone_masked", "email", "email_index", "email_masked", "address",
    "address_masked", "work_unit", "occupation", "family", "relatives", "branch_id",
    "manager_id", "service_established", "established_at", "established_by_id", "red_list",
    "potential", "orientation", "contact_preference", "contact_preference_recorded_at",
    "contact_preference_recorded_by_id", "risk_rating", "risk_assessed_on", "marketing_consent",
    "marketing_consent_recorded_at", "marketing_consent_recorded_by_id", "aum", "created_at",
    "updated_at",
)  # fmt: skip


@dataclass(slots=True)
class CustomerSpec:
    """What the holdings, transactions and interactions generators need about a customer."""

    pk: int
    customer_no: str
    branch: DemoBranch
    manager_id: int | None
    aum: float  # the money the customer brings at its peak, in yuan
    risk_rating: str
    orientation: str
    contact_preference: str
    established_at: dt.datetime | None
    since: dt.date
    age: int
    work_unit: str
    churn: ChurnPlan


def name_keys(name: str) -> tuple[str, str]:
    """name_search_keys(name), composed from cached surname readings and given-name pinyin.

    The lookup of every reading of a surname costs about half a millisecond; a million
    customers share a few hundred surnames and some thousand given names.
    """
    family = surname(name)
    fulls, initials = _family_keys(family)
    given = _given_pinyin(name[len(family) :])
    full_given, initials_given = "".join(given), "".join(s[:1] for s in given)
    return (
        "|" + "|".join(sorted(f + full_given for f in fulls)) + "|",
        "|" + "|".join(sorted(i + initials_given for i in initials)) + "|",
    )


@lru_cache(maxsize=4096)
def _family_keys(family: str) -> tuple[list[str], list[str]]:
    fulls, initials = name_search_keys(family)
    return fulls.strip("|").split("|"), initials.strip("|").split("|")


@lru_cache(maxsize=100_000)
def _given_pinyin(given: str) -> list[str]:
    return [p.lower() for p in lazy_pinyin(given, errors="ignore")]


def draw_aum(rng: random.Random, index: int) -> float:
    """Lognormal AUM; every `band_every`-th customer is placed inside a tier band in turn."""
    spec = section("segments")
    floors = spec["tier_floors"]
    if index % spec["band_every"] == 0:
        bands = [(1000.0, floors[0]), *zip(floors, [*floors[1:], spec["aum_max"]], strict=True)]
        low, high = bands[(index // spec["band_every"]) % len(bands)]
        return float(math.exp(rng.uniform(math.log(low), math.log(high))))
    value = rng.lognormvariate(math.log(spec["aum_median"]), spec["aum_sigma"])
    return float(min(max(value, 50.0), spec["aum_max"]))


def _choice(rng: random.Random, table: dict[str, float]) -> str:
    values, cumulative = weighted(table)
    return rng.choices(values, cum_weights=cumulative)[0]


def _when(rng: random.Random, day: dt.date) -> dt.datetime:
    """A working-hours moment on a day, as naive UTC (Asia/Shanghai is UTC+8)."""
    return dt.datetime.combine(day, dt.time(1 + rng.randrange(8), rng.randrange(60)))


def customer_draw(
    rng: random.Random,
    *,
    pk: int,
    index: int,
    customer_no: str,
    today: dt.date,
    branches: list[DemoBranch],
    p: Pools,
    now: dt.datetime,
) -> tuple[CustomerSpec, tuple[Any, ...]]:
    """One customer: the spec for the other generators and the row for the table."""
    people, seg = section("people"), section("segments")
    name = draw_name(rng, p)
    gender = rng.choice("MF")
    birth = draw_birth_date(rng, today)
    lunar = rng.random() < people["lunar_birthday_share"]
    soon = rng.random()
    if soon < people["lunar_birthday_soon_share"]:
        birth, lunar = lunar_birthday_soon(rng, today, birth), True
    elif soon < people["lunar_birthday_soon_share"] + people["birthday_soon_share"]:
        birth, lunar = birthday_soon(rng, today, birth), False
    if rng.random() < people["other_id_type_share"]:
        id_type, id_no = draw_other_id(rng)
    else:
        id_type, id_no = "id_card", draw_id_no(rng, birth, gender)
    phone = "" if rng.random() < people["phone_missing_share"] else draw_phone(rng)
    email = draw_email(rng, customer_no) if rng.random() < people["email_share"] else ""
    branch = branches[rng.randrange(len(branches))]
    address = (
        ""
        if rng.random() < people["address_missing_share"]
        else draw_address(rng, p, branch.district)
    )
    manager_id = _manager(rng, branch)
    since = today - dt.timedelta(days=rng.randint(400, 6000))
    established = manager_id is not None and rng.random() >= seg["not_established_share"]
    established_at = (
        _when(rng, today - dt.timedelta(days=rng.randint(30, min(1500, (today - since).days))))
        if established
        else None
    )
    spec = CustomerSpec(
        pk=pk,
        customer_no=customer_no,
        branch=branch,
        manager_id=manager_id,
        aum=draw_aum(rng, index),
        risk_rating=""
        if rng.random() < seg["risk_missing_share"]
        else _choice(rng, seg["risk_weights"]),
        orientation=_choice(rng, seg["orientation_weights"]),
        contact_preference=_choice(rng, seg["contact_preference_weights"]),
        established_at=established_at,
        since=since,
        age=(today - birth).days // 365,
        work_unit=""
        if rng.random() < people["work_unit_missing_share"]
        else rng.choice(p.employers),
        churn=churn_plan(rng, today),
    )
    derived = customer_derived(name="", id_no=id_no, phone=phone, email=email, address=address)
    derived["name_pinyin"], derived["name_initials"] = name_keys(name)
    row = (
        pk, customer_no, name, derived["name_pinyin"], derived["name_initials"], id_type,
        _sealed(id_no), derived["id_no_index"], derived["id_no_masked"], gender,
        None if id_type != "id_card" and rng.random() < 0.5 else birth, lunar,
        _sealed(phone), derived["phone_index"], derived["phone_masked"],
        _sealed(email), derived["email_index"], derived["email_masked"],
        _sealed(address), derived["address_masked"], spec.work_unit,
        "" if rng.random() < people["occupation_missing_share"] else rng.choice(p.occupations),
        "" if rng.random() < people["family_missing_share"] else rng.choice(people["families"]),
        "" if rng.random() < people["relatives_missing_share"] else rng.choice(people["relatives"]),
        branch.pk, manager_id, established, established_at,
        manager_id if established else None,
        *_segment_inputs(rng, spec, today, now),
        0, dt.datetime.combine(since, dt.time(2)), now,
    )  # fmt: skip
    return spec, row


def _manager(rng: random.Random, branch: DemoBranch) -> int | None:
    seg = section("segments")
    roll = rng.random()
    if roll < seg["no_manager_share"] or not branch.holders:
        return None
    if roll < seg["no_manager_share"] + seg["advisor_share"] and branch.advisors:
        return rng.choice(branch.advisors)
    return rng.choice(branch.holders)


def _segment_inputs(
    rng: random.Random, spec: CustomerSpec, today: dt.date, now: dt.datetime
) -> tuple[Any, ...]:
    """red_list … marketing_consent_recorded_by_id, in column order."""
    seg = section("segments")
    recorder = spec.manager_id or spec.branch.head
    red_list = rng.random() < seg["red_list_share"]
    potential = None if rng.random() < seg["potential_missing_share"] else _potential(rng, spec)
    pref_at = _when(rng, today - dt.timedelta(days=rng.randint(1, 700)))
    assessed = None
    if spec.risk_rating:
        stale = rng.random() < seg["risk_stale_share"]
        assessed = today - dt.timedelta(
            days=rng.randint(370, 1400) if stale else rng.randint(1, 360)
        )
    withdrawn = rng.random() < seg["marketing_withdrawn_share"]
    return (
        red_list, potential, spec.orientation, spec.contact_preference,
        pref_at if spec.contact_preference else None,
        recorder if spec.contact_preference else None,
        spec.risk_rating, assessed, not withdrawn,
        _when(rng, today - dt.timedelta(days=rng.randint(1, 400))) if withdrawn else None,
        recorder if withdrawn else None,
    )  # fmt: skip


def _potential(rng: random.Random, spec: CustomerSpec) -> int:
    """Growth potential 0–100: younger customers and value seekers lean higher."""
    lean = 15 if spec.age < 45 else -10 if spec.age > 65 else 0
    lean += 10 if spec.orientation == "value" else 0
    return max(0, min(100, int(rng.gauss(50 + lean, 25))))


def _sealed(value: str) -> str:
    return seal(value) if value else ""
