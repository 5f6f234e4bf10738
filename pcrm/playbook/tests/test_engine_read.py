"""The engine reads PostgreSQL through a streamed COPY: a reader that stops early, or a
query that fails, leaves the connection usable, and what is read is the whole table."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from django.db import connection

from pcrm.lib.pgcopy import CopyOutReader
from pcrm.playbook.engine import read
from pcrm.playbook.tests.conftest import Bank

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")


def _raw() -> Any:
    connection.ensure_connection()
    assert connection.connection is not None
    return connection.connection


def _select_one() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        row = cursor.fetchone()
    return int(row[0])


def test_a_reader_left_early_is_read_off(db: None) -> None:
    statement = "COPY (SELECT g, repeat('x', 100) FROM generate_series(1, 5000) g) TO STDOUT"
    with CopyOutReader(_raw(), statement) as stream:
        assert stream.read(10) == b"1\t" + b"x" * 8
    assert stream.closed
    assert _select_one() == 1


def test_a_failing_copy_raises_and_the_connection_goes_on(db: None) -> None:
    statement = "COPY (SELECT 1 / (g - 3) FROM generate_series(1, 5) g) TO STDOUT"
    with (
        pytest.raises(psycopg.DatabaseError, match="division by zero"),
        CopyOutReader(_raw(), statement) as stream,
    ):
        stream.read()
    with pytest.raises(psycopg.DatabaseError, match="nothing_here"):
        CopyOutReader(_raw(), "COPY (SELECT * FROM nothing_here) TO STDOUT")
    assert _select_one() == 1


def test_customers_are_read_whole_and_typed(bank: Bank) -> None:
    for i in range(3):
        bank.customer(customer_no=f"R000{i}", potential=None if i == 1 else 40 + i)
    table = read.read_customers()
    assert sorted(table["customer_no"].to_pylist()) == ["R0000", "R0001", "R0002"]
    assert sorted(table["potential"].to_pylist(), key=str) == [40, 42, None]
    assert read.read_products().num_rows == 0  # an empty COPY is an empty table


def test_money_is_read_as_exact_cents(bank: Bank) -> None:
    customer = bank.customer(customer_no="R0100")
    values = ["0.07", "0.10", "998792.83", "12345678901.99", "9999999999999.99"]
    for value in values:
        bank.holding(customer, product_type="fund", principal=value, value=value)
    table = read.read_holdings()
    expected = sorted(int(v.replace(".", "")) for v in values)
    assert sorted(table["principal_c"].to_pylist()) == expected
    assert sorted(table["mv_c"].to_pylist()) == expected
    assert table.schema.field("mv_c").type == "int64"
