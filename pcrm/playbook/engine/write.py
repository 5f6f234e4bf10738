"""Write a run's results back in bulk: customer segments (upsert) and new work items."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from pcrm.playbook.models import CustomerSegment
from pcrm.worklist.generation import upsert_rows, work_items_bulk_put

SEGMENT_UPDATE = (
    "as_of", "aum", "potential", "potential_estimated", "quadrant", "tier", "tier_since",
    "interval_days", "last_reached_on", "next_maintenance_on", "explanation", "policy_version",
    "below_floor_since",
)  # fmt: skip


def segments_for_db(segments: pa.Table) -> pa.Table:
    """Engine output → CustomerSegment columns (money back to yuan, flags to booleans)."""
    return pa.table({
        "customer_id": segments["customer_id"].cast(pa.int64()),
        # yuan as float8: exact to the cent for any realistic AUM, cast to numeric on insert
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


def write_results(
    *, run: Any, as_of: dt.date, policy_version: int, segments: pa.Table, items: pa.Table
) -> dict[str, int]:
    """Upsert every customer's segment and insert the new work items; counts per kind."""
    rows = segments_for_db(segments)
    upsert_rows(
        table_name=CustomerSegment._meta.db_table,
        key="customer_id",
        rows=rows,
        fixed={"as_of": as_of, "policy_version": policy_version},
        update=SEGMENT_UPDATE,
        casts={"explanation": "jsonb"},
    )
    return work_items_bulk_put(run=run, rows=items)
