"""Who may read the audit trail, without the audit app knowing the role matrix.

The audit app sits below ``org`` in the layers, so it cannot ask the role matrix
itself; an app above registers the capability check at start-up
(``pcrm.workbench.apps``). Until one is registered nobody may read: failing closed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

CapabilityCheck = Callable[[Any, str], bool]


def _deny(user: Any, capability: str) -> bool:
    return False


_check: list[CapabilityCheck] = [_deny]


def set_capability_check(check: CapabilityCheck) -> None:
    """Install the function answering "may this user do <capability>?"."""
    _check[0] = check


def has_capability(user: Any, capability: str) -> bool:
    return bool(user is not None and user.is_authenticated and _check[0](user, capability))
