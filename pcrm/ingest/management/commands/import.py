"""`pcrm import KIND FILE [--dry-run] [--all-or-nothing]` (DESIGN §4.1)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import DatabaseError
from tqdm import tqdm

from pcrm.ingest.reader import FileRefused
from pcrm.ingest.schemas import SPECS
from pcrm.ingest.services import import_file
from pcrm.lib.commands import BadInput, SummaryCommand


class Command(SummaryCommand):
    help = "Import a core-banking interchange file (CSV or XLSX) as an idempotent upsert."
    # The checks are `pcrm check`'s job; an operator's import should not wait for them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(SPECS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="validate and count only")
        parser.add_argument(
            "--all-or-nothing", action="store_true", help="commit nothing when any row is bad"
        )

    def run(self, **options: Any) -> dict[str, Any]:
        path: Path = options["file"]
        if not path.is_file():
            raise BadInput(f"file not found: {path}")
        bar = tqdm(
            unit=" rows",
            desc=f"import {options['kind']}",
            file=sys.stderr,
            disable=not sys.stderr.isatty(),
            unit_scale=True,
        )
        try:
            result = import_file(
                actor=None,
                kind=options["kind"],
                path=path,
                dry_run=options["dry_run"],
                all_or_nothing=options["all_or_nothing"],
                progress=bar.update,
            )
        except FileRefused as exc:
            raise BadInput(str(exc)) from exc
        except DatabaseError as exc:
            # Whole chunks roll back; running the same file again completes the import.
            raise CommandError(f"database write failed, nothing half-written: {exc}") from exc
        finally:
            bar.close()
        summary = result.summary
        summary["ok"] = result.batch.status != "rolled_back"
        if not summary["ok"]:
            self._emit(summary, False)
            raise SystemExit(1)
        return summary
