"""Fixtures of the complaints tests: cases opened through the intake service."""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
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


@pytest.fixture
def audit_flushable(transactional_db: Any) -> Iterator[None]:
    """Let a browser test's flush clear audit rows on SQLite (the append-only triggers
    refuse SQLite's row-by-row DELETE; PostgreSQL truncates). The triggers are lifted
    with the audit app's own migration code for the clean-up and put back."""
    yield
    if connection.vendor != "sqlite":
        return
    trigger = importlib.import_module("pcrm.audit.migrations.0003_append_only_trigger")
    with connection.schema_editor() as editor:
        trigger.backwards(None, editor)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent")
    with connection.schema_editor() as editor:
        trigger.forwards(None, editor)
