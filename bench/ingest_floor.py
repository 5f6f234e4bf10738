"""Ingest floor (issue 3): what the parts of a customers import cost on this machine alone.

``bench ingest`` times the import end to end. This one times, per customer row, the
pieces no implementation of the import can leave out, each with nothing around it:

- client: tokenising the CSV line (the csv module, in C), sealing the four personal
  values (AES-256-GCM), the three blind indexes (HMAC-SHA256);
- PostgreSQL: storing rows that are already finished (a binary COPY of the rows a
  real import wrote; the client computes nothing), into the table as it is (its
  indexes and foreign keys live), into the table with every secondary index
  dropped first and built again after, and into a bare heap of the same columns
  (no index, no foreign key), in transactions that are rolled back;
- SQLite: one ``executemany`` of the same finished rows into its table.

Each figure is printed as µs per row and as the rows/s it caps the import at, beside
the targets of ``bench ingest``. On N cores, 100,000 rows/s leaves N × 10 µs of CPU per
row for everything: client and server together.

Sizes: PCRM_BENCH_SCALE × 1,000,000 customers, the file of ``bench ingest``.
PostgreSQL: a fresh database ``pcrm_bench_ingest_floor`` on the local server.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from bench._ingest_data import write_customers
from bench.ingest import PCRM, TARGETS, _env, _prepare, _run, _scale

TABLE = "customers_customer"
PROTECTED = (3, 7, 8, 9)  # id_no, phone, email, address in the benchmark file
INDEXED = ((3, "id_no"), (7, "phone"), (8, "email"))
SERVER = "postgresql://postgres@127.0.0.1:5432"


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _line(label: str, seconds: float, rows: int, cpu: float | None = None) -> float:
    """Print a step as seconds, µs per row and rows/s; return µs per row (of CPU if known)."""
    per_row = seconds / rows * 1e6
    shown = f"  {label:<44} {seconds:7.2f} s {per_row:7.1f} µs/row {rows / seconds:>9,.0f} rows/s"
    if cpu is None:
        print(shown)
        return per_row
    print(f"{shown}, server CPU {cpu / rows * 1e6:5.1f} µs/row")
    return cpu / rows * 1e6


def _sum(label: str, per_row: float) -> None:
    print(f"  {label:<44} {per_row:17.1f} µs/row {1e6 / per_row:>9,.0f} rows/s")


def _backend_cpu(pid: int) -> float | None:
    """CPU seconds a local server process has used (Linux /proc), None where unreadable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _server_step(label: str, work: Callable[[], object], rows: int, pid: int) -> float:
    """One server step: its wall time and, where readable, the server process's CPU time."""
    before = _backend_cpu(pid)
    seconds = _timed(work)
    after = _backend_cpu(pid)
    cpu = after - before if before is not None and after is not None else None
    return _line(label, seconds, rows, cpu)


def _client(path: Path, rows: int) -> float:
    """The client primitives, in tight loops over the file's own values."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcrm.settings")
    import django

    django.setup()
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from pcrm.lib.crypto import BlindIndexer, keyring

    def tokenise() -> None:
        with path.open(encoding="utf-8", newline="") as handle:
            for _cells in csv.reader(handle):
                pass

    with path.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))[1:]
    sealed = [line[at].encode() for line in lines for at in PROTECTED]
    indexed = [(line[at], purpose) for line in lines for at, purpose in INDEXED]
    ring = keyring()
    aead: AESGCM = ring.keys[ring.primary]
    # One nonce for every value: the ciphertexts are thrown away, only the time is kept.
    nonce = os.urandom(12)
    encrypt, index = aead.encrypt, BlindIndexer().index
    print("client, one core (the interpreter runs one thread at a time):")
    total = _line("CSV tokenising (csv module)", _timed(tokenise), rows)
    total += _line(
        "AES-256-GCM, 4 values", _timed(lambda: [encrypt(nonce, v, None) for v in sealed]), rows
    )
    total += _line(
        "HMAC-SHA256 blind index, 3 values",
        _timed(lambda: [index(v, purpose=p) for v, p in indexed]),
        rows,
    )
    _sum("sum: the least client CPU per row", total)
    return total


def _secondary_indexes(cursor: psycopg.Cursor[tuple[str, ...]]) -> list[tuple[str, str, str]]:
    """(index name, constraint name or '', definition) of every index but the primary key."""
    cursor.execute(
        "SELECT i.relname, coalesce(c.conname, ''), pg_get_indexdef(i.oid) "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "LEFT JOIN pg_constraint c ON c.conindid = i.oid AND c.conrelid = x.indrelid "
        "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary",
        [TABLE],
    )
    return [(name, constraint, definition) for name, constraint, definition in cursor.fetchall()]


def _server(url: str, dump: Path, rows: int) -> tuple[float, float, float]:
    """Finished rows stored by PostgreSQL three ways, each in a transaction rolled back;
    returns µs per row (server CPU where readable) into the table as it is, with its
    indexes built again, and into a bare heap."""
    with psycopg.connect(url) as db, db.cursor() as cursor:
        with dump.open("wb") as out, cursor.copy(f"COPY {TABLE} TO STDOUT (FORMAT binary)") as copy:
            for block in copy:
                out.write(block)
        pid = db.info.backend_pid

        def load(table: str) -> Callable[[], None]:
            def run() -> None:
                with (
                    dump.open("rb") as source,
                    cursor.copy(f"COPY {table} FROM STDIN (FORMAT binary)") as copy,
                ):
                    while block := source.read(1 << 20):
                        copy.write(block)

            return run

        def check_keys() -> None:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

        print("PostgreSQL (the server's own work: the client only streams finished rows):")
        cursor.execute(f"TRUNCATE {TABLE} CASCADE")
        live = _server_step("COPY into the table, indexes live", load(TABLE), rows, pid)
        live += _server_step("  + its foreign keys checked", check_keys, rows, pid)
        _sum("sum: the table as it is", live)
        db.rollback()

        cursor.execute(f"TRUNCATE {TABLE} CASCADE")
        indexes = _secondary_indexes(cursor)
        for name, constraint, _definition in indexes:
            if constraint:
                cursor.execute(f"ALTER TABLE {TABLE} DROP CONSTRAINT {constraint}")
            else:
                cursor.execute(f"DROP INDEX {name}")
        cursor.execute("SET maintenance_work_mem = '256MB'")

        def rebuild() -> None:
            for _name, _constraint, definition in indexes:
                cursor.execute(definition)

        bare = _server_step("COPY into the table, primary key only", load(TABLE), rows, pid)
        bare += _server_step("  + its foreign keys checked", check_keys, rows, pid)
        bare += _server_step(f"  + {len(indexes)} secondary indexes built", rebuild, rows, pid)
        _sum("sum: indexes dropped and built again", bare)
        db.rollback()

        # A copy of the table's columns alone: LIKE copies no index and no foreign key.
        cursor.execute(f"CREATE TABLE pcrm_bench_heap (LIKE {TABLE})")
        heap = _server_step(
            "COPY into a bare heap (no index, no key)", load("pcrm_bench_heap"), rows, pid
        )
        db.rollback()
    return live, bare, heap


def _sqlite(path: Path, rows: int) -> None:
    """Finished rows written by one executemany, in a transaction rolled back."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA cache_size = -262144")
        names = [row[1] for row in db.execute(f"PRAGMA table_info({TABLE})")]
        finished = db.execute(f"SELECT * FROM {TABLE}").fetchall()  # noqa: S608 (our table)
        marks = ", ".join("?" * len(names))
        db.execute("BEGIN")
        db.execute(f"DELETE FROM {TABLE}")  # noqa: S608 (our table)
        print("SQLite (the library's own time: finished rows, one executemany):")
        seconds = _timed(
            lambda: db.executemany(f"INSERT INTO {TABLE} VALUES ({marks})", finished)  # noqa: S608
        )
        per_row = _line("INSERT into the table, indexes live", seconds, rows)
        cap = 1e6 / per_row
        note = "ok" if cap >= TARGETS["sqlite"] else "BELOW TARGET"
        target = TARGETS["sqlite"]
        print(f"  this alone caps the import at {cap:,.0f} rows/s (target {target:,}: {note})")
        db.execute("ROLLBACK")
    finally:
        db.close()


def main() -> None:
    rows = max(int(1_000_000 * _scale()), 1000)
    work = Path(tempfile.mkdtemp(prefix="pcrm-bench-ingest-floor-"))
    big = write_customers(work / "customers.csv", rows)
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        db.execute("DROP DATABASE IF EXISTS pcrm_bench_ingest_floor")
        db.execute("CREATE DATABASE pcrm_bench_ingest_floor")
    url = f"{SERVER}/pcrm_bench_ingest_floor"
    pg_env = _env(url, work / "pg-data")
    _prepare(pg_env, work)
    imported = _run([*PCRM, "import", "customers", str(big)], pg_env)[0]
    sqlite_file = work / "bench.sqlite3"
    sqlite_env = _env(f"sqlite:///{sqlite_file}", work / "sqlite-data")
    _prepare(sqlite_env, work)
    _run([*PCRM, "import", "customers", str(big)], sqlite_env)
    cores = os.cpu_count() or 1
    budget = cores * 1e6 / TARGETS["pg"]
    print(
        f"{rows:,} customers; the import itself took {imported:.1f} s "
        f"({rows / imported:,.0f} rows/s) into PostgreSQL; {cores} cores: "
        f"{TARGETS['pg']:,} rows/s leaves {budget:.0f} µs of CPU per row for everything"
    )
    os.environ.update(PCRM_DATABASE_URL=url, PCRM_DATA_DIR=str(work / "pg-data"))
    client = _client(big, rows)
    live, rebuilt, heap = _server(url, work / "customers.copy", rows)
    _sqlite(sqlite_file, rows)
    target = TARGETS["pg"]
    print(f"the most any import could reach here (target {target:,} rows/s):")
    print(f"  {'PostgreSQL alone, the table as it is':<46}{1e6 / live:>10,.0f} rows/s")
    print(f"  {'PostgreSQL alone, indexes built again after':<46}{1e6 / rebuilt:>10,.0f} rows/s")
    label, most = f"client primitives + bare heap, {cores} cores", cores * 1e6 / (client + heap)
    print(f"  {label:<46}{most:>10,.0f} rows/s (no index, no foreign key, no validation)")
    sys.stdout.flush()
