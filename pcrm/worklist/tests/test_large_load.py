"""A load larger than the work-item table (the first run) is copied with the secondary
indexes dropped and built again: afterwards the table has exactly the indexes it had, and
a duplicate key still writes nothing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

import pyarrow as pa
import pytest
from django.db import connection, transaction

from pcrm.worklist.generation import work_items_bulk_put
from pcrm.worklist.models import WorkItem
from tests.factories import CustomerFactory

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL bulk path")
D = dt.date(2026, 9, 22)


def _indexes() -> set[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s",
            [WorkItem._meta.db_table],
        )
        return set(cursor.fetchall())


def _rows(customer: Any, keys: list[str]) -> pa.Table:
    n = len(keys)
    return pa.table({
        "item_key": keys, "customer_id": [customer.pk] * n,
        "staff_id": pa.array([None] * n, pa.int64()), "branch_id": [customer.branch_id] * n,
        "kind": ["maintenance"] * n,
        "subject": [k.rsplit(":", 1)[-1] for k in keys], "due_on": [D] * n,
        "channel": ["phone"] * n, "content": ["care"] * n, "priority": [4] * n,
        "reason": ["距上次联系已满维护周期，请进行日常维护。"] * n,
    })  # fmt: skip


def test_a_large_load_keeps_the_indexes_and_the_rows(db: None) -> None:
    customer = CustomerFactory()
    before = _indexes()
    assert len(before) == 6
    keys = [f"maintenance:{customer.customer_no}:{i:05d}" for i in range(3000)]
    with transaction.atomic():
        counts = work_items_bulk_put(run=SimpleNamespace(pk=1, as_of=D), rows=_rows(customer, keys))
    assert counts == {"maintenance": 3000}
    assert _indexes() == before
    assert WorkItem.objects.filter(run_id=1, status="open", created_for=D).count() == 3000
    # numbered from one block of the sequence, which the next insert continues
    ids = sorted(WorkItem.objects.values_list("id", flat=True))
    assert ids == list(range(ids[0], ids[0] + 3000))
    later = WorkItem.objects.create(
        item_key="maintenance:later", customer=customer, branch_id=customer.branch_id,
        kind="maintenance", due_on=D, channel="phone", content="care", priority=4, reason="后续",
    )  # fmt: skip
    assert later.pk == ids[-1] + 1
    later.delete()
    # the unique key built again still decides: the same keys again write nothing
    with transaction.atomic():
        assert (
            work_items_bulk_put(run=SimpleNamespace(pk=2, as_of=D), rows=_rows(customer, keys))
            == {}
        )
    assert WorkItem.objects.count() == 3000


def test_a_duplicate_in_a_large_load_goes_the_staged_way(db: None) -> None:
    customer = CustomerFactory()
    before = _indexes()
    keys = [f"maintenance:{customer.customer_no}:{i:05d}" for i in range(2000)]
    with transaction.atomic():
        counts = work_items_bulk_put(
            run=SimpleNamespace(pk=3, as_of=D), rows=_rows(customer, [*keys, keys[0]])
        )
    assert counts == {"maintenance": 2000}  # the twin is skipped by ON CONFLICT
    assert _indexes() == before
    assert WorkItem.objects.count() == 2000
