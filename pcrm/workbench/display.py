"""Display settings of the staff pages, read from display.toml (policy is data)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

SETTINGS_PATH = Path(__file__).with_name("display.toml")


@dataclass(frozen=True)
class DisplaySettings:
    maturity_highlight_days: int
    book_page_size: int
    timeline_limit: int


@cache
def display_settings() -> DisplaySettings:
    raw = tomllib.loads(SETTINGS_PATH.read_text(encoding="utf-8"))
    return DisplaySettings(**{key: int(value) for key, value in raw.items()})
