"""Complaint policy as data: defaults in policy.toml, overridden by the newest ComplaintPolicy."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

DEFAULTS_PATH = Path(__file__).with_name("policy.toml")


@dataclass(frozen=True)
class ComplaintRules:
    """The policy values the services read; ``version`` 0 means the shipped defaults."""

    version: int
    standard_days: int
    complex_days: int
    extended_days: int
    warn_days: int
    priorities: dict[str, int]
    survey_due_days: int
    authority: dict[str, Decimal]
    survey_channels: dict[str, str]

    def stage_days(self, stage: str) -> int:
        return {
            "standard": self.standard_days,
            "complex": self.complex_days,
            "extended": self.extended_days,
        }[stage]

    def authority_of(self, role: str) -> Decimal:
        return self.authority.get(role, self.authority["default"])


@cache
def defaults() -> dict[str, Any]:
    return tomllib.loads(DEFAULTS_PATH.read_text(encoding="utf-8"))


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = {key: dict(value) for key, value in base.items()}
    for section, values in override.items():
        if section in merged and isinstance(values, dict):
            merged[section].update(values)
    return merged


def rules_from(data: dict[str, Any], *, version: int = 0) -> ComplaintRules:
    """Build the rules from a policy document (the defaults with ``data`` laid over them)."""
    doc = _merge(defaults(), data)
    clock, items = doc["clock"], doc["work_items"]
    return ComplaintRules(
        version=version,
        standard_days=int(clock["standard_days"]),
        complex_days=int(clock["complex_days"]),
        extended_days=int(clock["extended_days"]),
        warn_days=int(clock["warn_days"]),
        priorities={k: int(v) for k, v in items.items() if k.endswith("_priority")},
        survey_due_days=int(items["survey_due_days"]),
        authority={k: Decimal(str(v)) for k, v in doc["authority"].items()},
        survey_channels={k: str(v) for k, v in doc["survey"].items()},
    )


def current_policy() -> ComplaintRules:
    """The rules in force: the newest ComplaintPolicy row over the defaults."""
    from pcrm.complaints.models import ComplaintPolicy

    row = ComplaintPolicy.objects.order_by("-version").first()
    if row is None:
        return rules_from({})
    return rules_from(row.data, version=row.version)
