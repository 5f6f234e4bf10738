"""Writes of the playbook: a run of the engine for an as-of date (segments + work items)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.audit.services import audit_record
from pcrm.playbook.choices import RunStatus
from pcrm.playbook.engine import compute, inputs, read, write
from pcrm.playbook.models import PlaybookRun, WorkingDayOverride
from pcrm.playbook.policy import policy_active
from pcrm.worklist.generation import item_kinds

Progress = Callable[[str, float], None]


class RunInProgress(Exception):
    """Another playbook run holds the lock; this one must not write."""


def _noop(step: str, fraction: float) -> None:
    return None


def run_lock_acquire(*, as_of: dt.date, engine: str, stale_minutes: int) -> PlaybookRun:
    """Start a run: a PlaybookRun row in status running (unique among running rows), so two
    overlapping runs cannot both write. A run left running past ``stale_minutes`` (a killed
    process) is marked failed first."""
    cutoff = timezone.now() - dt.timedelta(minutes=stale_minutes)
    PlaybookRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=cutoff).update(
        status=RunStatus.FAILED, error="stale", finished_at=timezone.now()
    )
    try:
        with transaction.atomic():
            return PlaybookRun.objects.create(as_of=as_of, engine=engine)
    except IntegrityError as exc:
        raise RunInProgress(_("另一个策略运行正在进行，请稍后再试。")) from exc


def _read_inputs(doc: dict[str, Any], d: dt.date) -> dict[str, pa.Table]:
    """Every table the rules read, from the operational database and the policy."""
    lookback = max(doc["potential_estimation"]["trend_days"], doc["large_change_lookback_days"])
    window_end = d + dt.timedelta(days=doc["another_item_window_days"])
    recent_since = d - dt.timedelta(days=max(doc["repeat_days"], doc["establish_repeat_days"]))
    holding_parts = read.holdings_jobs()
    jobs: dict[str, Callable[[], pa.Table]] = {
        # the largest first, so that the connections finish together
        **{f"holdings{i}": job for i, job in enumerate(holding_parts)},
        "existing": partial(
            read.read_existing_items, list(item_kinds()), d, window_end, recent_since
        ),
        "prev_segments": read.read_previous_segments,
        "customers": read.read_customers,
        "txns": partial(
            read.read_transactions, d - dt.timedelta(days=lookback), d - dt.timedelta(days=1)
        ),
        "reached": partial(read.read_last_reached, d),
        "products": read.read_products,
        "heads": read.read_branch_heads,
    }
    got = read.read_all(jobs)
    holdings = pa.concat_tables([got.pop(f"holdings{i}") for i in range(len(holding_parts))])
    existing = got.pop("existing")
    refs = pc.list_element(pc.split_pattern(existing["subject"], "@"), 0)
    recent_mask = pc.equal(existing["recent"], 1)
    tables = {
        **got,
        "holdings": holdings,
        "existing": existing.select(["item_key", "customer_id", "open_in_window"]),
        "recent": pa.table(
            {
                "kind": pc.filter(existing["kind"], recent_mask),
                "customer_id": pc.filter(existing["customer_id"], recent_mask),
                "ref": pc.filter(refs, recent_mask),
            }
        ),
    }
    return tables


def playbook_compute(
    *, as_of: dt.date, engine: str, document: dict[str, Any], tables: dict[str, pa.Table]
) -> tuple[pa.Table, pa.Table]:
    """Segments and work items for ``as_of`` from already-read tables (no database)."""
    overrides = dict(WorkingDayOverride.objects.values_list("day", "is_working_day"))
    tables = {
        **tables,
        **inputs.policy_tables(document),
        **inputs.calendar_tables(document, as_of, tables["customers"], overrides),
    }
    statements = inputs.rule_statements(inputs.rule_params(document, as_of))
    return compute.ENGINES[engine](tables, statements)


def playbook_run(
    *, actor: Any, as_of: dt.date, engine: str = "duckdb", progress: Progress = _noop
) -> PlaybookRun:
    """Run the playbook for ``as_of``: segments for every customer and the day's work
    items, written in bulk; one audit event with the counts. Raises RunInProgress when
    another run holds the lock."""
    if engine not in compute.ENGINES:
        raise ValueError(_("未知引擎：%(engine)s") % {"engine": engine})
    policy = policy_active()
    run = run_lock_acquire(
        as_of=as_of, engine=engine, stale_minutes=policy.document["stale_run_minutes"]
    )
    try:
        _execute(run, actor, policy.version, policy.document, progress)
    except BaseException as exc:
        PlaybookRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    return run


def _execute(
    run: PlaybookRun, actor: Any, version: int, doc: dict[str, Any], progress: Progress
) -> None:
    progress(_("读取数据"), 0.0)
    started = time.perf_counter()
    tables = _read_inputs(doc, run.as_of)
    run.read_seconds = time.perf_counter() - started
    progress(_("计算"), 0.35)
    started = time.perf_counter()
    segments, items = playbook_compute(
        as_of=run.as_of, engine=run.engine, document=doc, tables=tables
    )
    run.compute_seconds = time.perf_counter() - started
    progress(_("写入"), 0.7)
    started = time.perf_counter()
    # a second connection only for a transaction of our own (not inside a caller's or a test's)
    side = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        counts = write.write_results(
            run=run, as_of=run.as_of, policy_version=version, segments=segments, items=items,
            previous=tables["prev_segments"], side_connection=side,
        )  # fmt: skip
        run.write_seconds = time.perf_counter() - started
        run.counts = {kind: counts.get(kind, 0) for kind in item_kinds()}
        run.segments = segments.num_rows
        run.policy_version = version
        run.status = RunStatus.SUCCEEDED
        run.finished_at = timezone.now()
        run.save()
        audit_record(
            actor=actor,
            action="playbook.run",
            target=run,
            data={"as_of": run.as_of.isoformat(), "engine": run.engine, "policy_version": version,
                  "segments": run.segments, "items": run.counts},
        )  # fmt: skip
    progress(_("完成"), 1.0)


def run_summary(run: PlaybookRun) -> dict[str, Any]:
    """The run as the JSON summary `pcrm playbook run` prints."""
    return {
        "run_id": run.pk,
        "as_of": run.as_of.isoformat(),
        "engine": run.engine,
        "policy_version": run.policy_version,
        "status": run.status,
        "segments": run.segments,
        "items": sum(run.counts.values()),
        "counts": run.counts,
        "read_seconds": round(run.read_seconds, 3),
        "compute_seconds": round(run.compute_seconds, 3),
        "write_seconds": round(run.write_seconds, 3),
    }
