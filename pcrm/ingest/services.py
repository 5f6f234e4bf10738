"""Import service: one entry point for the command, the upload page and the API."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.audit.services import audit_record
from pcrm.ingest.engine import ErrorReport, Importer, Outcome, report_path
from pcrm.ingest.models import ImportBatch
from pcrm.ingest.policy import ingest_policy
from pcrm.ingest.reader import FileRefused, file_sha256, open_table
from pcrm.ingest.schemas import SPECS
from pcrm.org.roles import can
from pcrm.org.selectors import branch_subtree_ids


@dataclass
class ImportResult:
    batch: ImportBatch
    outcome: Outcome
    summary: dict[str, Any]


def import_scope(actor: Any) -> frozenset[int] | None:
    """Branches an actor may import into: None = all (system, admin); a branch head's subtree.

    Raises PermissionDenied for anyone without ``import.run``.
    """
    if actor is None:
        return None
    token = getattr(actor, "token", None)
    if token is not None:  # an API client (pcrm.org.api_auth.ApiClient)
        if token.kind != "system":
            raise PermissionDenied(_("该令牌无权导入数据。"))
        return frozenset(branch_subtree_ids(branch_id=token.branch_id)) if token.branch_id else None
    if not can(actor, "import.run"):
        raise PermissionDenied(_("您的岗位无权导入数据。"))
    if getattr(actor, "role", "") == "admin":
        return None
    if not actor.branch_id:
        raise PermissionDenied(_("未分配网点，无法导入。"))
    return frozenset(branch_subtree_ids(branch_id=actor.branch_id))


def _label(actor: Any) -> str:
    if actor is None:
        return "system"
    return str(getattr(actor, "staff_code", None) or actor)


def import_file(
    *,
    actor: Any,
    kind: str,
    path: Path,
    file_name: str = "",
    source: str = "cli",
    dry_run: bool = False,
    all_or_nothing: bool = False,
    max_bytes: int | None = None,
    progress: Callable[[int], object] | None = None,
    preview: bool = False,
) -> ImportResult:
    """Import one interchange file (DESIGN §4.2) as an idempotent upsert on its key.

    Valid rows are committed chunk by chunk together with their fingerprints;
    bad rows go to the error report. ``all_or_nothing`` commits nothing when any
    row is bad; ``dry_run`` commits nothing at all. One ledger entry and one
    audit event per file. Raises FileRefused for files that are not imported.
    """
    if kind not in SPECS:
        raise FileRefused(_("未知的文件类型：%s") % kind)
    scope = import_scope(actor)
    started = time.monotonic()
    policy = ingest_policy()
    opened = open_table(path, policy, max_bytes=max_bytes)
    sha = file_sha256(path)
    seen = (
        ImportBatch.objects.filter(kind=kind, sha256=sha)
        .exclude(status__in=[ImportBatch.Status.DRY_RUN, ImportBatch.Status.REFUSED])
        .exists()
    )
    batch = ImportBatch.objects.create(
        kind=kind,
        file_name=(file_name or path.name)[:255],
        sha256=sha,
        size=path.stat().st_size,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_label(actor),
        source=source,
        status=ImportBatch.Status.RUNNING,
        all_or_nothing=all_or_nothing,
        seen_before=seen,
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    report = ErrorReport(report_path(f"import-{batch.pk}-{kind}-{stamp}.csv"))
    importer = Importer(kind, policy, scope, report, progress, keep_preview=preview)
    try:
        outcome, status = _run(importer, opened, dry_run=dry_run, all_or_nothing=all_or_nothing)
    except FileRefused as exc:
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.REFUSED, message=str(exc)[:500], finished_at=timezone.now()
        )
        report.close()
        raise
    return _finish(batch, outcome, status, actor, time.monotonic() - started)


def _run(
    importer: Importer, opened: Any, *, dry_run: bool, all_or_nothing: bool
) -> tuple[Outcome, str]:
    if not (dry_run or all_or_nothing):
        return importer.run(opened), ImportBatch.Status.DONE
    with transaction.atomic():
        outcome = importer.run(opened)
        if dry_run:
            transaction.set_rollback(True)
            return outcome, ImportBatch.Status.DRY_RUN
        if outcome.counts.errors:
            transaction.set_rollback(True)
            return outcome, ImportBatch.Status.ROLLED_BACK
    return outcome, ImportBatch.Status.DONE


@transaction.atomic
def _finish(
    batch: ImportBatch, outcome: Outcome, status: str, actor: Any, seconds: float
) -> ImportResult:
    counts = outcome.counts
    if status == ImportBatch.Status.ROLLED_BACK:
        # Nothing was committed: every valid row stays as it was before.
        counts.unchanged, counts.inserted, counts.updated = 0, 0, 0
    for name in ("rows", "inserted", "updated", "unchanged", "errors"):
        setattr(batch, name, getattr(counts, name))
    batch.status = status
    batch.error_report = str(outcome.error_report or "")
    batch.finished_at = timezone.now()
    batch.save()
    summary = {
        "kind": batch.kind,
        "rows": counts.rows,
        "inserted": counts.inserted,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "errors": counts.errors,
        "error_report": batch.error_report or None,
        "seconds": round(seconds, 3),
        "file_seen_before": batch.seen_before,
        "status": status,
        "batch": batch.pk,
    }
    if outcome.ignored_columns:
        summary["ignored_columns"] = outcome.ignored_columns
    if status != ImportBatch.Status.DRY_RUN:
        audit_record(
            actor=actor if getattr(actor, "pk", None) else None,
            action="ingest.import",
            target=batch,
            data={k: v for k, v in summary.items() if k not in {"error_report", "seconds"}}
            | {"file": batch.file_name, "sha256": batch.sha256[:16], "by": batch.actor_label},
        )
    return ImportResult(batch, outcome, summary)
