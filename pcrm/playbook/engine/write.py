"""Write a run's results back in bulk: customer segments and new work items.

Only segments that are new or changed are written (most customers' segments stay the
same from one night to the next): new ones are ``COPY``-ed straight into the table on
PostgreSQL, changed ones upserted. A segment's ``as_of`` is thus the date of the run that
last changed it.
"""

from __future__ import annotations

import datetime as dt
import queue
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection, connections, transaction

from pcrm.lib.pgcopy import commit_without_flush_wait
from pcrm.playbook.models import CustomerSegment
from pcrm.worklist.generation import copy_insert, upsert_rows, work_items_bulk_put

SEGMENT_UPDATE = (
    "as_of", "aum", "potential", "potential_estimated", "quadrant", "tier", "tier_since",
    "interval_days", "last_reached_on", "next_maintenance_on", "explanation", "policy_version",
    "below_floor_since",
)  # fmt: skip
# Engine output columns compared with the stored segment (and the policy version).
COMPARED = (
    "aum_c", "potential", "potential_estimated", "quadrant", "tier", "tier_since",
    "interval_days", "last_reached_on", "next_maintenance_on", "below_floor_since",
    "explanation",
)  # fmt: skip


def segments_for_db(segments: pa.Table) -> pa.Table:
    """Engine output → CustomerSegment columns (money back to yuan, flags to booleans)."""
    return pa.table({
        "customer_id": segments["customer_id"].cast(pa.int64()),
        # yuan as float8: exact to the cent for any realistic AUM (its shortest text is the
        # decimal), cast to numeric on insert
        "aum": pc.divide(segments["aum_c"].cast(pa.float64()), 100.0),
        "potential": segments["potential"].cast(pa.int64()),
        "potential_estimated": pc.equal(segments["potential_estimated"], 1),
        "quadrant": segments["quadrant"],
        "tier": segments["tier"],
        "tier_since": segments["tier_since"].cast(pa.date32()),
        "interval_days": segments["interval_days"].cast(pa.int64()),
        "last_reached_on": segments["last_reached_on"].cast(pa.date32()),
        "next_maintenance_on": segments["next_maintenance_on"].cast(pa.date32()),
        "explanation": segments["explanation"],
        "below_floor_since": segments["below_floor_since"].cast(pa.date32()),
    })  # fmt: skip


def segment_changes(
    segments: pa.Table, previous: pa.Table, policy_version: int
) -> tuple[pa.Table, pa.Table]:
    """(new, changed): segments of customers without a stored one, and those whose stored
    values (or policy version) differ. Set-based in DuckDB (multi-threaded, no Python loop)."""
    import duckdb

    differs = " OR ".join(f"s.{c} IS DISTINCT FROM p.{c}" for c in COMPARED)
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.register("seg", segments)
        con.register("prev", previous.select(["customer_id", "policy_version", *COMPARED]))
        new = con.sql(
            "SELECT s.* FROM seg s WHERE NOT EXISTS "
            "(SELECT 1 FROM prev p WHERE p.customer_id = s.customer_id)"
        ).to_arrow_table()
        changed = con.sql(
            f"SELECT s.* FROM seg s JOIN prev p ON p.customer_id = s.customer_id "  # noqa: S608
            f"WHERE {differs} OR p.policy_version IS DISTINCT FROM {int(policy_version)}"
        ).to_arrow_table()
    finally:
        con.close()
    return new, changed


def write_segments(
    *, as_of: dt.date, policy_version: int, segments: pa.Table, previous: pa.Table
) -> int:
    """Write the new and changed segments; returns how many were written."""
    new, changed = segment_changes(segments, previous, policy_version)
    written = new.num_rows + changed.num_rows
    fixed = {"as_of": as_of, "policy_version": policy_version}
    table_name = CustomerSegment._meta.db_table
    if connection.vendor == "postgresql" and new.num_rows:
        rows = segments_for_db(new)
        rows = rows.append_column("as_of", pa.repeat(pa.scalar(as_of), rows.num_rows))
        rows = rows.append_column(
            "policy_version", pa.repeat(pa.scalar(policy_version, pa.int64()), rows.num_rows)
        )
        with connection.cursor() as cursor:
            if copy_insert(cursor, table_name, rows):
                new = new.schema.empty_table()
    upsert = pa.concat_tables([new, changed])
    if upsert.num_rows:
        upsert_rows(
            table_name=table_name,
            key="customer_id",
            rows=segments_for_db(upsert),
            fixed=fixed,
            update=SEGMENT_UPDATE,
            casts={"explanation": "jsonb"},
        )
    return int(written)


def write_results(
    *,
    run: Any,
    as_of: dt.date,
    policy_version: int,
    segments: pa.Table,
    items: pa.Table,
    previous: pa.Table,
    side_connection: bool = False,
) -> dict[str, int]:
    """Write the new and changed segments and insert the new work items; counts per kind.

    Runs inside the caller's transaction. On PostgreSQL its commit does not wait for the
    WAL flush (``synchronous_commit`` off for this transaction only): a crash right after
    it could lose the run, never corrupt anything, and a run is idempotent, so the next
    one writes it again.

    With ``side_connection`` (PostgreSQL, the caller's transaction being the outermost
    one) the segments are written on a second connection while the items are written on
    this one, so that the server stores both on two cores. The second transaction commits
    once both writes have succeeded, just before the caller's; should the caller fail
    after that, the segments stay written, which is harmless: they are what the rules
    give for ``as_of``, and the next run derives the same ones from them."""
    commit_without_flush_wait()

    def segments_work() -> None:
        commit_without_flush_wait()
        write_segments(
            as_of=as_of, policy_version=policy_version, segments=segments, previous=previous
        )

    if not side_connection:
        segments_work()
        return work_items_bulk_put(run=run, rows=items)
    with _on_second_connection(segments_work):
        return work_items_bulk_put(run=run, rows=items)


@contextmanager
def _on_second_connection(work: Callable[[], None]) -> Iterator[None]:
    """Run ``work`` on a thread with a connection (and a transaction) of its own while the
    block runs; commit it when the block succeeds, roll it back when it fails. An error
    of ``work`` is raised from the block's end, so the caller rolls back too."""
    decision: queue.SimpleQueue[bool] = queue.SimpleQueue()

    def run() -> None:
        try:
            with transaction.atomic():
                work()
                if not decision.get():
                    transaction.set_rollback(True)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        future = pool.submit(run)
        try:
            yield
        except BaseException:
            decision.put(False)
            future.exception()  # wait for the rollback; the block's error is the one to raise
            raise
        decision.put(True)
        future.result()
