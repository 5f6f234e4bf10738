"""Outside a transaction the nightly run reads PostgreSQL on two connections that share
one snapshot: the tables equal those read one after another on a single connection, and
the helper connection is closed afterwards."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from django.db import connection, transaction

from pcrm.playbook.engine import read
from pcrm.playbook.policy import policy_active
from pcrm.playbook.services import _read_inputs
from pcrm.playbook.tests.conftest import Bank, D

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="parallel reads are PostgreSQL's"),
    pytest.mark.django_db(transaction=True),
]


def _backends() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()"
        )
        return int(cursor.fetchone()[0])


def _sorted(table: pa.Table) -> list[dict[str, object]]:
    return sorted(table.to_pylist(), key=repr)


def test_parallel_reads_equal_one_connection_and_leave_no_connection_open() -> None:
    bank = Bank()
    for i in range(40):
        customer = bank.customer(customer_no=f"P{i:04d}", potential=30 + i)
        for kind in ("wealth", "fund", "time_deposit"):
            bank.holding(customer, product_type=kind, principal=f"{1000 * (i + 1)}.{i:02d}")
        bank.txn(customer, D - dt.timedelta(days=1), f"-{i}.05")
    bank.run(D)  # segments and items to read back
    doc = policy_active().document
    assert len(read.holdings_jobs()) == read.READ_CONNECTIONS
    idle = _backends()
    parallel = _read_inputs(doc, D)
    assert _backends() == idle
    with transaction.atomic():  # inside a transaction: one connection, one after another
        serial = _read_inputs(doc, D)
    assert parallel.keys() == serial.keys()
    for name in parallel:
        assert parallel[name].schema == serial[name].schema, name
        assert _sorted(parallel[name]) == _sorted(serial[name]), name
    assert parallel["holdings"].num_rows == 120
    assert sorted(parallel["holdings"]["principal_c"].to_pylist())[:2] == [100000, 100000]
    assert max(parallel["txns"]["amount_c"].to_pylist()) == -5
