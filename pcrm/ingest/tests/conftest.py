"""Fixtures of the ingest tests: the files folder and a short way to import one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

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
def project_static(settings: Any) -> None:
    """Serve pcrm/static (app.css) in the live server so pages are tested styled."""
    static_dir = settings.BASE_DIR / "static"
    if static_dir not in list(settings.STATICFILES_DIRS):
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static_dir]
