"""The import loop: stream a file in chunks, skip what the fingerprints say is unchanged,
write the rest set-based with its fingerprints in one transaction per chunk.

A crash between chunks leaves whole chunks written together with their
fingerprints, so running the same file again finishes the job and ends in the
state one clean run would have produced.

Each chunk goes through four steps: selected (read, the lines written exactly
as last time skipped after one fingerprint query), parsed and checked (in a
parsing thread, no database there), staged (its sealing started in a thread or
in worker processes) and committed (written in its transaction). Chunk N+1 is
parsed while chunk N is committed: the database's work (which waits on the
server and releases the interpreter) overlaps the CPU-bound work of the next
chunk; a chunk is still written whole or not at all, in file order.
"""

from __future__ import annotations

import csv
import gc
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction

from pcrm.ingest import bulk
from pcrm.ingest.aliases import canonical_header
from pcrm.ingest.policy import IngestPolicy
from pcrm.ingest.reader import FileRefused, OpenedFile
from pcrm.ingest.schemas import SPECS, ChunkParser, Column, FileSpec, ParsedRow, RowError
from pcrm.ingest.sealing import PROTECTED, Sealer
from pcrm.ingest.writers import BranchWriter, Context, StaffWriter, Writer
from pcrm.ingest.writers_customers import (
    CustomerWriter,
    HoldingWriter,
    InteractionWriter,
    TransactionWriter,
)
from pcrm.lib.pgcopy import commit_without_flush_wait

WRITERS: dict[str, type[Writer]] = {
    "branches": BranchWriter,
    "staff": StaffWriter,
    "customers": CustomerWriter,
    "holdings": HoldingWriter,
    "transactions": TransactionWriter,
    "interactions": InteractionWriter,
}
REPORT_HEADER = ["行号", "列", "值（已脱敏）", "原因"]
_GC_THRESHOLD = 200_000
_SWITCH_INTERVAL = 0.0005
# Values sealed per row of the kinds that seal (a customer's id_no, phone, email and
# address; a holding's account number): sizes the decision to start the worker pool.
_SEALED_PER_ROW = {"customers": len(PROTECTED), "holdings": 1}


@dataclass
class Counts:
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0


@dataclass
class Outcome:
    counts: Counts
    error_report: Path | None
    preview_rows: list[dict[str, Any]] = field(default_factory=list)
    preview_errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def map_header(spec: FileSpec, header: Sequence[str]) -> tuple[list[tuple[int, Column]], list[str]]:
    """Positions of the spec's columns in the file; refuses missing or doubled columns."""
    positions: list[tuple[int, Column]] = []
    seen: dict[str, str] = {}
    ignored: list[str] = []
    names = {c.name: c for c in spec.columns}
    for index, cell in enumerate(header):
        canonical = canonical_header(cell) if cell.strip() else None
        if canonical is None or canonical not in names:
            if cell.strip():
                ignored.append(cell.strip())
            continue
        if canonical in seen:
            raise FileRefused(f"表头“{seen[canonical]}”与“{cell.strip()}”指同一列 {canonical}")
        seen[canonical] = cell.strip()
        positions.append((index, names[canonical]))
    missing = [c.name for c in spec.columns if c.required and c.name not in seen]
    if missing:
        raise FileRefused("缺少必需的列：" + "、".join(missing))
    return positions, ignored


class ErrorReport:
    """The CSV of bad rows (row number, column, masked value, reason), opened on first error."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle: IO[str] | None = None
        self._writer: Any = None

    def add(self, errors: Sequence[RowError]) -> None:
        if not errors:
            return
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._handle)
            self._writer.writerow(REPORT_HEADER)
        self._writer.writerows([e.line, e.column, e.value, e.reason] for e in errors)

    def close(self) -> Path | None:
        if self._handle is None:
            return None
        self._handle.close()
        return self.path


def report_path(name: str) -> Path:
    return Path(settings.DATA_DIR) / "reports" / name


def _chunks(rows: Iterator[list[str]], size: int) -> Iterator[list[tuple[int, list[str]]]]:
    numbered = ((number, cells) for number, cells in enumerate(rows, start=2))
    while chunk := list(islice(numbered, size)):
        yield chunk


@dataclass
class _Selected:
    """A chunk's filled lines still to parse, and the stored fingerprints of its keys."""

    lines: int
    quick: bool
    filled: list[tuple[int, list[str]]]
    stored: dict[str, tuple[str, str]]


@dataclass
class _Parsed:
    selected: _Selected
    parsed: list[ParsedRow]
    errors: list[RowError]
    changed: list[ParsedRow]
    begun: Any  # the writer's early work, or _NOT_BEGUN


_NOT_BEGUN = object()


@dataclass
class _Staged:
    """A chunk parsed and checked, its writer's early work started, not yet written."""

    lines: int
    quick: bool
    parsed: list[ParsedRow]
    errors: list[RowError]
    stored: dict[str, tuple[str, str]]
    begun: Any


@dataclass
class Importer:
    """One run of one file. ``scope`` None means every branch (system imports)."""

    kind: str
    policy: IngestPolicy
    scope: frozenset[int] | None
    report: ErrorReport
    progress: Callable[[int], object] | None = None
    keep_preview: bool = False

    def run(self, opened: OpenedFile) -> Outcome:
        spec = SPECS[self.kind]
        positions, ignored = map_header(spec, opened.header)
        sealer = Sealer(
            workers=self.policy.seal_workers, pool_min_values=self.policy.seal_pool_min_values
        )
        bulk.tune_for_bulk()
        context = Context.load(scope=self.scope, sealer=sealer)
        writer = WRITERS[self.kind](frozenset(c.name for _, c in positions), context)
        parser = ChunkParser(spec, positions)
        statistics = bulk.PlannerStatistics(writer.plan.table)
        outcome = Outcome(Counts(), None, ignored_columns=ignored)
        # Chunk N+1 is parsed in a thread (pure Python, no database) while chunk N is
        # committed here: the database's work and the parsing overlap, and a chunk is still
        # written whole in its own transaction. Its sealing then starts (in the sealer's
        # thread or its worker processes) and overlaps the next round.
        parsing = ThreadPoolExecutor(1, thread_name_prefix="pcrm-ingest-parse")
        pending: _Staged | None = None
        chunks = _chunks(opened.rows, self.policy.chunk_rows)
        # A chunk allocates millions of short-lived objects that reference counting frees;
        # the cyclic collector would scan them (and every live object) again and again.
        thresholds = gc.get_threshold()
        gc.set_threshold(max(thresholds[0], _GC_THRESHOLD), *thresholds[1:])
        # The committing thread waits on the database often (COPY, statements); it gets the
        # interpreter back sooner from the parsing thread with a shorter switch interval.
        interval = sys.getswitchinterval()
        sys.setswitchinterval(_SWITCH_INTERVAL)
        try:
            while True:
                try:
                    chunk = next(chunks, None)
                    parsed = None
                    if chunk is not None:
                        selected = self._select(parser, chunk, outcome)
                        if pending is None:
                            # Fork the sealing workers (if this chunk would use them) before
                            # the parsing thread exists.
                            sealer.warm(len(selected.filled) * _SEALED_PER_ROW.get(self.kind, 0))
                        # Unscoped, a writer's early work reads no database: it starts
                        # in the parsing thread too (the sealing of chunk N+1 begins while
                        # chunk N is still being written).
                        early = writer if self.scope is None else None
                        parsed = parsing.submit(self._parse, parser, selected, early)
                except Exception:
                    # What was read before the failure is committed, as one chunk at a time would.
                    if pending is not None:
                        self._commit(spec, writer, pending, outcome, statistics)
                    raise
                if pending is not None:
                    self._commit(spec, writer, pending, outcome, statistics)
                if parsed is None:
                    break
                pending = self._begin(writer, parsed.result(), outcome)
        finally:
            sys.setswitchinterval(interval)
            gc.set_threshold(*thresholds)
            parsing.shutdown(wait=True, cancel_futures=True)
            sealer.close()
            outcome.error_report = self.report.close()
        return outcome

    def _select(
        self, parser: ChunkParser, chunk: list[tuple[int, list[str]]], outcome: Outcome
    ) -> _Selected:
        """The chunk's filled lines, less those written exactly as last time (one query)."""
        counts = outcome.counts
        # A line is filled when any cell holds more than spaces (the first one usually does).
        filled = [
            (line, cells)
            for line, cells in chunk
            if (cells and cells[0].strip()) or "".join(cells).strip()
        ]
        counts.rows += len(filled)
        stored: dict[str, tuple[str, str]] = {}
        # A scoped actor's rows are always checked in full (scope, references); a preview
        # shows parsed rows; everything else may skip what it delivered before.
        quick = self.scope is None and not self.keep_preview
        if quick:
            # Lines written exactly as last time are unchanged without being parsed.
            keys = parser.quick_keys([cells for _, cells in filled])
            stored = bulk.fingerprints(self.kind, [k for k in keys if k])
            if stored:
                rest = []
                raw_digest, get = parser.raw_digest, stored.get
                for key, (line, cells) in zip(keys, filled, strict=True):
                    known = get(key) if key else None
                    if known is None or known[1] != raw_digest(cells):
                        rest.append((line, cells))
                counts.unchanged += len(filled) - len(rest)
                filled = rest
        return _Selected(len(chunk), quick, filled, stored)

    @staticmethod
    def _parse(parser: ChunkParser, selected: _Selected, early: Writer | None) -> _Parsed:
        """Parse and check the selected lines; with ``early``, begin its work on them.

        Runs in the parsing thread: no database here.
        """
        filled, stored = selected.filled, selected.stored
        rows, errors = parser.parse([line for line, _ in filled], [cells for _, cells in filled])
        unique: dict[str, ParsedRow] = {}
        for row in rows:
            if row.key in unique:
                first = unique[row.key].line
                key_column = parser.spec.key[0]
                errors.append(RowError(row.line, key_column, "", f"与第 {first} 行的主键重复"))
            else:
                unique[row.key] = row
        parsed = list(unique.values())
        if selected.quick and stored:
            # Reformatted but equal rows (another date style, a BOM…) are unchanged too.
            changed = [r for r in parsed if stored.get(r.key, ("", ""))[0] != r.digest]
        else:
            changed = parsed
        begun = early.begin(changed) if early is not None else _NOT_BEGUN
        return _Parsed(selected, parsed, errors, changed, begun)

    def _begin(self, writer: Writer, parsed: _Parsed, outcome: Outcome) -> _Staged:
        """Everything about a parsed chunk that needs no transaction: start the sealing."""
        selected = parsed.selected
        stored = selected.stored
        if selected.quick:
            outcome.counts.unchanged += len(parsed.parsed) - len(parsed.changed)
        else:
            stored = bulk.fingerprints(self.kind, [r.key for r in parsed.parsed])
        return _Staged(
            selected.lines,
            selected.quick,
            parsed.parsed,
            parsed.errors,
            stored,
            writer.begin(parsed.changed) if parsed.begun is _NOT_BEGUN else parsed.begun,
        )

    def _commit(
        self,
        spec: FileSpec,
        writer: Writer,
        staged: _Staged,
        outcome: Outcome,
        statistics: bulk.PlannerStatistics,
    ) -> None:
        """Write a staged chunk with its fingerprints in one transaction; count and report."""
        counts = outcome.counts
        errors, stored = staged.errors, staged.stored
        with transaction.atomic():
            commit_without_flush_wait()
            tuples, kept, refused = writer.finish(staged.begun)
            errors += refused
            if not staged.quick:
                same = {r.key for r in kept if stored.get(r.key, ("", ""))[0] == r.digest}
                counts.unchanged += len(same)
                pairs = [(t, r) for t, r in zip(tuples, kept, strict=True) if r.key not in same]
                tuples, kept = [t for t, _ in pairs], [r for _, r in pairs]
            inserted, updated = writer.write(tuples)
            new_fingerprints, _ = bulk.upsert(
                bulk.FINGERPRINT_PLAN,
                [(self.kind, r.key, r.digest, r.raw_digest) for r in kept],
            )
            writer.after_write(kept)
        statistics.added(new_fingerprints)
        counts.inserted += inserted
        counts.updated += updated
        counts.unchanged += len(kept) - inserted - updated
        counts.errors += len({e.line for e in errors})
        errors.sort(key=lambda e: e.line)
        if self.keep_preview and len(outcome.preview_rows) < self.policy.preview_rows:
            room = self.policy.preview_rows - len(outcome.preview_rows)
            bad = {e.line for e in errors}
            good = [row for row in staged.parsed if row.line not in bad][:room]
            outcome.preview_rows += [_preview(spec, row) for row in good]
        self.report.add(errors)
        if len(outcome.preview_errors) < self.policy.preview_errors:
            outcome.preview_errors += errors[
                : self.policy.preview_errors - len(outcome.preview_errors)
            ]
        if self.progress:
            self.progress(staged.lines)


def _preview(spec: FileSpec, row: ParsedRow) -> dict[str, Any]:
    """A row as the preview shows it: personal columns masked like in the error report."""
    shown: dict[str, Any] = {"行号": row.line}
    for column in spec.columns:
        if column.name in row.values:
            value = row.values[column.name]
            text = "" if value is None else str(value)
            shown[column.name] = (
                column.mask(text) if column.mask.__name__ != "mask_free_text" else text
            )
    return shown
