"""Small builders for workbench tests (segments belong to the playbook app)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pcrm.playbook.models import CustomerSegment


def segment(customer: Any, **overrides: Any) -> CustomerSegment:
    values: dict[str, Any] = {
        "as_of": dt.date(2026, 11, 28),
        "aum": Decimal("1234567.89"),
        "potential": 80,
        "potential_estimated": True,
        "quadrant": "core",
        "tier": "platinum",
        "tier_since": dt.date(2025, 3, 1),
        "interval_days": 30,
        "next_maintenance_on": dt.date(2026, 12, 5),
        "policy_version": 1,
    }
    values.update(overrides)
    return CustomerSegment.objects.create(customer=customer, **values)
