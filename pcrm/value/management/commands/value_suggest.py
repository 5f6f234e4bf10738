"""`pcrm value_suggest`: suggest opportunities from signals for every managed customer."""

from __future__ import annotations

from typing import Any

from pcrm.lib.commands import SummaryCommand
from pcrm.value.suggest import opportunity_suggest_all


class Command(SummaryCommand):
    help = "根据到期、大额流入、活期闲置、高潜力等信号批量生成商机建议。"

    def run(self, **options: Any) -> dict[str, Any]:
        return opportunity_suggest_all()
