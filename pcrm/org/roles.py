"""Reads the role matrix (roles.toml): who sees which customers and may do what."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

MATRIX_PATH = Path(__file__).with_name("roles.toml")
Scope = Literal["assigned", "branch", "none"]


@dataclass(frozen=True)
class RoleRule:
    name: str
    label: str
    customer_scope: Scope
    identity: Literal["full", "masked"]
    reveal: bool
    mfa: bool
    can: frozenset[str]
    nav: tuple[str, ...]


@cache
def matrix() -> dict[str, RoleRule]:
    raw = tomllib.loads(MATRIX_PATH.read_text(encoding="utf-8"))["roles"]
    return {
        name: RoleRule(
            name=name,
            label=spec["label"],
            customer_scope=spec["customer_scope"],
            identity=spec["identity"],
            reveal=spec["reveal"],
            mfa=spec["mfa"],
            can=frozenset(spec["can"]),
            nav=tuple(spec["nav"]),
        )
        for name, spec in raw.items()
    }


def rule_for(user: Any) -> RoleRule | None:
    role = getattr(user, "role", None)
    return matrix().get(role) if role else None


def can(user: Any, capability: str) -> bool:
    rule = rule_for(user)
    return bool(user and user.is_authenticated and rule and capability in rule.can)


def sees_full_identity(user: Any) -> bool:
    rule = rule_for(user)
    return bool(rule and rule.identity == "full")


def may_reveal(user: Any) -> bool:
    rule = rule_for(user)
    return bool(rule and rule.reveal)


def requires_mfa(user: Any) -> bool:
    rule = rule_for(user)
    return bool(rule and rule.mfa)
