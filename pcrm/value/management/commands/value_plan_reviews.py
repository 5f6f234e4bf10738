"""`pcrm value_plan_reviews`: raise the branch heads' plan_review items that are due."""

from __future__ import annotations

from typing import Any

from pcrm.lib.commands import SummaryCommand
from pcrm.value.plans import plan_schedule_reviews


class Command(SummaryCommand):
    help = "为到期检视的价值提升计划生成网点负责人的检视工作项。"

    def run(self, **options: Any) -> dict[str, Any]:
        return {"plan_review_items": plan_schedule_reviews()}
