"""`pcrm quiz import FILE --bank NAME`; `pcrm quiz export --bank NAME --format F [--out FILE]`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from pcrm.lib.commands import BadInput, SummaryCommand
from pcrm.training.convert import EXPORT_FORMATS, export
from pcrm.training.models import QuestionBank
from pcrm.training.parsing.files import FORMATS
from pcrm.training.services.banks import bank_import, summary_of


class Command(SummaryCommand):
    help = "Import or export a training question bank (导入/导出题库)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        imp = sub.add_parser("import", help="parse a file into a draft bank")
        imp.add_argument("file")
        imp.add_argument("--bank", required=True)
        imp.add_argument("--format", choices=FORMATS, default=None)
        exp = sub.add_parser("export", help="write a bank's questions")
        exp.add_argument("--bank", required=True)
        exp.add_argument("--format", choices=EXPORT_FORMATS, default="json")
        exp.add_argument("--out", default=None)

    def run(self, **options: Any) -> dict[str, Any]:
        if options["action"] == "import":
            return self._import(options)
        return self._export(options)

    def _import(self, options: dict[str, Any]) -> dict[str, Any]:
        path = Path(options["file"])
        if not path.is_file():
            raise BadInput(f"no such file: {path}")
        bank = bank_import(
            actor=None,
            name=options["bank"],
            filename=path.name,
            data=path.read_bytes(),
            fmt=options["format"],
        )
        return summary_of(bank)

    def _export(self, options: dict[str, Any]) -> dict[str, Any]:
        bank = QuestionBank.objects.filter(name=options["bank"]).first()
        if bank is None:
            raise BadInput(f"no bank named {options['bank']!r}")
        data = export(bank.questions.order_by("number"), options["format"])
        if options["out"]:
            Path(options["out"]).write_bytes(data)
        else:
            self.summary_to_stderr = True
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        summary = summary_of(bank)
        summary.update(format=options["format"], out=options["out"] or "-", bytes=len(data))
        return summary
