"""Fixtures of the ingest tests: the files folder and a short way to import one."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from pcrm.ingest.services import ImportResult, import_file

FILES = Path(__file__).with_name("files")


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path):  # type: ignore[no-untyped-def]
    """Error reports of a test go to its own folder."""
    settings.DATA_DIR = tmp_path


def run(kind: str, name: str | Path, actor: Any = None, **options: Any) -> ImportResult:
    path = name if isinstance(name, Path) else FILES / name
    return import_file(actor=actor, kind=kind, path=path, **options)


@pytest.fixture
def audit_flushable(transactional_db: Any) -> Iterator[None]:
    """Let a browser test's flush clear audit rows on SQLite: the append-only triggers
    refuse SQLite's row-by-row DELETE (PostgreSQL truncates); they are lifted with the
    audit app's own migration code for the clean-up and put back."""
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


@pytest.fixture
def project_static(settings: Any) -> None:
    """Serve pcrm/static (app.css) in the live server so pages are tested styled."""
    static_dir = settings.BASE_DIR / "static"
    if static_dir not in list(settings.STATICFILES_DIRS):
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static_dir]
