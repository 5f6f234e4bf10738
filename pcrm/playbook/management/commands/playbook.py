"""`pcrm playbook run [--as-of YYYY-MM-DD] [--engine duckdb|spark]` (DESIGN §4.1)."""

from __future__ import annotations

import datetime as dt
import sys
from typing import Any

from django.core.management.base import CommandParser
from django.utils import timezone

from pcrm.lib.commands import BadInput, SummaryCommand
from pcrm.playbook.engine.compute import ENGINES
from pcrm.playbook.services import RunInProgress, playbook_run, run_summary


def parse_day(value: str | None) -> dt.date:
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(f"日期格式应为 YYYY-MM-DD：{value}") from exc


class Command(SummaryCommand):
    help = "运行营销策略引擎：计算客户分层并生成当天的工作项。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run"])
        parser.add_argument("--as-of", dest="as_of", help="计算日期 YYYY-MM-DD（默认今天）")
        parser.add_argument("--engine", choices=sorted(ENGINES), default="duckdb")

    def _progress(self, step: str, fraction: float) -> None:
        if sys.stderr.isatty():  # a progress bar only for a person watching
            filled = int(fraction * 30)
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%} {step}   ")
            if fraction >= 1:
                sys.stderr.write("\n")
            sys.stderr.flush()

    def run(self, **options: Any) -> dict[str, Any]:
        as_of = parse_day(options.get("as_of"))
        try:
            run = playbook_run(
                actor=None, as_of=as_of, engine=options["engine"], progress=self._progress
            )
        except RunInProgress as exc:
            raise BadInput(str(exc)) from exc
        return run_summary(run)
