"""A nightly run in a transaction of its own writes the segments on a second connection
while it writes the items: both land together, and when either write fails neither does."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from pcrm.playbook.choices import RunStatus
from pcrm.playbook.engine import write
from pcrm.playbook.models import CustomerSegment, PlaybookRun
from pcrm.playbook.tests.conftest import Bank, D
from pcrm.worklist.models import WorkItem

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL write path"),
    pytest.mark.django_db(transaction=True),
]


def _bank() -> Bank:
    bank = Bank()
    for i in range(5):
        customer = bank.customer(customer_no=f"S{i:04d}", service_established=False)
        bank.holding(customer, product_type="fund", risk="R3", principal="100000", value="85000")
    return bank


def test_segments_and_items_land_together(monkeypatch: pytest.MonkeyPatch) -> None:
    bank = _bank()
    seen: list[bool] = []
    original = write._on_second_connection

    def spy(work: Any) -> Any:
        seen.append(True)
        return original(work)

    monkeypatch.setattr(write, "_on_second_connection", spy)
    run = bank.run(D)
    assert seen == [True]
    assert run.status == RunStatus.SUCCEEDED
    assert CustomerSegment.objects.count() == 5
    assert WorkItem.objects.filter(kind="stop_loss").count() == 5
    assert WorkItem.objects.filter(kind="establish_relationship").count() == 5


@pytest.mark.parametrize("step", ["work_items_bulk_put", "write_segments"])
def test_a_failed_write_takes_the_other_back(monkeypatch: pytest.MonkeyPatch, step: str) -> None:
    bank = _bank()

    def fail(**_kw: Any) -> Any:
        raise RuntimeError(f"{step} refused")

    monkeypatch.setattr(write, step, fail)
    with pytest.raises(RuntimeError, match=f"{step} refused"):
        bank.run(D)
    assert CustomerSegment.objects.count() == 0
    assert WorkItem.objects.count() == 0
    run = PlaybookRun.objects.get()
    assert (run.status, run.error) == (RunStatus.FAILED, f"{step} refused")
