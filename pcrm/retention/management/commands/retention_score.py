"""`pcrm retention_score`: score every customer and open this month's win-back work."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandParser

from pcrm.lib.commands import SummaryCommand
from pcrm.retention.services import risk_scores_refresh, win_back_open


class Command(SummaryCommand):
    help = "计算客户流失风险并生成挽回任务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--no-work", action="store_true", help="只评分，不生成挽回任务")

    def run(self, **options: Any) -> dict[str, Any]:
        scored = risk_scores_refresh(actor=None, today=options["today"])
        opened = 0 if options["no_work"] else win_back_open(actor=None, today=options["today"])
        return {"scored": scored, "win_back_opened": opened}
