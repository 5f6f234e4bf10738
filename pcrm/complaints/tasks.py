"""Background jobs of the complaints app (django.tasks)."""

from __future__ import annotations

from django.tasks import task

from pcrm.complaints.services import clock_alerts_raise


@task()
def complaints_clock_nightly() -> dict[str, int]:
    """The nightly regulatory-clock run (also `pcrm complaints_clock` for the scheduler)."""
    return clock_alerts_raise()
