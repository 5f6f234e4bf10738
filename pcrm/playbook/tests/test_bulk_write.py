"""The bulk write: only new or changed segments are written; a work item key taken by
someone else between the engine's read and its write is skipped, not duplicated."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pyarrow.compute as pc
from django.db import transaction

from pcrm.playbook.models import CustomerSegment
from pcrm.playbook.policy import policy_active
from pcrm.playbook.services import _read_inputs, playbook_compute
from pcrm.playbook.tests.conftest import D
from pcrm.worklist.generation import work_items_bulk_put
from pcrm.worklist.models import WorkItem

DAY = dt.timedelta(days=1)


def test_unchanged_segments_keep_the_date_they_were_written(bank):
    same = bank.customer(customer_no="W0001", potential=70)
    bank.holding(same, product_type="time_deposit", principal="600000")
    grows = bank.customer(customer_no="W0002", potential=70)
    bank.holding(grows, product_type="time_deposit", principal="90000")
    bank.run(D)
    assert set(CustomerSegment.objects.values_list("as_of", flat=True)) == {D}
    bank.holding(grows, product_type="fund", principal="20000")  # AUM 110,000: gold now
    bank.run(D + DAY)
    kept, changed = (
        CustomerSegment.objects.get(pk=same.pk),
        CustomerSegment.objects.get(pk=grows.pk),
    )
    assert (kept.as_of, kept.quadrant, kept.tier) == (D, "core", "gold")
    assert kept.explanation == {"breadth": 1, "estimated": False, "potential_signals": []}
    assert (changed.as_of, changed.tier, changed.tier_since) == (D + DAY, "gold", D + DAY)
    assert changed.aum == 110000


def test_a_key_taken_meanwhile_is_skipped_and_the_rest_written(bank):
    for i in range(3):
        c = bank.customer(customer_no=f"K000{i}", service_established=False)
        bank.holding(c, product_type="fund", risk="R3", principal="100000", value="85000")
    policy = policy_active()
    tables = _read_inputs(policy.document, D)
    _segments, items = playbook_compute(
        as_of=D, engine="duckdb", document=policy.document, tables=tables
    )
    assert items.num_rows >= 6  # establish + stop_loss for each
    taken = items.filter(pc.equal(items["kind"], "stop_loss")).slice(0, 1).to_pylist()[0]
    WorkItem.objects.create(
        item_key=taken["item_key"], customer_id=taken["customer_id"], staff_id=taken["staff_id"],
        branch_id=taken["branch_id"], kind="stop_loss", subject=taken["subject"], due_on=D,
        channel="phone", content="service_notice", priority=1, reason="已由他处生成", status="done",
    )  # fmt: skip
    with transaction.atomic():
        counts = work_items_bulk_put(run=SimpleNamespace(pk=7, as_of=D), rows=items)
    assert sum(counts.values()) == items.num_rows - 1
    assert counts["stop_loss"] == 2
    assert WorkItem.objects.count() == items.num_rows
    assert WorkItem.objects.get(item_key=taken["item_key"]).status == "done"  # untouched
    written = WorkItem.objects.filter(run_id=7)
    assert written.count() == items.num_rows - 1
    assert set(written.values_list("status", "created_for", "outcome", "note")) == {
        ("open", D, "", "")
    }
    # again: every key is taken now, nothing is written twice
    with transaction.atomic():
        assert work_items_bulk_put(run=SimpleNamespace(pk=8, as_of=D), rows=items) == {}
    assert WorkItem.objects.count() == items.num_rows
