"""An import keeps PostgreSQL's idea of its tables' sizes current as they grow."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from pcrm.ingest import bulk
from pcrm.lib import idcard

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL statistics"),
]


@pytest.fixture(autouse=True)
def _statistics_of_the_empty_tables() -> None:
    # ANALYZE writes a table's row count in place, so it outlives the rollback of an
    # earlier test: start from what the empty tables really hold.
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {bulk.FINGERPRINT_PLAN.table}, customers_customer")


def _believed_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        return float(cursor.fetchone()[0])


def _add_fingerprints(start: int, count: int) -> int:
    rows = [("customers", f"S{n:06d}", "d" * 32, "r" * 32) for n in range(start, start + count)]
    inserted, _updated = bulk.upsert(bulk.FINGERPRINT_PLAN, rows)
    return inserted


def test_tables_are_analyzed_each_time_the_fingerprints_double() -> None:
    statistics = bulk.PlannerStatistics("customers_customer")
    statistics.added(_add_fingerprints(0, 10))
    assert _believed_rows(bulk.FINGERPRINT_PLAN.table) == 10

    statistics.added(_add_fingerprints(10, 5))  # 15 rows, statistics say 10: close enough
    assert _believed_rows(bulk.FINGERPRINT_PLAN.table) == 10

    statistics.added(_add_fingerprints(15, 6))  # 11 new since the last analysis: doubled
    assert _believed_rows(bulk.FINGERPRINT_PLAN.table) == 21


def test_an_import_leaves_its_tables_analyzed(tmp_path: Path) -> None:
    call_command("import", "branches", str(_write(tmp_path / "b.csv", _BRANCHES)))
    call_command("import", "customers", str(_write(tmp_path / "c.csv", _customers(40))))
    assert _believed_rows(bulk.FINGERPRINT_PLAN.table) == 41  # 1 branch + 40 customers
    assert _believed_rows("customers_customer") == 40


_BRANCHES = "branch_code,name,parent_code\nS01,统计支行,\n"


def _customers(count: int) -> str:
    lines = ["customer_no,name,id_no,phone,branch_code"]
    for n in range(count):
        base = f"11010119800101{n:03d}"
        lines.append(f"S{n:05d},客户{n},{base}{idcard.check_digit(base)},1390000{n:04d},S01")
    return "\n".join(lines) + "\n"


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
