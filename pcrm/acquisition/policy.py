"""Reads the acquisition policy (policy.toml, or settings.ACQUISITION_POLICY_FILE)."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

from pcrm.acquisition.choices import Tier

DEFAULT_PATH = Path(__file__).with_name("policy.toml")


@cache
def _load(path: str) -> dict[str, Any]:
    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def policy() -> dict[str, Any]:
    return _load(str(getattr(settings, "ACQUISITION_POLICY_FILE", "") or DEFAULT_PATH))


def tier_of(aum: Decimal | int | None) -> str:
    """The tier for an AUM, from the policy's floors (highest floor reached)."""
    value = Decimal(aum or 0)
    floors = sorted(
        ((Decimal(str(v)), name) for name, v in policy()["tiers"].items()), reverse=True
    )
    for floor, name in floors:
        if value >= floor:
            return str(name)
    return Tier.STANDARD.value


def walk_in() -> dict[str, Any]:
    return dict(policy()["walk_in"])


def referral() -> dict[str, Any]:
    return dict(policy()["referral"])


def sifting() -> dict[str, Any]:
    return dict(policy()["sifting"])


def drive() -> dict[str, Any]:
    return dict(policy()["drive"])
