"""Demo bank generation speed (issue 2: `pcrm demo --customers 1000000` in minutes).

Generates a demo bank of PCRM_BENCH_DEMO_CUSTOMERS customers (default 100,000, scaled by
PCRM_BENCH_SCALE) into a fresh database (a temporary SQLite file, or
PCRM_BENCH_DATABASE_URL, e.g. a PostgreSQL database that may be emptied) and prints
customers/s and rows/s per table; then compares the bulk writer with Django's
bulk_create and with one save() per row on the same transaction rows.

Runs in a child process so that its database settings do not leak into other benchmarks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def main() -> None:
    scale = float(os.environ.get("PCRM_BENCH_SCALE", "1"))
    customers = int(int(os.environ.get("PCRM_BENCH_DEMO_CUSTOMERS", "100000")) * scale)
    with tempfile.TemporaryDirectory(prefix="pcrm-bench-demo-") as tmp:
        env = {**os.environ, "PCRM_DATA_DIR": tmp, "DJANGO_SETTINGS_MODULE": "pcrm.settings"}
        env.pop("PCRM_DATABASE_URL", None)
        if os.environ.get("PCRM_BENCH_DATABASE_URL"):
            # A server database outlives this run: keep the caller's keys (PCRM_DATA_DIR).
            env["PCRM_DATABASE_URL"] = os.environ["PCRM_BENCH_DATABASE_URL"]
            env["PCRM_DATA_DIR"] = os.environ.get("PCRM_DATA_DIR", tmp)
        root = Path(__file__).resolve().parent.parent
        subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), str(customers)],
            env=env,
            cwd=root,
            check=True,
        )


def _child(customers: int) -> None:
    import django

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from pcrm.demo.generator import bank_generate
    from pcrm.demo.reset import bank_reset

    call_command("migrate", verbosity=0)
    bank_reset()
    started = time.perf_counter()
    marker = bank_generate(seed=1, customers=customers, branches=2)
    seconds = time.perf_counter() - started
    vendor = connection.vendor
    print(f"database: {vendor}; customers: {customers:,}; workers: auto")
    print(f"generate: {seconds:.1f} s = {customers / seconds:,.0f} customers/s")
    rows = sum(v for k, v in marker.counts.items() if k in marker.write_seconds)
    print(f"rows: {rows:,} ({marker.counts}) = {rows / seconds:,.0f} rows/s overall")
    for table, spent in marker.write_seconds.items():
        count = marker.counts[table]
        rate = count / max(spent, 1e-9)
        print(f"  write {table:<13} {count:>11,} rows in {spent:6.1f} s = {rate:,.0f} rows/s")
    print(f"estimate for 1,000,000 customers: {1_000_000 / customers * seconds / 60:.1f} min")
    _compare_writers()


def _compare_writers(rows: int = 3000) -> None:
    """The bulk writer against bulk_create and save() per row, on the same transactions."""
    import datetime as dt
    from decimal import Decimal

    from django.db import transaction
    from django.utils import timezone

    from pcrm.customers.models import Customer, Transaction
    from pcrm.demo.generator_transactions import TRANSACTION_COLUMNS
    from pcrm.demo.writer import TableWriter, next_id, reset_sequences

    customer = Customer.objects.order_by("pk").first()
    assert customer is not None
    at = timezone.now() - dt.timedelta(days=400)

    def timed(label: str, write: object) -> float:
        start = next_id(Transaction)
        started = time.perf_counter()
        with transaction.atomic():
            write(start)  # type: ignore[operator]
        spent = time.perf_counter() - started
        print(f"  {label:<22} {rows / spent:>10,.0f} rows/s")
        return spent

    def bulk_writer(start: int) -> None:
        naive = at.replace(tzinfo=None)
        writer = TableWriter(Transaction, TRANSACTION_COLUMNS)
        writer.write(
            [
                (start + i, f"BW{start + i}", None, customer.pk, naive, "10.00", "", "", "")
                for i in range(rows)
            ]
        )
        reset_sequences([Transaction])  # the next two use the sequence (PostgreSQL)

    def objects(start: int) -> list[Transaction]:
        return [
            Transaction(
                txn_id=f"BX{start + i}", customer=customer, booked_at=at, amount=Decimal("10")
            )
            for i in range(rows)
        ]

    print(f"writers on {rows:,} transaction rows:")
    fast = timed("bulk writer", bulk_writer)
    bulk = timed(
        "bulk_create",
        lambda start: Transaction.objects.bulk_create(objects(start), batch_size=2000),
    )
    slow = timed("save() per row", lambda start: [t.save() for t in objects(start)])
    print(
        f"  ratios: bulk writer {bulk / fast:.1f}x bulk_create, {slow / fast:.1f}x save() per row"
    )


if __name__ == "__main__":
    _child(int(sys.argv[1]))
