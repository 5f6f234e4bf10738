"""Walk-in identification latency (issue 5 §3), PostgreSQL under uvicorn.

Figures:
- database lookup of a swipe (blind index → customer), in process: p50/p99;
- swipe → alert arriving on the manager's open SSE stream, one uvicorn worker,
  over N swipes (N = 1,000 × PCRM_BENCH_SCALE): p50/p99, and the HTTP round trip;
- the same with several uvicorn workers, streams spread over the workers, fan-out
  through PostgreSQL LISTEN/NOTIFY: p50/p99 over every delivery;
- for comparison, one worker on the embedded SQLite (in-process fan-out).

Targets: lookup p99 ≤ 1 ms; one worker p50 ≤ 10 ms, p99 ≤ 25 ms; workers p99 ≤ 50 ms.
Database: PCRM_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/h_acq);
the benchmark creates and drops its own database ``h_acq_bench``.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import tempfile
import threading
import time
from pathlib import Path

from pcrm.acquisition.tests import live_server
from pcrm.acquisition.tests.sse_client import SseStream

SCALE = float(os.environ.get("PCRM_BENCH_SCALE", "1"))
SWIPES = max(50, int(1000 * SCALE))
WARMUP = 50
WORKERS = int(os.environ.get("PCRM_BENCH_WORKERS", "2"))
STREAMS = int(os.environ.get("PCRM_BENCH_STREAMS", "4"))
DATABASE_URL = os.environ.get("PCRM_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_acq")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def row(label: str, values: list[float], target: str = "") -> None:
    print(
        f"{label:<48} n={len(values):>5}  p50={pct(values, 50):7.2f} ms  "
        f"p99={pct(values, 99):7.2f} ms  max={max(values):7.2f} ms  {target}",
        flush=True,
    )


class Listener(threading.Thread):
    """Reads one SSE stream; puts (ticket, arrival perf_counter) for each alert."""

    def __init__(
        self, stream: SseStream, out: queue.Queue[tuple[str, float, int]], index: int
    ) -> None:
        super().__init__(daemon=True)
        self.stream, self.out, self.index = stream, out, index

    def run(self) -> None:
        try:
            while True:
                _name, data, arrived = self.stream.next_event(timeout=3600)
                self.out.put((data["event"]["ticket_no"], arrived, self.index))
        except (OSError, ConnectionError):
            return


def lookup_latency(env: dict[str, str], cards: list[str]) -> list[float]:
    """Blind-index lookups in this process against the benchmark database."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from pcrm.acquisition.services.walkin import customer_for_swipe

    connection.ensure_connection()
    for card in cards[:WARMUP]:
        customer_for_swipe(card_no=card)
    times = []
    for card in cards:
        start = time.perf_counter()
        found = customer_for_swipe(card_no=card)
        times.append((time.perf_counter() - start) * 1000)
        assert found is not None
    return times


def lookup_server_time(cards: list[str]) -> list[float]:
    """The same lookup's execution time inside PostgreSQL (EXPLAIN ANALYZE), which a
    loaded client machine does not inflate."""
    from django.db import connection

    from pcrm.acquisition.services.walkin import (
        CARD_PRODUCT_TYPES,
        LOOKUP_COLUMNS,
        MANAGER_COLUMNS,
    )
    from pcrm.customers.models import Customer
    from pcrm.customers.pii import account_index

    times = []
    for card in cards:
        qs = (
            # The query customer_for_swipe runs: same columns, filters and order.
            Customer.objects.select_related("manager")
            .only(*LOOKUP_COLUMNS, *MANAGER_COLUMNS)
            .filter(
                holdings__account_no_index=account_index(card),
                holdings__product__product_type__in=CARD_PRODUCT_TYPES,
            )
            .order_by("pk")[:1]
        )
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
            plan = cursor.fetchone()[0]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        times.append(float(plan[0]["Planning Time"]) + float(plan[0]["Execution Time"]))
    connection.close()
    return times


def swipe_latency(
    server: live_server.LiveServer, cards: list[str], *, day: str, streams: int
) -> tuple[list[float], list[float], set[str]]:
    """Post one swipe at a time; time until the alert reaches every open stream."""
    arrivals: queue.Queue[tuple[str, float, int]] = queue.Queue()
    opened, workers = [], set()
    for index in range(streams):
        stream = SseStream(server.url, "/notify/stream/", session=server.seed["session"])
        workers.add(stream.preamble().rsplit(" ", 1)[-1])
        opened.append(stream)
        Listener(stream, arrivals, index).start()
    time.sleep(0.5)  # let every worker's LISTEN connection settle
    host, port = server.url.removeprefix("http://").split(":")
    client = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {
        "Authorization": f"Bearer {server.seed['token']}",
        "Content-Type": "application/json",
    }
    deliveries, round_trips = [], []
    for number, card in enumerate(cards):
        ticket = f"{day[-2:]}{number:05d}"
        body = json.dumps(
            {
                "branch_code": "B1",
                "card_no": card,
                "ticket_no": ticket,
                "swiped_at": f"{day}T09:00:00",
            }
        )
        start = time.perf_counter()
        client.request("POST", "/api/v1/queue/swipes", body=body, headers=headers)
        answer = client.getresponse()
        payload = json.loads(answer.read())
        round_trips.append((time.perf_counter() - start) * 1000)
        assert answer.status == 201, payload
        assert payload["notified"] == ["M1"], payload
        seen: set[int] = set()
        while len(seen) < streams:
            got_ticket, arrived, index = arrivals.get(timeout=10)
            if got_ticket != ticket:
                continue
            seen.add(index)
            if number >= WARMUP:
                deliveries.append((arrived - start) * 1000)
    if len(cards) > WARMUP:
        round_trips = round_trips[WARMUP:]
    client.close()
    for stream in opened:
        stream.close()
    return deliveries, round_trips, workers


def main() -> None:
    total = SWIPES + WARMUP
    print(
        f"walk-in benchmark: {SWIPES} measured swipes (+{WARMUP} warm-up), {total} customers; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        env, seed = live_server.prepare(
            Path(tmp) / "pg", database_url=DATABASE_URL, db_name="h_acq_bench", customers=total
        )
        cards = seed["cards"]
        with live_server.uvicorn(env, seed=seed, workers=1) as server:
            deliveries, trips, _w = swipe_latency(server, cards, day="2026-11-02", streams=1)
        row("PostgreSQL, 1 worker: swipe → SSE event", deliveries, "(target p50 ≤ 10, p99 ≤ 25)")
        row("PostgreSQL, 1 worker: swipe HTTP round trip", trips)
        with live_server.uvicorn(env, seed=seed, workers=WORKERS) as server:
            deliveries, trips, workers = swipe_latency(
                server, cards, day="2026-11-03", streams=STREAMS
            )
        row(
            f"PostgreSQL, {WORKERS} workers ({len(workers)} with streams), {STREAMS} streams",
            deliveries,
            "(target p99 ≤ 50)",
        )
        row(f"PostgreSQL, {WORKERS} workers: swipe HTTP round trip", trips)
        lookups = lookup_latency(env, cards)
        row("PostgreSQL: lookup, client side (blind index → customer)", lookups, "(target p99 ≤ 1)")
        row("PostgreSQL: lookup, server plan + execution time", lookup_server_time(cards))
    with tempfile.TemporaryDirectory() as tmp:
        env, seed = live_server.prepare(Path(tmp) / "lite", customers=total)
        with live_server.uvicorn(env, seed=seed, workers=1) as server:
            deliveries, trips, _w = swipe_latency(
                server, seed["cards"], day="2026-11-02", streams=1
            )
        row("SQLite, 1 worker: swipe → SSE event (in-process)", deliveries)
        row("SQLite, 1 worker: swipe HTTP round trip", trips)
