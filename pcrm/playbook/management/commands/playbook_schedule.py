"""`pcrm playbook_schedule [--as-of D] [--engine E]`: enqueue the nightly playbook run.

Cron calls it once a night (e.g. ``30 1 * * * pcrm playbook_schedule``); the task
worker (``pcrm db_worker``) runs it, so a long run never blocks the web process.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from pcrm.lib.commands import SummaryCommand
from pcrm.playbook.engine.compute import ENGINES
from pcrm.playbook.tasks import playbook_nightly


class Command(SummaryCommand):
    help = "将夜间策略运行加入任务队列。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", dest="as_of")
        parser.add_argument("--engine", choices=sorted(ENGINES), default="duckdb")

    def run(self, **options: Any) -> dict[str, Any]:
        result = playbook_nightly.enqueue(as_of=options.get("as_of"), engine=options["engine"])
        return {"task_id": str(result.id), "status": str(result.status)}
