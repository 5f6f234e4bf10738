"""Dashboards (issue 10): the nightly snapshot at scale, and the page that reads it.

Figures, on PostgreSQL (database ``pcrm_bench_dashboard``, recreated; server from
PCRM_BENCH_PG, default postgres://postgres@127.0.0.1:5432), with
C = 1,000,000 × PCRM_BENCH_SCALE customers in C/10,000 branches (at least 2) of ten
managers each, every customer segmented, with 2 holdings and a contact in the last
year; every fifth with a work item:
- ``snapshot_take`` for one day: seconds and customers per second (the customer
  figures' single GROUP BY reported apart);
- the snapshot copied to the 29 days before (a 30-day trend), then the branch
  dashboard and the bank view through the Django test client: p50/p99 render time
  and query count (target ≤ 1 s), after one warm-up request to another page.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from typing import Any

from bench._harness import pct

SCALE = float(os.environ.get("PCRM_BENCH_SCALE", "1"))
CUSTOMERS = max(2000, int(1_000_000 * SCALE))
BRANCHES = max(2, CUSTOMERS // 10_000)
MANAGERS_PER_BRANCH = 10
RUNS = 15
DAY = dt.date(2026, 11, 28)
DB_NAME = "pcrm_bench_dashboard"


def _recreate_database(server: str) -> None:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def _setup_django() -> None:
    server = os.environ.get("PCRM_BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    _recreate_database(server)
    os.environ["PCRM_DATABASE_URL"] = f"{server}/{DB_NAME}"
    os.environ.setdefault("PCRM_DATA_DIR", tempfile.mkdtemp(prefix="pcrm-bench-dashboard-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcrm.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def _org() -> tuple[list[int], list[int], Any]:
    from pcrm.org.models import Branch, Staff

    branches = Branch.objects.bulk_create(
        Branch(code=f"D{b:04d}", name=f"基准支行{b}") for b in range(BRANCHES)
    )
    managers = Staff.objects.bulk_create(
        Staff(
            staff_code=f"DM{m:05d}",
            name=f"经理{m}",
            role="customer_manager",
            branch=branches[m % BRANCHES],
        )
        for m in range(BRANCHES * MANAGERS_PER_BRANCH)
    )
    head = Staff.objects.create(
        staff_code="DH", name="主任", role="branch_head", branch=branches[0]
    )
    return [b.pk for b in branches], [m.pk for m in managers], head


def _customers(branch_ids: list[int], manager_ids: list[int]) -> None:
    """Customers copied from one template row with generate_series (fast, set-based)."""
    from django.db import connection

    from pcrm.customers.models import Customer
    from pcrm.customers.pii import customer_derived

    template = Customer.objects.create(
        customer_no="TEMPLATE",
        name="张伟",
        branch_id=branch_ids[0],
        **customer_derived(name="张伟", phone="13900000000", id_no="", email="", address=""),
    )
    computed = {
        "customer_no": "'BD' || lpad(g::text, 8, '0')",
        "branch_id": f"(ARRAY{branch_ids})[1 + mod(mod(g, {len(manager_ids)}), {len(branch_ids)})]",
        "manager_id": f"(ARRAY{manager_ids})[1 + mod(g, {len(manager_ids)})]",
        "aum": "mod(g::bigint * 7919, 3000) * 1000.0",
    }
    columns = [f.column for f in Customer._meta.concrete_fields if f.column != "id"]
    select = ", ".join(computed.get(c, f"t.{c}") for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO customers_customer ({', '.join(columns)}) "  # noqa: S608
            f"SELECT {select} FROM customers_customer t, generate_series(1, %s) g "
            "WHERE t.id = %s",
            [CUSTOMERS, template.pk],
        )
        cursor.execute("DELETE FROM customers_customer WHERE id = %s", [template.pk])


def _the_rest() -> None:
    """Segments, products, holdings, contacts and work items, all INSERT … SELECT."""
    from django.db import connection

    day = DAY.isoformat()
    statements = [
        "INSERT INTO customers_product (code, name, product_type, risk_level) VALUES "
        "('DW', '理财', 'wealth', 'R2'), ('DT', '定期', 'time_deposit', 'R1'), "
        "('DF', '基金', 'fund', 'R3')",
        "INSERT INTO playbook_customersegment (customer_id, as_of, aum, potential, "
        "potential_estimated, quadrant, tier, interval_days, last_reached_on, explanation, "
        "policy_version) SELECT id, %(day)s, aum, 50, true, "
        "(ARRAY['core','lift','keep','basic'])[1 + mod(id, 4)], "
        "CASE WHEN aum >= 1000000 THEN 'platinum' WHEN aum >= 100000 THEN 'gold' ELSE '' END, "
        "30, %(day)s::date - mod(id, 60)::int, '{}', 1 FROM customers_customer",
        "INSERT INTO customers_holding (account_no, account_no_index, account_no_masked, "
        "customer_id, product_id, principal, market_value, opened_on, status) "
        "SELECT 'x', 'h' || c.id || '-' || p.code, '622202******0000', c.id, p.id, "
        "c.aum / 2, c.aum / 2, %(day)s::date - mod(c.id, 3000)::int, 'active' "
        "FROM customers_customer c JOIN customers_product p "
        "ON p.code IN ('DW', CASE WHEN mod(c.id, 2) = 0 THEN 'DT' ELSE 'DF' END)",
        "INSERT INTO customers_interaction (customer_id, staff_id, occurred_at, channel, "
        "method, purpose, outcome, notes, work_item_key, created_at) "
        "SELECT id, manager_id, %(day)s::timestamptz - (mod(id, 300) || ' days')::interval, "
        "'phone', '', '', CASE WHEN mod(id, 3) = 0 THEN 'not_reached' ELSE 'reached' END, '', '', "
        "now() FROM customers_customer",
        "INSERT INTO worklist_workitem (item_key, customer_id, staff_id, branch_id, kind, "
        "subject, due_on, channel, content, priority, reason, status, created_for, created_at, "
        "outcome, note) SELECT 'maintenance:' || id, id, manager_id, branch_id, 'maintenance', "
        "'', %(day)s::date - mod(id, 7)::int, 'phone', 'care', 3, '维护', "
        "CASE WHEN mod(id, 2) = 0 THEN 'done' ELSE 'open' END, %(day)s::date - mod(id, 7)::int, "
        "now(), '', '' FROM customers_customer WHERE mod(id, 5) = 0",
    ]
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, {"day": day})
        cursor.execute("ANALYZE")


def _copy_history() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO playbook_dailysnapshot (as_of, branch_id, staff_id, metric, dimension, "
            "value) SELECT as_of - n, branch_id, staff_id, metric, dimension, value "
            "FROM playbook_dailysnapshot, generate_series(1, 29) n WHERE as_of = %s",
            [DAY],
        )
        cursor.execute("ANALYZE playbook_dailysnapshot")


def _render(client: Any, url: str) -> tuple[list[float], int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    queries = 0
    for _ in range(RUNS):
        start = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.status_code
        queries = len(captured.captured_queries)
    return times, queries


def main() -> None:
    _setup_django()
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client
    from django.test.utils import setup_test_environment

    from pcrm.org.models import Staff
    from pcrm.playbook.snapshots import snapshot_take

    setup_test_environment()
    started = time.perf_counter()
    branch_ids, manager_ids, head = _org()
    _customers(branch_ids, manager_ids)
    _the_rest()
    print(
        f"customers {CUSTOMERS:,} in {BRANCHES} branches, {len(manager_ids)} managers; "
        f"data built in {time.perf_counter() - started:.1f} s"
    )
    summary = snapshot_take(actor=None, as_of=DAY)
    print(
        f"snapshot_take: {summary['seconds']:.2f} s ({summary['rows']:,} rows; customer "
        f"figures {summary['customer_seconds']:.2f} s), "
        f"{CUSTOMERS / summary['seconds']:,.0f} customers/s"
    )
    _copy_history()
    TOTP.activate(head, generate_totp_secret())
    auditor = Staff.objects.create(staff_code="DA", name="审计", role="auditor")
    client = Client()
    client.force_login(head)
    # The first request of a process imports every app's views (any page pays it once).
    warm = time.perf_counter()
    client.get("/")
    print(f"first request of the process (warm-up, any page): {time.perf_counter() - warm:.1f} s")
    window = f"?start={DAY - dt.timedelta(days=29)}&end={DAY}"
    branch, branch_queries = _render(client, f"/reports/branch/D0000/{window}")
    client.force_login(auditor)
    bank, bank_queries = _render(client, f"/reports/bank/{window}")
    for label, times, queries in (
        ("branch dashboard", branch, branch_queries),
        ("bank view", bank, bank_queries),
    ):
        print(
            f"{label} (30 days): p50 {pct(times, 50) * 1000:.0f} ms, "
            f"p99 {pct(times, 99) * 1000:.0f} ms, {queries} queries "
            f"(target ≤ 1000 ms: {'met' if pct(times, 50) <= 1 else 'NOT met'})"
        )
