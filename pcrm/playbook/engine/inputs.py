"""Turn the policy document and the calendars into what the SQL rules read: literal
parameters and small tables (quadrants, channels, priorities, birthday and festival
windows, capacity slots). Nothing here decides a rule; it only prepares data."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from importlib import resources
from string import Template
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pcrm.lib import calendars
from pcrm.playbook.choices import Quadrant

TIER_RANK = {"gold": 1, "platinum": 2, "diamond": 3}
RULE_FILES = ("segments.sql", "items.sql")
PREFERENCES = ("", "do_not_disturb", "frequent", "moderate")
ORIENTATIONS = ("", "relationship", "value", "service")


def _cents(value: Any) -> int:
    return int(Decimal(str(value)) * 100)


def _date(day: dt.date) -> str:
    return f"DATE '{day.isoformat()}'"


def _in_list(values: list[str]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values) or "''"


def rule_params(doc: Mapping[str, Any], d: dt.date) -> dict[str, str]:
    """Literal values substituted into the SQL rules."""
    est = doc["potential_estimation"]
    tiers = {t["tier"]: t for t in doc["tiers"]}
    days = dt.timedelta
    params: dict[str, Any] = {
        "d": _date(d), "d_text": d.isoformat(), "d_year": d.year,
        "aum_types": _in_list(doc["aum_product_types"]),
        "asset_high_c": _cents(doc["asset_high_aum"]), "potential_high": doc["potential_high"],
        "trend_start": _date(d - days(est["trend_days"])),
        "trend_pct": Decimal(est["trend_growth_pct"]),
        "inflow_c": _cents(est["large_inflow_amount"]), "breadth_min": est["breadth_min_types"],
        "age_min": est["age_band_min"], "age_max": est["age_band_max"], "est_base": est["base"],
        "w_trend": est["trend_weight"], "w_inflow": est["large_inflow_weight"],
        "w_breadth": est["breadth_weight"], "w_age": est["age_band_weight"],
        "down_days": doc["tier_downgrade_days"],
        "blocked_contents": _in_list(doc["consent_withdrawn_blocked_contents"]),
        "fallback_content": doc["consent_withdrawn_fallback_content"],
        "maturity_end": _date(d + days(doc["maturity_window_days"])),
        "stop_loss_bp": int(Decimal(str(doc["stop_loss_pct"])) * 100),
        "gain_bp": int(Decimal(str(doc["gain_protect_pct"])) * 100),
        "loss_gain_types": _in_list(doc["loss_gain_product_types"]),
        "large_channel": doc["large_account_change_channel"],
        "change_start": _date(d - days(doc["large_change_lookback_days"])),
        "change_end": _date(d - days(1)),
        "large_c": _cents(doc["large_change_amount"]),
        "share_pct": Decimal(str(doc["large_change_aum_share_pct"])),
        "greeting_rank": TIER_RANK[doc["holiday_greeting_min_tier"]],
        "red_list_since": _date(d - days(doc["red_list_no_contact_days"])),
        "red_channel": doc["red_list_invite_channel"],
        "risk_age": doc["risk_assessment_max_age_days"],
        "risk_free_levels": _in_list(doc["risk_free_levels"]),
        "another_end": _date(d + days(doc["another_item_window_days"])),
        "capacity": doc["capacity_per_staff_day"],
        "last_slot": doc["capacity_horizon_days"],
    }  # fmt: skip
    for tier, row in tiers.items():
        params[f"{tier}_c"] = _cents(row["floor"])
        params[f"{tier}_cap"] = row["interval_cap"]
    return {key: str(value) for key, value in params.items()}


_MACROS = {
    "money": "concat('¥', "
    "CAST(CAST(FLOOR(ABS({x}) / 100) AS BIGINT) AS VARCHAR), '.', "
    "LPAD(CAST(CAST(ABS({x}) % 100 AS BIGINT) AS VARCHAR), 2, '0'))",
    "pct": "concat(CAST(CAST(FLOOR({x} / 100) AS BIGINT) AS VARCHAR), '.', "
    "LPAD(CAST(CAST({x} % 100 AS BIGINT) AS VARCHAR), 2, '0'), '%')",
}


def rule_statements(params: Mapping[str, str]) -> list[str]:
    """The SQL rules (DuckDB dialect) with parameters and macros expanded, one per statement."""
    statements: list[str] = []
    for name in RULE_FILES:
        text = resources.files("pcrm.playbook.engine.rules").joinpath(name).read_text("utf-8")
        text = re.sub(r"\{\{(\w+):([\w.]+)\}\}", lambda m: _MACROS[m[1]].format(x=m[2]), text)
        text = Template(text).substitute(params)
        lines = [ln for ln in text.splitlines() if not ln.strip().startswith("--")]
        statements += [s.strip() for s in "\n".join(lines).split(";") if s.strip()]
    return statements


def policy_tables(doc: Mapping[str, Any]) -> dict[str, pa.Table]:
    """Small lookup tables from the policy: quadrants, preferences, orientations, priorities."""
    order = doc["capacity_quadrant_order"]
    quadrants = pa.table({
        "quadrant": list(Quadrant.values),
        "label": [str(label) for label in Quadrant.labels],
        "interval_days": [int(doc["intervals"][q]) for q in Quadrant.values],
        "qorder": [order.index(q) for q in Quadrant.values],
    })  # fmt: skip
    notice = doc["service_notice_channels"]
    prefs = pa.table({
        "pref": list(PREFERENCES),
        "contact_channel": [doc["channels_by_preference"][p][0] for p in PREFERENCES],
        "notice_channel": [notice.get(p, notice["default"]) for p in PREFERENCES],
    })  # fmt: skip
    orientations = pa.table({
        "orientation": list(ORIENTATIONS),
        "content": [doc["content_by_orientation"][o] for o in ORIENTATIONS],
    })  # fmt: skip
    priorities = doc["priorities"]
    prio = pa.table({"kind": list(priorities), "priority": [int(v) for v in priorities.values()]})
    return {
        "quadrants": quadrants,
        "prefs": prefs,
        "orientations": orientations,
        "priorities": prio,
    }


def calendar_tables(
    doc: Mapping[str, Any], d: dt.date, customers: pa.Table, overrides: Mapping[dt.date, bool]
) -> dict[str, pa.Table]:
    """Birthday and festival windows, lunar month/day of lunar birth dates, capacity slots."""
    end = d + dt.timedelta(days=doc["birthday_window_days"])
    rows: list[tuple[int, int, int, dt.date, str]] = []
    for day in calendars.days_between(d, end):
        rows.append((0, day.month, day.day, day, str(day.year)))
        if day.month == 2 and day.day == 28 and (day + dt.timedelta(days=1)).month == 3:
            rows.append((0, 2, 29, day, str(day.year)))  # 29 Feb birthdays in common years
        lunar_year, month, lday = calendars.lunar_of(day)
        if month < 0:
            continue  # a leap month is nobody's birthday: it is kept in the ordinary month
        rows.append((1, month, lday, day, str(lunar_year)))
        if lday == 29 and calendars.lunar_of(day + dt.timedelta(days=1))[2] == 1:
            rows.append((1, month, 30, day, str(lunar_year)))  # day 30 missing this year
    window = pa.table(
        dict(
            zip(
                ["lunar", "bm", "bd", "birthday", "year_label"],
                zip(*rows, strict=True),
                strict=True,
            )
        )
    )
    lunar_mask = pc.equal(customers["lunar_birthday"], 1)
    births = pc.unique(pc.drop_null(pc.filter(customers["birth_date"], lunar_mask))).to_pylist()
    mapping = calendars.lunar_month_day_many(births)
    birth_lunar = pa.table({
        "birth_date": pa.array(list(mapping), type=pa.date32()),
        "lm": pa.array([m for m, _ in mapping.values()], type=pa.int32()),
        "ld": pa.array([x for _, x in mapping.values()], type=pa.int32()),
    })  # fmt: skip
    fest_end = d + dt.timedelta(days=doc["festival_window_days"])
    festivals = calendars.festivals_between(d, fest_end, doc["festivals"])
    festival_window = pa.table({
        "name": pa.array([n for n, _ in festivals], type=pa.string()),
        "day": pa.array([x for _, x in festivals], type=pa.date32()),
    })  # fmt: skip
    days = [d, *calendars.working_days_after(d, doc["capacity_horizon_days"], overrides)]
    slots = pa.table({"slot": pa.array(range(len(days)), type=pa.int64()), "day": days})
    return {
        "birthday_window": window, "birth_lunar": birth_lunar,
        "festival_window": festival_window, "slots": slots,
    }  # fmt: skip
