"""Complaints (issue 7): the nightly regulatory-clock run and the case list as cases grow.

Figures, on the embedded SQLite in a throw-away data directory (or
PCRM_BENCH_DATABASE_URL), with N = 5,000 × PCRM_BENCH_SCALE open complaint cases
in one branch, received over the last 20 days, one in three with a clock pause:
- the nightly run (``clock_alerts_raise``): cases checked per second on the first
  run (raising items) and on the idempotent re-run (nothing new);
- deadlines for every open case with pauses prefetched (what the run does) against
  a naive per-case pause query: ratio;
- the case list page (25 rows) through the test client: p50 and query count.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from bench._harness import setup_django

SCALE = float(os.environ.get("PCRM_BENCH_SCALE", "1"))
CASES = max(500, int(5_000 * SCALE))
RUNS = 20


def _data() -> dict[str, Any]:
    from django.utils import timezone

    from pcrm.complaints.models import ClockPause, ComplaintCase
    from pcrm.customers.models import Customer
    from pcrm.org.models import Branch, Staff

    branch = Branch.objects.create(code="BENCH", name="基准支行")
    head = Staff.objects.create(staff_code="BH", name="主任", role="branch_head", branch=branch)
    lobby = Staff.objects.create(staff_code="BL", name="大堂", role="lobby_manager", branch=branch)
    customers = Customer.objects.bulk_create(
        Customer(customer_no=f"BC{i:07d}", name="张伟", branch=branch) for i in range(CASES)
    )
    now = timezone.now()
    cases = ComplaintCase.objects.bulk_create(
        ComplaintCase(
            case_no=f"TSBENCH{i:07d}",
            branch=branch,
            customer=customer,
            channel="counter",
            category="fees",
            description="基准投诉",
            received_at=now - dt.timedelta(minutes=(i * 5759) % (20 * 24 * 60)),
            handler=lobby,
        )
        for i, customer in enumerate(customers)
    )
    ClockPause.objects.bulk_create(
        ClockPause(
            case=case,
            started_at=case.received_at + dt.timedelta(hours=1),
            ended_at=case.received_at + dt.timedelta(hours=30),
            reason="等待鉴定",
            started_by=lobby,
        )
        for case in cases[::3]
    )
    return {"head": head, "lobby": lobby}


def _deadlines(prefetch: bool) -> float:
    from django.utils import timezone

    from pcrm.complaints.models import ComplaintCase
    from pcrm.complaints.policy import current_policy
    from pcrm.complaints.services import complaint_due_at

    rules, now = current_policy(), timezone.now()
    qs = ComplaintCase.objects.filter(status="open")
    if prefetch:
        qs = qs.prefetch_related("pauses")
    start = time.perf_counter()
    for case in qs:
        complaint_due_at(case, rules=rules, now=now)
    return time.perf_counter() - start


def _list_page(user: Any) -> tuple[float, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get("/complaints/")
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            client.get("/complaints/")
        times.append((time.perf_counter() - start) * 1000)
    return sorted(times)[len(times) // 2], len(captured.captured_queries)


def main() -> None:
    setup_django("complaints")
    from django.conf import settings

    from pcrm.complaints.services import clock_alerts_raise

    settings.ALLOWED_HOSTS = ["*"]
    data = _data()
    print(f"data: {CASES:,} open complaint cases, {CASES // 3 + 1:,} with a pause", flush=True)
    start = time.perf_counter()
    first = clock_alerts_raise()
    first_s = time.perf_counter() - start
    start = time.perf_counter()
    again = clock_alerts_raise()
    again_s = time.perf_counter() - start
    print(
        f"nightly run: {first['checked'] / first_s:,.0f} cases/s "
        f"({first['due_soon']} due-soon + {first['overdue']} overdue alerts in {first_s:.2f} s); "
        f"re-run {again['checked'] / again_s:,.0f} cases/s, "
        f"{again['due_soon'] + again['overdue']} new",
        flush=True,
    )
    # Best of three each: the machine is shared, the minimum is the least disturbed.
    fast = min(_deadlines(prefetch=True) for _ in range(3))
    slow = min(_deadlines(prefetch=False) for _ in range(3))
    print(
        f"deadlines: prefetched {CASES / fast:,.0f} cases/s, per-case query "
        f"{CASES / slow:,.0f} cases/s, ratio {slow / fast:4.1f}×",
        flush=True,
    )
    p50, queries = _list_page(data["lobby"])
    print(f"case list page (25 rows): p50={p50:6.1f} ms, queries={queries}", flush=True)
