"""Background tasks of the playbook: the nightly run (django.tasks, run by the worker).

Schedule it once a night, e.g. from cron: ``pcrm playbook_schedule`` enqueues it;
``pcrm db_worker`` (django-tasks-db) executes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.tasks import task
from django.utils import timezone

from pcrm.playbook.services import playbook_run, run_summary
from pcrm.playbook.snapshots import snapshot_take
from pcrm.playbook.surveys import surveys_send_due


@task()
def playbook_nightly(as_of: str | None = None, engine: str = "duckdb") -> dict[str, Any]:
    """Run the playbook for ``as_of`` (default: today, Asia/Shanghai), then take the
    dashboards' snapshot of that day."""
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    summary = run_summary(playbook_run(actor=None, as_of=day, engine=engine))
    # The dashboards read the day's snapshot, taken after the segments are fresh.
    summary["snapshot"] = snapshot_take(actor=None, as_of=day)
    # Satisfaction surveys due that day, sampled on the segments just computed.
    summary["surveys"] = surveys_send_due(as_of=day)
    return summary
