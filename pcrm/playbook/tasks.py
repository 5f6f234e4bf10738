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


@task()
def playbook_nightly(as_of: str | None = None, engine: str = "duckdb") -> dict[str, Any]:
    """Run the playbook for ``as_of`` (default: today, Asia/Shanghai)."""
    day = dt.date.fromisoformat(as_of) if as_of else timezone.localdate()
    return run_summary(playbook_run(actor=None, as_of=day, engine=engine))
