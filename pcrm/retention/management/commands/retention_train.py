"""`pcrm retention_train`: retrain the churn model on the bank's own history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import CommandParser

from pcrm.lib.commands import SummaryCommand
from pcrm.retention.services import churn_model_train


class Command(SummaryCommand):
    help = "训练客户流失模型（历史不足时记录规则评分）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)

    def run(self, **options: Any) -> dict[str, Any]:
        model = churn_model_train(actor=None, today=options["today"])
        return {
            "model": model.pk,
            "kind": model.kind,
            "rows": model.rows,
            "positives": model.positives,
            "auc": model.auc,
            "top_precision": model.top_precision,
        }
