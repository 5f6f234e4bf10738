"""`pcrm worklist export [--as-of YYYY-MM-DD] [--format csv|jsonl] [--out FILE]` (DESIGN §4.3).

With ``--as-of`` every item the playbook run for that date created (whatever its due
date); without it every open item. Data goes to ``--out`` or stdout (the summary then
goes to stderr).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandParser
from django.db.models import QuerySet

from pcrm.lib.commands import BadInput, SummaryCommand
from pcrm.worklist.choices import Status
from pcrm.worklist.models import WorkItem

FIELDS = (
    "item_key", "customer_no", "staff_code", "kind", "due_on", "channel", "content",
    "priority", "reason", "status",
)  # fmt: skip
SOURCE = (
    "item_key", "customer__customer_no", "staff__staff_code", "kind", "due_on", "channel",
    "content", "priority", "reason", "status",
)  # fmt: skip


def export_queryset(as_of: dt.date | None) -> QuerySet[WorkItem]:
    """The items to export, in a stable order."""
    items = WorkItem.objects.all()
    if as_of is not None:
        items = items.filter(created_for=as_of, run_id__isnull=False)
    else:
        items = items.filter(status=Status.OPEN)
    return items.order_by("due_on", "priority", "item_key")


def export_rows(as_of: dt.date | None) -> Iterator[dict[str, Any]]:
    for values in export_queryset(as_of).values_list(*SOURCE).iterator(chunk_size=5000):
        row = dict(zip(FIELDS, values, strict=True))
        row["staff_code"] = row["staff_code"] or ""
        row["due_on"] = row["due_on"].isoformat()
        yield row


def write_rows(stream: IO[str], rows: Iterator[dict[str, Any]], fmt: str) -> int:
    count = 0
    if fmt == "csv":
        writer = csv.DictWriter(stream, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    else:
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count


class Command(SummaryCommand):
    help = "导出工作项（CSV 或 JSON Lines）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["export"])
        parser.add_argument("--as-of", dest="as_of", help="导出该日策略运行生成的工作项")
        parser.add_argument("--format", choices=["csv", "jsonl"], default="csv")
        parser.add_argument("--out", help="输出文件（默认标准输出）")

    def run(self, **options: Any) -> dict[str, Any]:
        as_of = None
        if options.get("as_of"):
            try:
                as_of = dt.date.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise BadInput(f"日期格式应为 YYYY-MM-DD：{options['as_of']}") from exc
        rows = export_rows(as_of)
        out = options.get("out")
        if out:
            with Path(out).open("w", encoding="utf-8", newline="") as stream:
                count = write_rows(stream, rows, options["format"])
        else:
            self.summary_to_stderr = True
            count = write_rows(sys.stdout, rows, options["format"])
            sys.stdout.flush()
        summary: dict[str, Any] = {"items": count, "format": options["format"]}
        if as_of:
            summary["as_of"] = as_of.isoformat()
        if out:
            summary["out"] = str(out)
        return summary
