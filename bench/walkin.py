"""Walk-in identification latency (issue 5 §3), PostgreSQL under uvicorn.

Figures:
- database lookup of a swipe (blind index → customer), in process: p50/p99;
- swipe → alert arriving on the manager's open SSE stream, one uvicorn worker,
  over N swipes (N = 1,000 × PCRM_BENCH_SCALE): p50/p99, and the HTTP round trip;
- the same with several uvicorn workers, streams spread over the workers, fan-out
  through PostgreSQL LISTEN/NOTIFY: p50/p99 over every delivery;
- for comparison, one worker on the embedded SQLite (in-process fan-out).

- a breakdown of each swipe from the API's Server-Timing header: token check,
  lookup, record (swipe, notice claim, audit), notify (publish), commit, the SMS and
  work-item follow-up (after the alert's commit, off the alert's path), and the
  alert's delivery from its commit to its arrival on the stream (server and client
  share the host's monotonic clock).

Targets: lookup p99 ≤ 1 ms; one worker p50 ≤ 10 ms, p99 ≤ 25 ms; workers p99 ≤ 50 ms.
Database: PCRM_BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/h_walkin);
the benchmark creates (and re-creates on its next run) the database ``<name>_bench``.
Streams: PCRM_BENCH_STREAMS over PCRM_BENCH_WORKERS workers, at least one on each.
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

from bench._harness import pct
from pcrm.acquisition.tests import live_server
from pcrm.acquisition.tests.sse_client import SseStream

SCALE = float(os.environ.get("PCRM_BENCH_SCALE", "1"))
SWIPES = max(50, int(1000 * SCALE))
WARMUP = 50
WORKERS = int(os.environ.get("PCRM_BENCH_WORKERS", "2"))
STREAMS = int(os.environ.get("PCRM_BENCH_STREAMS", "4"))
DATABASE_URL = os.environ.get(
    "PCRM_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_walkin"
)
BENCH_DB = DATABASE_URL.rsplit("/", 1)[-1].split("?")[0] + "_bench"
PHASES = ("auth", "lookup", "record", "notify", "commit", "follow_up")


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
    """Blind-index lookups in this process against the benchmark database.

    With debug off, as in production: the servers above run in debug mode only so that
    their Server-Timing header carries the commit's timestamp, and debug mode also logs
    every query."""
    os.environ.update(env)
    os.environ["PCRM_DEBUG"] = "0"
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


def lookup_server_time(cards: list[str]) -> tuple[list[float], list[float]]:
    """The lookup's time inside PostgreSQL (EXPLAIN ANALYZE), which a loaded client
    machine inflates less: (planning + execution of the plain query, planning +
    execution of the prepared statement customer_for_swipe runs)."""
    from django.db import connection

    from pcrm.acquisition.services.walkin import lookup_sql

    def explain(cursor: object, sql: str, params: list[object]) -> float:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)  # type: ignore[attr-defined]
        plan = cursor.fetchone()[0]  # type: ignore[attr-defined]
        plan = json.loads(plan) if isinstance(plan, str) else plan
        return float(plan[0].get("Planning Time", 0.0)) + float(plan[0]["Execution Time"])

    plain, prepared = [], []
    with connection.cursor() as cursor:
        sql, params = lookup_sql(card_no=cards[0])  # exactly what customer_for_swipe runs
        parts = sql.split("%s")
        numbered = "".join(f"{part}${n}" for n, part in enumerate(parts[:-1], 1)) + parts[-1]
        cursor.execute(f"PREPARE bench_lookup AS {numbered}")
        for card in cards:
            sql, params = lookup_sql(card_no=card)
            plain.append(explain(cursor, sql, params))
            marks = ", ".join(["%s"] * len(params))
            prepared.append(explain(cursor, f"EXECUTE bench_lookup({marks})", params))
        cursor.execute("DEALLOCATE bench_lookup")
    connection.close()
    return plain, prepared


def server_timing(header: str) -> tuple[dict[str, float], float | None]:
    """Phases (ms) and the commit's monotonic time from a Server-Timing header."""
    phases: dict[str, float] = {}
    committed = None
    for part in header.split(","):
        name, _sep, rest = part.strip().partition(";")
        if rest.startswith("dur="):
            phases[name] = float(rest[4:])
        elif rest.startswith("desc="):
            committed = float(rest[5:].strip('"'))
    return phases, committed


class Result:
    """Everything one run of swipes measured (ms)."""

    def __init__(self) -> None:
        self.deliveries: list[float] = []
        self.round_trips: list[float] = []
        self.phases: dict[str, list[float]] = {name: [] for name in PHASES}
        self.to_commit: list[float] = []
        self.commit_to_stream: list[float] = []
        self.workers: dict[str, int] = {}


def swipe_latency(
    server: live_server.LiveServer, cards: list[str], *, day: str, streams: int, workers: int = 1
) -> Result:
    """Post one swipe at a time; time until the alert reaches every open stream."""
    result = Result()
    arrivals: queue.Queue[tuple[str, float, int]] = queue.Queue()
    opened, result.workers = live_server.open_streams(server, streams, workers)
    for index, stream in enumerate(opened):
        Listener(stream, arrivals, index).start()
    time.sleep(0.5)  # let every worker's LISTEN connection settle
    host, port = server.url.removeprefix("http://").split(":")
    client = http.client.HTTPConnection(host, int(port), timeout=30)
    headers = {
        "Authorization": f"Bearer {server.seed['token']}",
        "Content-Type": "application/json",
    }
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
        trip = (time.perf_counter() - start) * 1000
        assert answer.status == 201, payload
        assert payload["notified"] == ["M1"], payload
        phases, committed = server_timing(answer.getheader("Server-Timing") or "")
        seen: set[int] = set()
        arrived_at: list[float] = []
        while len(seen) < len(opened):
            got_ticket, arrived, index = arrivals.get(timeout=10)
            if got_ticket != ticket:
                continue
            seen.add(index)
            arrived_at.append(arrived)
        if number < WARMUP:
            continue
        result.round_trips.append(trip)
        result.deliveries.extend((arrived - start) * 1000 for arrived in arrived_at)
        for name in PHASES:
            if name in phases:
                result.phases[name].append(phases[name])
        if committed is not None:
            result.to_commit.append((committed - start) * 1000)
            result.commit_to_stream.extend((a - committed) * 1000 for a in arrived_at)
    client.close()
    for stream in opened:
        stream.close()
    return result


def report(label: str, result: Result, target: str) -> None:
    row(f"{label}: swipe → SSE event", result.deliveries, target)
    row(f"{label}: swipe HTTP round trip", result.round_trips)
    names = {
        "auth": "token check (one indexed query)",
        "lookup": "lookup (blind index → customer + manager)",
        "record": "record (swipe, notice claim, audit)",
        "notify": "notify (publish the alert)",
        "commit": "commit (alert released)",
        "follow_up": "follow-up after the alert (SMS, item)",
    }
    for name in PHASES:
        if result.phases[name]:
            row(f"  server: {names[name]}", result.phases[name])
    if result.to_commit:
        row("  client send → commit (HTTP, middleware, above)", result.to_commit)
        row("  commit → event on the stream (SSE delivery)", result.commit_to_stream)


def main() -> None:
    total = SWIPES + WARMUP
    print(
        f"walk-in benchmark: {SWIPES} measured swipes (+{WARMUP} warm-up), {total} customers; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs",
        flush=True,
    )
    with tempfile.TemporaryDirectory() as tmp:
        env, seed = live_server.prepare(
            Path(tmp) / "pg", database_url=DATABASE_URL, db_name=BENCH_DB, customers=total
        )
        cards = seed["cards"]
        with live_server.uvicorn(env, seed=seed, workers=1) as server:
            result = swipe_latency(server, cards, day="2026-11-02", streams=1)
        report("PostgreSQL, 1 worker", result, "(target p50 ≤ 10, p99 ≤ 25)")
        with live_server.uvicorn(env, seed=seed, workers=WORKERS) as server:
            result = swipe_latency(
                server, cards, day="2026-11-03", streams=STREAMS, workers=WORKERS
            )
        spread = "+".join(str(n) for n in sorted(result.workers.values(), reverse=True))
        report(
            f"PostgreSQL, {WORKERS} workers, {STREAMS} streams ({spread} per worker)",
            result,
            "(target p99 ≤ 50)",
        )
        lookups = lookup_latency(env, cards)
        row("PostgreSQL: lookup, client side (blind index → customer)", lookups, "(target p99 ≤ 1)")
        plain, prepared = lookup_server_time(cards)
        row("PostgreSQL: lookup, server time, prepared (as run)", prepared)
        row("PostgreSQL: lookup, server time, planned each time", plain)
    with tempfile.TemporaryDirectory() as tmp:
        env, seed = live_server.prepare(Path(tmp) / "lite", customers=total)
        with live_server.uvicorn(env, seed=seed, workers=1) as server:
            result = swipe_latency(server, seed["cards"], day="2026-11-02", streams=1)
        report("SQLite, 1 worker (in-process)", result, "")
    print(
        f"load average at the end {os.getloadavg()[0]:.2f}: figures on a loaded machine are "
        "inflated; re-measure on a quiet one",
        flush=True,
    )
