"""The demo bank's shape, read from profile.toml (the generator and its tests share it)."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

PROFILE_PATH = Path(__file__).with_name("profile.toml")


@cache
def profile() -> dict[str, Any]:
    data: dict[str, Any] = tomllib.loads(PROFILE_PATH.read_text(encoding="utf-8"))
    return data


def section(name: str) -> dict[str, Any]:
    part: dict[str, Any] = profile()[name]
    return part


def weighted(table: dict[str, float]) -> tuple[list[str], list[float]]:
    """Split a {value: weight} table into the two lists random.choices takes (cumulative)."""
    values = list(table)
    total, cumulative = 0.0, []
    for value in values:
        total += float(table[value])
        cumulative.append(total)
    return values, cumulative
