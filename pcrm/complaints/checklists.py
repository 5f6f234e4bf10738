"""The nine techniques and their checklists, read from checklists.toml (data, not code)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CHECKLISTS_PATH = Path(__file__).with_name("checklists.toml")


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    quality_only: bool = False


@dataclass(frozen=True)
class Technique:
    """One of the nine steps of DOMAIN §5, in its place in the order."""

    key: str
    label: str
    hint: str
    position: int
    items: tuple[ChecklistItem, ...]

    def item_keys(self, *, quality: bool) -> list[str]:
        return [i.key for i in self.items if quality or not i.quality_only]


@cache
def techniques() -> tuple[Technique, ...]:
    raw = tomllib.loads(CHECKLISTS_PATH.read_text(encoding="utf-8"))["steps"]
    return tuple(
        Technique(
            key=step["key"],
            label=step["label"],
            hint=step.get("hint", ""),
            position=index,
            items=tuple(ChecklistItem(**item) for item in step["items"]),
        )
        for index, step in enumerate(raw)
    )


def technique(key: str) -> Technique:
    for step in techniques():
        if step.key == key:
            return step
    raise KeyError(key)


def step_keys() -> list[str]:
    return [step.key for step in techniques()]
