"""`pcrm surveys send [--as-of YYYY-MM-DD] [--periodic]`: send the satisfaction surveys due.

Occasions (complaints closed, events attended, diagnoses saved within the look-back)
are surveyed once each; the periodic sample per branch and segment runs on the day of
the month set in campaigns' policy.toml, or whenever ``--periodic`` is given.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from pcrm.lib.commands import BadInput, SummaryCommand
from pcrm.playbook.surveys import surveys_send_due


class Command(SummaryCommand):
    help = "发送到期的客户满意度调查（定期抽样及投诉、活动、诊断后的回访）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["send"])
        parser.add_argument("--as-of", dest="as_of", help="运行日期（YYYY-MM-DD，默认今天）")
        parser.add_argument("--periodic", action="store_true", help="不论日期，执行本期分层抽样")

    def run(self, **options: Any) -> dict[str, Any]:
        day = timezone.localdate()
        if options.get("as_of"):
            try:
                day = dt.date.fromisoformat(options["as_of"])
            except ValueError:
                raise BadInput("--as-of must be YYYY-MM-DD") from None
        summary = surveys_send_due(as_of=day, periodic=True if options["periodic"] else None)
        return {"command": "surveys send", **summary}
