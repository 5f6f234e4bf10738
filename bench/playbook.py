"""Playbook benchmark (issue 4): from PostgreSQL to written work items.

Figures, all measured in this run (PCRM_BENCH_SCALE scales the sizes):
- 1,000,000 customers / 5,000,000 holdings / 1,000,000 transactions (700,000 interactions)
  generated in PostgreSQL; one ``playbook_run`` (DuckDB): read, compute, write seconds,
  end to end (target ≤ 15 s, compute ≤ 3 s) and customers/s. That first-ever run writes
  every segment and every item due (about two items per customer on the benchmark day);
  the next night's run, with yesterday's segments and items in place as every night, is
  reported on its own line;
- on a fresh database of 50,000 customers: the engine vs a per-customer ORM loop of the
  same rules (target ≥ 100×).

PostgreSQL: PCRM_BENCH_DATABASE_URL (default: database ``h_playbook_bench`` on the local
server, dropped and created by the benchmark).
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

TARGETS = {"total": 15.0, "compute": 3.0, "ratio": 100.0}
FULL, SAMPLE = 1_000_000, 50_000


def _scale() -> float:
    return float(os.environ.get("PCRM_BENCH_SCALE", "1") or 1)


def _url() -> str:
    return os.environ.get(
        "PCRM_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_playbook_bench"
    )


def _setup() -> None:
    os.environ["PCRM_DATABASE_URL"] = _url()
    # The benchmark drops and recreates its database; pooled connections would outlive it.
    os.environ["PCRM_DB_POOL"] = "0"
    os.environ.setdefault("PCRM_DATA_DIR", str(Path(tempfile.gettempdir()) / "pcrm-bench-playbook"))
    os.environ.setdefault("PCRM_DEBUG", "0")
    Path(os.environ["PCRM_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcrm.settings")
    import django

    django.setup()


def _fresh_database() -> None:
    """Drop and create the benchmark database, then migrate it."""
    import psycopg
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    parts = urlsplit(_url())
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        con.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def _populate(customers: int) -> float:
    from django.db import connection

    from bench._playbook_data import generate

    started = time.perf_counter()
    with connection.cursor() as cursor:
        generate(cursor, customers)
    seconds = time.perf_counter() - started
    # steady state, as before a nightly run: not freshly bulk-loaded pages and WAL
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("CHECKPOINT")
    return seconds


def _engine_run(day: dt.date) -> tuple[float, Any]:
    from pcrm.playbook.services import playbook_run

    started = time.perf_counter()
    run = playbook_run(actor=None, as_of=day, engine="duckdb")
    return time.perf_counter() - started, run


def _full(customers: int, day: dt.date) -> None:
    _fresh_database()
    seconds = _populate(customers)
    print(f"generated {customers:,} customers, {customers * 5:,} holdings, "
          f"{customers:,} transactions "
          f"in PostgreSQL in {seconds:.1f} s")  # fmt: skip
    total, run = _engine_run(day)
    items = sum(run.counts.values())
    share = customers / FULL
    print(
        f"playbook run (duckdb): read {run.read_seconds:.2f} s, "
        f"compute {run.compute_seconds:.2f} s, write {run.write_seconds:.2f} s, "
        f"total {total:.2f} s (1M-customer targets: total ≤ {TARGETS['total']:.0f} s, "
        f"compute ≤ {TARGETS['compute']:.0f} s; "
        f"pro rata here ≤ {TARGETS['total'] * share:.2f} s)"
    )
    print(f"  {customers / total:,.0f} customers/s, {items:,} work items written: {run.counts}")
    again, rerun = _engine_run(day)
    new = sum(rerun.counts.values())
    print(f"  same day again: {again:.2f} s, {new} new items (idempotent)")  # fmt: skip
    # The run above is a first-ever run: no stored segments, so every segment and every
    # item due is new. Nightly, yesterday's segments and items are there: only the changed
    # segments and the day's new items are written.
    nightly, next_run = _engine_run(day + dt.timedelta(days=1))
    print(
        f"next night (steady state): read {next_run.read_seconds:.2f} s, "
        f"compute {next_run.compute_seconds:.2f} s, write {next_run.write_seconds:.2f} s, "
        f"total {nightly:.2f} s (pro rata target ≤ {TARGETS['total'] * share:.2f} s); "
        f"{sum(next_run.counts.values()):,} new work items"
    )


def _ratio(customers: int, day: dt.date) -> None:
    from django.db import connection

    from bench._playbook_orm import orm_loop
    from pcrm.playbook.policy import policy_active

    _fresh_database()
    _populate(customers)
    engine_seconds, _run = _engine_run(day)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE worklist_workitem, playbook_customersegment, audit_auditevent")
    ids = list(range(1, customers + 1))
    started = time.perf_counter()
    created = orm_loop(policy_active().document, day, ids)
    orm_seconds = time.perf_counter() - started
    print(f"same {customers:,} customers: engine {engine_seconds:.2f} s "
          f"({customers / engine_seconds:,.0f}/s), ORM loop {orm_seconds:.1f} s "
          f"({customers / orm_seconds:,.0f}/s, {created:,} items): "
          f"ratio {orm_seconds / engine_seconds:.0f}× "
          f"(target ≥ {TARGETS['ratio']:.0f}×)")  # fmt: skip


def main() -> None:
    _setup()
    scale = _scale()
    day = dt.date(2026, 9, 22)
    _full(max(1000, int(FULL * scale)), day)
    _ratio(max(1000, int(SAMPLE * scale)), day)


if __name__ == "__main__":
    main()
