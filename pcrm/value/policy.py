"""Value-raising policy as data: the defaults in policy.toml (no business threshold in code)."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

DEFAULTS_PATH = Path(__file__).with_name("policy.toml")
RISK_LEVELS = ("R1", "R2", "R3", "R4", "R5")


@cache
def policy() -> dict[str, Any]:
    """The parsed policy file (cached for the process)."""
    return tomllib.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))


def money(section: str, key: str) -> Decimal:
    """A money or ratio value of the policy, as Decimal."""
    return Decimal(str(policy()[section][key]))


def number(section: str, key: str) -> int:
    return int(policy()[section][key])


def model_portfolio(rating: str) -> dict[str, Decimal]:
    """Target share per risk level R1–R5 for a customer rating (0 where not listed)."""
    row = policy()["model_portfolio"].get(rating, {})
    return {level: Decimal(str(row.get(level, "0"))) for level in RISK_LEVELS}


def tier_of(aum: Decimal) -> str:
    """The customer's tier from AUM and this app's own floors ("" below gold).

    The playbook's segment table sits in a layer above this app, so the tier is
    computed here from the same default floors."""
    tiers = policy()["tiers"]
    name = ""
    for tier in ("gold", "platinum", "diamond"):
        if aum >= Decimal(str(tiers[tier])):
            name = tier
    return name


TIER_ORDER = ("", "gold", "platinum", "diamond")
