"""My book (issue 2, workbench): keyset pages stay flat however deep the manager pages.

Figures, on the embedded SQLite in a throw-away data directory (or
PCRM_BENCH_DATABASE_URL), with C = 20,000 × PCRM_BENCH_SCALE customers in one
manager's book (half of them segmented):
- the "my book" page (50 rows) through the Django test client: p50/p99 and the
  query count, on the first page and on the last page (keyset ``?after=``);
- the last page through the selector: keyset against COUNT + OFFSET (naive): ratio;
- customers listed per second on the page path.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal
from typing import Any

from bench._harness import pct, setup_django

SCALE = float(os.environ.get("PCRM_BENCH_SCALE", "1"))
CUSTOMERS = max(1000, int(20_000 * SCALE))
RUNS = 30
PAGE = 50


def _data() -> Any:
    from pcrm.customers.models import Customer
    from pcrm.customers.pii import customer_derived
    from pcrm.org.models import Branch, Staff
    from pcrm.playbook.models import CustomerSegment

    branch, _ = Branch.objects.get_or_create(code="BOOK", defaults={"name": "基准支行"})
    manager, _ = Staff.objects.get_or_create(
        staff_code="BOOKM", defaults={"name": "经理", "role": "customer_manager", "branch": branch}
    )
    derived = customer_derived(name="张伟", phone="13900000000")
    customers = Customer.objects.bulk_create(
        (
            Customer(
                customer_no=f"BK{i:08d}", name="张伟", branch=branch, manager=manager, **derived
            )
            for i in range(CUSTOMERS)
        ),
        batch_size=2000,
    )
    CustomerSegment.objects.bulk_create(
        (
            CustomerSegment(
                customer=c,
                as_of=dt.date(2026, 11, 28),
                aum=Decimal(100000),
                potential=50,
                quadrant="core",
                tier="gold",
                interval_days=30,
                policy_version=1,
            )
            for c in customers[::2]
        ),
        batch_size=2000,
    )
    return manager


def _time(client: Any, url: str) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200
    return times, len(queries.captured_queries)


def _offset_last_page(manager: Any) -> list[float]:
    from pcrm.customers.selectors import customer_list_for

    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        qs = customer_list_for(user=manager).select_related("segment").order_by("customer_no")
        total = qs.count()
        list(qs[max(0, total - PAGE) : total])
        times.append(time.perf_counter() - start)
    return times


def _keyset_last_page(manager: Any, after: str) -> list[float]:
    from pcrm.workbench.selectors import BookFilters, book_page_for

    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        book_page_for(user=manager, filters=BookFilters(), after=after, size=PAGE)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    setup_django("book")
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    manager = _data()
    client = Client()
    client.force_login(manager)
    first, first_queries = _time(client, "/book/")
    last_after = f"BK{CUSTOMERS - PAGE - 1:08d}"
    last, last_queries = _time(client, f"/book/?after={last_after}")
    naive = _offset_last_page(manager)
    keyset = _keyset_last_page(manager, last_after)
    print(f"customers in the book: {CUSTOMERS}, page size {PAGE}, runs {RUNS}")
    print(
        f"first page: p50 {pct(first, 50) * 1000:.1f} ms, p99 {pct(first, 99) * 1000:.1f} ms, "
        f"{first_queries} queries"
    )
    print(
        f"last page (keyset): p50 {pct(last, 50) * 1000:.1f} ms, "
        f"p99 {pct(last, 99) * 1000:.1f} ms, {last_queries} queries"
    )
    print(
        f"last page deep/first ratio: {pct(last, 50) / pct(first, 50):.2f} "
        f"(flat = about 1); rows/s on the page path: {PAGE / pct(last, 50):,.0f}"
    )
    print(
        f"last page, selector only: keyset p50 {pct(keyset, 50) * 1000:.1f} ms, "
        f"naive COUNT+OFFSET p50 {pct(naive, 50) * 1000:.1f} ms, "
        f"ratio naive/keyset {pct(naive, 50) / pct(keyset, 50):.1f}"
    )
