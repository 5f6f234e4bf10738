"""What the bulk path relies on in the database schema (issue 3, import speed)."""

from __future__ import annotations

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def _indexed_columns(opclass: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.attname FROM pg_index i "
            "JOIN pg_class t ON t.oid = i.indrelid "
            "JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0] "
            "JOIN pg_opclass o ON o.oid = i.indclass[0] "
            "WHERE t.relname = 'customers_customer' AND o.opcname = %s",
            [opclass],
        )
        return {name for (name,) in cursor.fetchall()}


def test_customer_blind_indexes_have_no_pattern_twins() -> None:
    """Blind indexes and customer numbers are matched whole: a LIKE index only slows writes.

    The pinyin keys have no index at all: the search matches parts of them, which no
    B-tree serves.
    """
    if connection.vendor != "postgresql":
        pytest.skip("pattern-ops indexes exist on PostgreSQL only")
    pattern = _indexed_columns("varchar_pattern_ops")
    assert not pattern & {"customer_no", "id_no_index", "phone_index", "email_index"}
    assert not pattern & {"name_pinyin", "name_initials"}
    assert not _indexed_columns("text_ops") & {"name_pinyin", "name_initials"}
    # The plain indexes that serve the lookups are still there.
    assert {"customer_no", "id_no_index", "phone_index", "email_index"} <= _indexed_columns(
        "text_ops"
    )
