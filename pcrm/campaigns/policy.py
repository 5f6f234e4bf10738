"""Campaign policy as data (policy.toml): event types, channels per contact preference, tiers."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

PATH = Path(__file__).with_name("policy.toml")
TIER_ORDER = ("", "gold", "platinum", "diamond")


@cache
def policy() -> dict[str, Any]:
    return tomllib.loads(PATH.read_text(encoding="utf-8"))


def event_types() -> list[tuple[str, str]]:
    return list(policy()["event_types"].items())


def tier_of(aum: Decimal) -> str:
    """Tier from AUM with this app's floors ("" below gold)."""
    name = ""
    for tier in TIER_ORDER[1:]:
        if aum >= Decimal(str(policy()["tiers"][tier])):
            name = tier
    return name


def invitation_channel(preference: str) -> str:
    table: dict[str, str] = policy()["invitation_channel"]
    return table.get(preference or "", table[""])


def broadcast_channel(preference: str, *, has_email: bool) -> str:
    """The first allowed channel the customer can be reached by."""
    table: dict[str, list[str]] = policy()["broadcast_channel"]
    allowed = table.get(preference or "", table[""])
    for channel in allowed:
        if channel != "email" or has_email:
            return channel
    return allowed[-1]


def survey_policy() -> dict[str, Any]:
    """The [survey] table: expiry, low-score threshold, window, channels, sampling."""
    table: dict[str, Any] = policy()["survey"]
    return table


def survey_window_days(preference: str) -> int:
    table: dict[str, int] = survey_policy()["window_days"]
    return int(table.get(preference or "", table[""]))


def survey_channel(preference: str, *, has_phone: bool, has_email: bool) -> str:
    """The first channel allowed by the preference that reaches the customer, or ""."""
    table: dict[str, list[str]] = survey_policy()["channel"]
    reachable = {"sms": has_phone, "email": has_email}
    for channel in table.get(preference or "", table[""]):
        if reachable.get(channel):
            return channel
    return ""
