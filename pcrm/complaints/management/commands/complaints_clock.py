"""`pcrm complaints_clock`: raise due-soon and overdue complaint items (the nightly run)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from pcrm.complaints.services import clock_alerts_raise
from pcrm.lib.commands import BadInput, SummaryCommand


class Command(SummaryCommand):
    help = "Raise complaint_followup items for complaints due soon or overdue (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", help="run as at this date (YYYY-MM-DD, end of day)")

    def run(self, **options: Any) -> dict[str, Any]:
        now = timezone.now()
        if options.get("as_of"):
            try:
                day = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise BadInput("--as-of must be YYYY-MM-DD") from None
            now = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
        counts = clock_alerts_raise(now=now)
        return {"command": "complaints_clock", **counts}
