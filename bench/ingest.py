"""Ingest benchmark (issue 3): customers CSV into PostgreSQL and SQLite through `pcrm import`.

Figures, all measured in this run (PCRM_BENCH_SCALE scales the row counts):
- 1,000,000 customers into PostgreSQL, end to end (process start to JSON summary): rows/s;
- the same file again (all unchanged): rows/s;
- ratios against a per-row ORM ``save()`` and django-import-export (defaults) on a sample;
- 1,000,000 customers into SQLite: rows/s;
- peak RSS of the import process for a 10,000,000-row file.

PostgreSQL: PCRM_BENCH_DATABASE_URL (default: a fresh database ``pcrm_bench_ingest`` on the
local server, dropped and created by the benchmark).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._ingest_data import write_customers, write_reference_files

ROOT = Path(__file__).resolve().parent.parent
PCRM = [sys.executable, "-m", "pcrm"]
TARGETS = {"pg": 100_000, "reimport": 50_000, "sqlite": 50_000, "orm": 90, "iex": 350}


def _scale() -> float:
    return float(os.environ.get("PCRM_BENCH_SCALE", "1") or 1)


def _env(database_url: str, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PCRM_DATABASE_URL=database_url,
        PCRM_DATA_DIR=str(data_dir),
        PCRM_DEBUG="0",
        PYTHONPATH=str(ROOT),
        # An installed system has compiled modules; do not time compiling them on every start.
        PYTHONPYCACHEPREFIX=str(Path(tempfile.gettempdir()) / "pcrm-bench-pycache"),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _run(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a child; return (wall seconds, peak RSS in MB, stdout). Fails loudly."""
    started = time.perf_counter()
    child = subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    out, err = child.communicate()
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(args[2:])} failed: {err.decode()[-500:]}")
    return seconds, 0, out.decode()


CPU_SECONDS: list[float] = []


def _run_measured(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Like _run, but reaps the child with wait4 to read its peak RSS and CPU time.

    The CPU time (user + system, the seal workers included) is printed beside the wall
    time: on a shared machine it shows what the import itself costs.
    """
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(args, env=env, cwd=ROOT, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        CPU_SECONDS.append(usage.ru_utime + usage.ru_stime)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if child.returncode != 0:
            raise SystemExit(f"{' '.join(args[2:])} failed: {err.read().decode()[-500:]}")
        return seconds, usage.ru_maxrss // 1024, out.read().decode()


def _summary(stdout: str) -> dict[str, object]:
    result: dict[str, object] = json.loads(stdout.strip().splitlines()[-1])
    return result


def _fresh_postgres() -> str:
    url = os.environ.get("PCRM_BENCH_DATABASE_URL")
    if url:
        return url
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
        db.execute("DROP DATABASE IF EXISTS pcrm_bench_ingest")
        db.execute("CREATE DATABASE pcrm_bench_ingest")
    return "postgres://postgres@127.0.0.1:5432/pcrm_bench_ingest"


def _prepare(env: dict[str, str], folder: Path) -> None:
    _run([*PCRM, "migrate", "-v0"], env)
    branches, staff = write_reference_files(folder)
    _run([*PCRM, "import", "branches", str(branches)], env)
    _run([*PCRM, "import", "staff", str(staff)], env)


def _mark(value: float, target: float) -> str:
    return "ok" if value >= target else "BELOW TARGET"


def _baseline(mode: str, env: dict[str, str], path: Path) -> float:
    _seconds, _rss, out = _run(
        [sys.executable, "-m", "bench._ingest_baselines", mode, str(path)], env
    )
    rows, seconds = out.split()
    return int(rows) / float(seconds)


def main() -> None:
    scale = _scale()
    rows = max(int(1_000_000 * scale), 1000)
    memory_rows = max(int(10_000_000 * scale), 1000)
    sample = max(int(2000 * min(scale, 1)), 200)
    work = Path(tempfile.mkdtemp(prefix="pcrm-bench-ingest-"))
    print(f"scale {scale}: {rows:,} rows (memory run {memory_rows:,}); files in {work}")
    big = write_customers(work / "customers.csv", rows)
    orm_sample = write_customers(work / "orm-sample.csv", sample, start=50_000_000)
    iex_sample = write_customers(work / "iex-sample.csv", sample // 2, start=60_000_000)

    pg_env = _env(_fresh_postgres(), work / "pg-data")
    _prepare(pg_env, work)
    orm_rate = _baseline("orm", pg_env, orm_sample)
    iex_rate = _baseline("import_export", pg_env, iex_sample)
    seconds, rss, out = _run_measured([*PCRM, "import", "customers", str(big)], pg_env)
    first = _summary(out)
    pg_rate = rows / seconds
    seconds2, _rss2, out2 = _run_measured([*PCRM, "import", "customers", str(big)], pg_env)
    again = _summary(out2)
    re_rate = rows / seconds2

    sqlite_env = _env(f"sqlite:///{work / 'bench.sqlite3'}", work / "sqlite-data")
    _prepare(sqlite_env, work)
    seconds3, _rss3, out3 = _run_measured([*PCRM, "import", "customers", str(big)], sqlite_env)
    sqlite_rate = rows / seconds3

    print(
        f"PostgreSQL import  {rows:>10,} rows {seconds:7.1f} s {pg_rate:>9,.0f} rows/s "
        f"(target {TARGETS['pg']:,}: {_mark(pg_rate, TARGETS['pg'])}) "
        f"inserted={first['inserted']} errors={first['errors']} peak RSS {rss} MB"
    )
    print(
        f"PostgreSQL again   {rows:>10,} rows {seconds2:7.1f} s {re_rate:>9,.0f} rows/s "
        f"(target {TARGETS['reimport']:,}: {_mark(re_rate, TARGETS['reimport'])}) "
        f"unchanged={again['unchanged']}"
    )
    print(
        f"per-row ORM save() {orm_rate:>9,.0f} rows/s on {sample} rows: ratio "
        f"{pg_rate / orm_rate:6.1f}x (target {TARGETS['orm']}x: "
        f"{_mark(pg_rate / orm_rate, TARGETS['orm'])})"
    )
    print(
        f"django-import-export {iex_rate:>7,.0f} rows/s on {sample // 2} rows: ratio "
        f"{pg_rate / iex_rate:6.1f}x (target {TARGETS['iex']}x: "
        f"{_mark(pg_rate / iex_rate, TARGETS['iex'])})"
    )
    print(
        f"SQLite import      {rows:>10,} rows {seconds3:7.1f} s {sqlite_rate:>9,.0f} rows/s "
        f"(target {TARGETS['sqlite']:,}: {_mark(sqlite_rate, TARGETS['sqlite'])}) "
        f"inserted={_summary(out3)['inserted']}"
    )
    cpu = CPU_SECONDS
    print(
        f"CPU seconds (user+sys incl. workers): PostgreSQL {cpu[0]:.1f} "
        f"({rows / cpu[0]:,.0f} rows per CPU-second), again {cpu[1]:.1f} "
        f"({rows / cpu[1]:,.0f}), SQLite {cpu[2]:.1f} ({rows / cpu[2]:,.0f}); "
        f"load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    if os.environ.get("PCRM_BENCH_SKIP_MEMORY") != "1":
        huge = write_customers(work / "customers-memory.csv", memory_rows, start=100_000_000)
        big.unlink()
        seconds4, rss4, _out4 = _run_measured([*PCRM, "import", "customers", str(huge)], pg_env)
        print(
            f"memory run         {memory_rows:>10,} rows {seconds4:7.1f} s peak RSS {rss4} MB "
            f"(target 1024 MB: {'ok' if rss4 <= 1024 else 'ABOVE TARGET'}) "
            f"{memory_rows / seconds4:,.0f} rows/s"
        )
