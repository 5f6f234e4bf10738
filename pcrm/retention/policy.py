"""The churn-management policy (policy.toml): thresholds are data, read here and by the tests."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

POLICY_FILE = Path(__file__).with_name("policy.toml")


@cache
def policy() -> dict[str, Any]:
    """The whole policy, parsed once per process."""
    with POLICY_FILE.open("rb") as fh:
        return tomllib.load(fh)


def section(name: str) -> dict[str, Any]:
    """One section of the policy (signals, label, training, rules, win_back)."""
    data: dict[str, Any] = policy()[name]
    return data
