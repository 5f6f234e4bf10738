"""Working the list (issue 4, workbench): page times stay flat as the queue grows.

Figures, on the embedded SQLite in a throw-away data directory (or
PCRM_BENCH_DATABASE_URL), with 20 managers, C = 20,000 × PCRM_BENCH_SCALE customers and
5 open or closed work items per customer:
- "my work list" page (50 rows) through the Django test client: p50/p99 and the query
  count, for a manager with 50 and with C/4 items due;
- the branch head's statistics (one aggregate query) against a naive loop of five
  count queries per member, same data: ratio;
- completing an item (service: lock, interaction, audit): items per second.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from typing import Any

from bench._harness import pct, setup_django

SCALE = float(os.environ.get("PCRM_BENCH_SCALE", "1"))
CUSTOMERS = max(1000, int(20_000 * SCALE))
MANAGERS = 20
RUNS = 30


def _data() -> dict[str, Any]:
    from pcrm.customers.models import Customer
    from pcrm.org.models import Branch, Staff
    from pcrm.worklist.models import WorkItem

    branch = Branch.objects.create(code="BENCH", name="基准支行")
    head = Staff.objects.create(staff_code="BH", name="主任", role="branch_head", branch=branch)
    managers = Staff.objects.bulk_create(
        Staff(staff_code=f"BM{i:02d}", name=f"经理{i}", role="customer_manager", branch=branch)
        for i in range(MANAGERS)
    )
    light = Staff.objects.create(
        staff_code="BL", name="新经理", role="customer_manager", branch=branch
    )
    customers = Customer.objects.bulk_create(
        (
            Customer(
                customer_no=f"BC{i:08d}",
                name="张伟",
                branch=branch,
                manager=managers[i % MANAGERS],
            )
            for i in range(CUSTOMERS)
        ),
        batch_size=2000,
    )
    from django.utils import timezone

    today = timezone.localdate()
    statuses = ["open", "open", "deferred", "done", "skipped"]

    def items(customer: Customer, staff: Any, n: int) -> list[WorkItem]:
        return [
            WorkItem(
                item_key=f"maintenance:{customer.customer_no}:b{k}",
                customer=customer,
                staff=staff,
                branch=branch,
                kind="maintenance",
                subject=f"b{k}",
                due_on=today + dt.timedelta(days=(k % 5) - 3),
                channel="phone",
                content="care",
                priority=1 + k % 5,
                reason="基准数据",
                status=statuses[k % 5],
            )
            for k in range(n)
        ]

    rows = [item for c in customers for item in items(c, c.manager, 5)]
    own = Customer.objects.bulk_create(
        Customer(customer_no=f"BL{i:08d}", name="李娜", branch=branch, manager=light)
        for i in range(10)
    )
    rows += [item for c in own for item in items(c, light, 5)]
    WorkItem.objects.bulk_create(rows, batch_size=5000)
    return {"head": head, "heavy": managers[0], "light": light, "items": len(rows)}


def _page_times(user: Any, url: str) -> tuple[list[float], int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(user)
    client.get(url)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        times.append((time.perf_counter() - start) * 1000)
    return times, len(queries)


def _naive_stats(head: Any, today: dt.date, start: dt.date) -> list[tuple[int, ...]]:
    from pcrm.worklist.models import WorkItem
    from pcrm.worklist.selectors import OPEN_STATUSES, worklist_staff_for_branch

    out = []
    for staff in worklist_staff_for_branch(user=head):
        mine = WorkItem.objects.filter(staff=staff)
        is_open = mine.filter(status__in=OPEN_STATUSES)
        period = mine.filter(due_on__gte=start, due_on__lte=today)
        out.append(
            (
                is_open.count(),
                is_open.filter(due_on=today).count(),
                is_open.filter(due_on__lt=today).count(),
                period.count(),
                period.filter(status="done").count(),
            )
        )
    return out


def _timed(fn: Any, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def _complete_rate(user: Any) -> float:
    from pcrm.worklist.models import WorkItem
    from pcrm.worklist.services import work_item_complete

    todo = list(WorkItem.objects.filter(staff=user, status="open")[:200])
    start = time.perf_counter()
    for item in todo:
        work_item_complete(actor=user, item=item, outcome="reached")
    return len(todo) / (time.perf_counter() - start)


def main() -> None:
    setup_django("worklist")
    from django.conf import settings
    from django.utils import timezone

    from pcrm.worklist.selectors import worklist_stats_for_branch

    settings.ALLOWED_HOSTS = ["*"]
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "SecondFactor" not in m]
    t0 = time.perf_counter()
    data = _data()
    print(
        f"data: {CUSTOMERS:,} customers, {data['items']:,} work items "
        f"({time.perf_counter() - t0:.1f} s to load)",
        flush=True,
    )
    for label, user in (("50 items", data["light"]), ("heavy book", data["heavy"])):
        times, queries = _page_times(user, "/worklist/")
        print(
            f"my work list page, {label:<10} p50={pct(times, 50):7.1f} ms  "
            f"p99={pct(times, 99):7.1f} ms  queries={queries}",
            flush=True,
        )
    today = timezone.localdate()
    start = today - dt.timedelta(days=29)
    head = data["head"]
    rows = worklist_stats_for_branch(user=head, start=start, end=today)
    counts = [(r.open, r.due_today, r.overdue, r.due_in_period, r.done_in_period) for r in rows]
    assert counts == _naive_stats(head, today, start), "aggregate and naive counts differ"
    fast = _timed(lambda: worklist_stats_for_branch(user=head, start=start, end=today))
    slow = _timed(lambda: _naive_stats(head, today, start))
    print(
        f"branch stats ({MANAGERS + 2} staff): aggregate {fast:7.1f} ms, "
        f"naive per-member counts {slow:7.1f} ms, ratio {slow / fast:5.1f}×",
        flush=True,
    )
    times, queries = _page_times(head, "/worklist/branch/")
    print(
        f"branch page p50={pct(times, 50):7.1f} ms  p99={pct(times, 99):7.1f} ms  "
        f"queries={queries}",
        flush=True,
    )
    print(f"complete an item (service): {_complete_rate(data['heavy']):7.1f} items/s", flush=True)
