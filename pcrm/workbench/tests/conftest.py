"""Browser tests run in transactional mode: the database is flushed after each test.

On SQLite the audit table's append-only trigger refuses the DELETE that flush
issues (PostgreSQL flushes with TRUNCATE, which row triggers do not see), so the
audit rows are cleared here, trigger lifted for that one statement, before the flush.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection

NO_DELETE = (
    "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_auditevent "
    "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;"
)


@pytest.fixture
def audit_flushable(transactional_db: None) -> Iterator[None]:
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS audit_no_delete")
        cursor.execute("DELETE FROM audit_auditevent")
        cursor.execute(NO_DELETE)


@pytest.fixture
def project_static(settings) -> None:  # type: ignore[no-untyped-def]
    """Serve pcrm/static (app.css, app.js) in the live server.

    settings.py lists no STATICFILES_DIRS yet, so those files are not found by the
    static finders (reported to the lead); the pages would be tested unstyled.
    """
    static_dir = settings.BASE_DIR / "static"
    if static_dir not in list(settings.STATICFILES_DIRS):
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, static_dir]
