"""`pcrm snapshots take [--as-of YYYY-MM-DD]`: write the dashboards' daily snapshot."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from pcrm.lib.commands import SummaryCommand
from pcrm.playbook.management.commands.playbook import parse_day
from pcrm.playbook.snapshots import snapshot_take


class Command(SummaryCommand):
    help = "生成看板的每日快照（同一天重复运行会替换当天的快照）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["take"])
        parser.add_argument("--as-of", dest="as_of", help="快照日期 YYYY-MM-DD（默认今天）")

    def run(self, **options: Any) -> dict[str, Any]:
        return snapshot_take(actor=None, as_of=parse_day(options.get("as_of")))
