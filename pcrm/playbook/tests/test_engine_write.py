"""The bulk write's database-side shortcuts keep their promises: segments without an
enforced foreign key still go with their customer, and the run's relaxed commit
durability stays inside its own transaction."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection, transaction

from pcrm.playbook.engine import write
from pcrm.playbook.models import CustomerSegment
from pcrm.playbook.policy import policy_active
from pcrm.playbook.services import _read_inputs, playbook_compute
from pcrm.playbook.tests.conftest import Bank, D
from pcrm.worklist.models import WorkItem


def test_deleting_a_customer_deletes_its_segment_and_items(bank: Bank) -> None:
    gone = bank.customer(customer_no="G0001", service_established=False)
    stays = bank.customer(customer_no="G0002", service_established=False)
    bank.run(D)
    assert CustomerSegment.objects.filter(pk__in=[gone.pk, stays.pk]).count() == 2
    assert WorkItem.objects.filter(customer=gone).exists()
    gone.delete()
    assert list(CustomerSegment.objects.values_list("pk", flat=True)) == [stays.pk]
    assert not WorkItem.objects.filter(customer_id=gone.pk).exists()


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        row = cursor.fetchone()
    return str(row[0])


@pytest.mark.django_db(transaction=True)
def test_relaxed_commit_is_local_to_the_run_transaction(bank: Bank) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is a PostgreSQL setting")
    bank.customer(customer_no="S0001", service_established=False)
    policy = policy_active()
    tables = _read_inputs(policy.document, D)
    segments, items = playbook_compute(
        as_of=D, engine="duckdb", document=policy.document, tables=tables
    )
    assert _synchronous_commit() == "on"
    with transaction.atomic():
        counts = write.write_results(
            run=SimpleNamespace(pk=5, as_of=D), as_of=D, policy_version=policy.version,
            segments=segments, items=items, previous=tables["prev_segments"],
        )  # fmt: skip
        assert _synchronous_commit() == "off"
    assert _synchronous_commit() == "on"  # the next transaction waits for its flush again
    assert counts["establish_relationship"] == 1
    assert CustomerSegment.objects.count() == 1  # committed
