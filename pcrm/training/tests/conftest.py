from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from pcrm.training.models import QuestionBank
from pcrm.training.services.banks import bank_import, bank_publish

FILES = Path(__file__).with_name("files")


@pytest.fixture
def bank(personas) -> QuestionBank:  # type: ignore[no-untyped-def]
    """The messy fixture imported by the branch head and published."""
    imported = bank_import(
        actor=personas.head,
        name="网点服务",
        filename="messy-bank.txt",
        data=(FILES / "messy-bank.txt").read_bytes(),
    )
    return bank_publish(actor=personas.head, bank=imported)


@pytest.fixture
def audit_flushable(transactional_db: Any) -> Iterator[None]:
    """Let a transactional (browser) test that writes audit events be flushed on SQLite.

    The append-only triggers refuse the row-by-row DELETE of SQLite's flush (PostgreSQL
    truncates); lift them for the clean-up with the audit app's own migration code.
    """
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
