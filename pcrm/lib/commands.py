"""Base for the `pcrm` contract commands (DESIGN §4.1).

A command implements :meth:`SummaryCommand.run` and returns a dict; the base
prints it as the one-line JSON summary last (on stderr when the command writes
its data to stdout) and turns bad input into a clear message and a non-zero
exit, never a traceback.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError


class BadInput(CommandError):
    """Input the operator can fix: printed as one line, exit status 2."""

    def __init__(self, message: str) -> None:
        super().__init__(message, returncode=2)


class SummaryCommand(BaseCommand):
    summary_to_stderr = False

    def run(self, **options: Any) -> dict[str, Any]:
        raise NotImplementedError

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            summary = self.run(**options)
        except ValidationError as exc:
            self._fail("; ".join(exc.messages), 2)
        except (BadInput, CommandError) as exc:
            self._fail(str(exc), getattr(exc, "returncode", 1))
        except (OSError, UnicodeError, ValueError) as exc:
            self._fail(f"{type(exc).__name__}: {exc}", 2)
        summary.setdefault("ok", True)
        summary.setdefault("seconds", round(time.monotonic() - started, 3))
        self._emit(summary, self.summary_to_stderr)

    def _emit(self, summary: dict[str, Any], to_stderr: bool) -> None:
        line = json.dumps(summary, ensure_ascii=False, default=str)
        stream = sys.stderr if to_stderr else self.stdout
        stream.write(line + "\n")
        stream.flush()

    def _fail(self, message: str, code: int) -> None:
        self.stderr.write(f"error: {message}")
        self._emit({"ok": False, "error": message}, True)
        raise SystemExit(code)
