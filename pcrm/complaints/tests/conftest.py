"""Fixtures of the complaints tests: cases opened through the intake service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pcrm.complaints.services import Intake, complaint_open


@pytest.fixture
def open_case(personas: Any) -> Any:
    """Open a case for a customer of branch B1, taken by the lobby manager by default."""

    def make(**overrides: Any) -> Any:
        actor = overrides.pop("actor", personas.lobby)
        fields: dict[str, Any] = {
            "channel": "counter",
            "category": "waiting",
            "description": "排队等候时间过长",
            "received_at": timezone.now() - dt.timedelta(hours=1),
            "customer": personas.mine,
        }
        fields.update(overrides)
        case, _merged = complaint_open(actor=actor, intake=Intake(**fields))
        return case

    return make
