"""Churn scoring at scale (issue 8): 1,000,000 customers scored in ≤ 60 s on 2 cores.

No database: the customers, holdings, transactions and contact log are generated
synthetically as Arrow arrays (N = 1,000,000 × PCRM_BENCH_SCALE customers, 3 holdings,
6 transactions in the last 90 days and 4 contacts each) and registered in DuckDB, the same
way pcrm.retention.history hands the real tables over. Timed, separately and in total:
1. features: the signal SQL of pcrm.retention.features over those tables (as of today);
2. score: signals fired + the standardised logistic regression (loaded from joblib bytes)
   + per-feature contributions, vectorised;
3. reasons: the Chinese reasons with facts for the at-risk customers (score ≥ policy).
Not timed: generating the arrays, fitting the model (on 50,000 rows of an untimed first
pass, labelled by a noisy rules score; ~5% at risk), writing the scores to the database.

0. extraction (its own phase, before the above): the same N customers generated inside
   PostgreSQL (bench._playbook_data: 5 holdings, 1 transaction, 0.7 contacts per customer),
   then ``pcrm.retention.history.history_tables`` (ORM-built SQL, COPY → Arrow CSV reader)
   timed against the row-by-row baseline it replaced (ORM values_list → Python tuples →
   Arrow), on the same data; the ratio is printed. PostgreSQL: PCRM_BENCH_DATABASE_URL
   (default database ``h_value_bench`` on the local server, dropped and created here);
   skipped with a note when no server answers.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
import time
from typing import Any

import numpy as np

SCALE = float(os.environ.get("PCRM_BENCH_SCALE", "1"))
N = max(10_000, int(1_000_000 * SCALE))


def _url() -> str:
    return os.environ.get(
        "PCRM_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/h_value_bench"
    )


def _setup_django() -> None:
    os.environ["PCRM_DATABASE_URL"] = _url()
    # The benchmark drops and recreates its database; pooled connections would outlive it.
    os.environ["PCRM_DB_POOL"] = "0"
    os.environ.setdefault("PCRM_DEBUG", "0")
    os.environ.setdefault("PCRM_DATA_DIR", tempfile.mkdtemp(prefix="pcrm-bench-retention-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcrm.settings")
    import django

    django.setup()
    from django.utils import translation

    translation.activate("zh-hans")


def _tables(rng: np.random.Generator, today: dt.date) -> Any:
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    ids = np.arange(1, N + 1)
    aum = rng.lognormal(11.5, 1.2, N).round(2)
    con.register(
        "customers",
        pa.table({"id": ids, "aum": aum, "branch_id": ids % 200, "manager_id": ids % 5000}),
    )
    h_cust = np.repeat(ids, 3)
    kinds = np.array(["demand_deposit", "time_deposit", "wealth"])
    ptype = kinds[np.tile(np.arange(3), N)]
    matures = np.array(today, dtype="datetime64[D]") - rng.integers(-300, 120, 3 * N)
    closed = rng.random(3 * N) < 0.05
    con.register(
        "holdings",
        pa.table(
            {
                "id": np.arange(1, 3 * N + 1),
                "customer_id": h_cust,
                "ptype": ptype,
                "matures_on": pa.array(matures.astype("datetime64[D]"), pa.date32()),
                "status": np.where(closed, "closed", "active"),
                "last_txn": pa.array(matures.astype("datetime64[D]"), pa.date32()),
                "asset": np.ones(3 * N, dtype=bool),
            }
        ),
    )
    nt = 6 * N
    t_cust = rng.integers(1, N + 1, nt)
    banks = np.array(["", "", "", "他行（招商银行）", "水电费", "工资"])
    con.register(
        "txns",
        pa.table(
            {
                "customer_id": t_cust,
                "holding_id": t_cust * 3 - rng.integers(0, 3, nt),
                "day": pa.array(
                    np.array(today, dtype="datetime64[D]") - rng.integers(0, 90, nt), pa.date32()
                ),
                "amount": rng.normal(0, 30000, nt).round(2),
                "counterparty": banks[rng.integers(0, len(banks), nt)],
                "memo": np.full(nt, "转账"),
            }
        ),
    )
    nc = 4 * N
    outcomes = np.array(["reached", "reached", "not_reached", "declined"])
    purposes = np.array(["客户维护回访", "产品到期提醒", "投诉", "财富诊断"] + ["定期回访"] * 16)
    con.register(
        "contacts",
        pa.table(
            {
                "customer_id": rng.integers(1, N + 1, nc),
                "day": pa.array(
                    np.array(today, dtype="datetime64[D]") - rng.integers(0, 400, nc), pa.date32()
                ),
                "outcome": outcomes[rng.integers(0, 4, nc)],
                "purpose": purposes[rng.integers(0, len(purposes), nc)],
            }
        ),
    )
    con.register(
        "complaints",
        pa.table(
            {
                "customer_id": pa.array([], pa.int64()),
                "received": pa.array([], pa.date32()),
                "closed": pa.array([], pa.date32()),
            }
        ),
    )
    return con


def _model(rng: np.random.Generator, con: Any, today: dt.date) -> bytes:
    """A model fitted on 50,000 rows of an untimed first pass, labelled by the rules score."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    from pcrm.retention.features import frame_at
    from pcrm.retention.scoring import fired, matrix, rules_score
    from pcrm.retention.training import dumps

    f = frame_at(con, t=today, today=today)
    rows = rng.choice(len(f["id"]), size=min(50_000, len(f["id"])), replace=False)
    noisy = rules_score(fired(f))[rows] + rng.normal(0, 0.2, len(rows))
    x, y = matrix(f)[rows], (noisy > np.quantile(noisy, 0.95)).astype(int)
    pipe = Pipeline([("scale", StandardScaler()), ("model", LogisticRegression(max_iter=500))])
    return dumps(pipe.fit(x, y))


def _fresh_database() -> bool:
    """Drop, create and migrate the benchmark database; False when no server answers."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    parts = urlsplit(_url())
    name = parts.path.lstrip("/")
    try:
        with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        print(f"extraction: skipped, no PostgreSQL at {_url()} ({exc.__class__.__name__})")
        return False
    call_command("migrate", verbosity=0)
    return True


def _naive_tables(since: dt.date) -> dict[str, Any]:
    """The extraction this replaced: ORM rows → Python tuples → Arrow (the baseline)."""
    import pyarrow as pa
    from django.db.models import F, Max

    from pcrm.customers.choices import ASSET_PRODUCT_TYPES
    from pcrm.customers.models import Customer, Holding, Interaction, Transaction

    def table(rows: list[tuple[Any, ...]], names: list[str]) -> Any:
        cols: list[Any] = list(zip(*rows, strict=True)) if rows else [[] for _ in names]
        return pa.table({n: pa.array(c) for n, c in zip(names, cols, strict=True)})

    c = [
        (r[0], float(r[1] or 0), r[2], r[3])
        for r in Customer.objects.values_list("pk", "aum", "branch_id", "manager_id")
    ]
    h = [
        (*r[:5], r[5].date() if r[5] else None, r[2] in ASSET_PRODUCT_TYPES)
        for r in (
            Holding.objects.annotate(
                ptype=F("product__product_type"), last=Max("transactions__booked_at")
            ).values_list("pk", "customer_id", "ptype", "matures_on", "status", "last")
        )
    ]
    since_at = dt.datetime.combine(since, dt.time.min, tzinfo=dt.UTC)
    t = [
        (r[0], r[1], r[2].date(), float(r[3]), r[4], r[5])
        for r in Transaction.objects.filter(booked_at__gte=since_at).values_list(
            "customer_id", "holding_id", "booked_at", "amount", "counterparty", "memo"
        )
    ]
    i = [
        (r[0], r[1].date(), r[2], r[3])
        for r in Interaction.objects.values_list("customer_id", "occurred_at", "outcome", "purpose")
    ]
    return {
        "customers": table(c, ["id", "aum", "branch_id", "manager_id"]),
        "holdings": table(
            h, ["id", "customer_id", "ptype", "matures_on", "status", "last_txn", "asset"]
        ),
        "txns": table(t, ["customer_id", "holding_id", "day", "amount", "counterparty", "memo"]),
        "contacts": table(i, ["customer_id", "day", "outcome", "purpose"]),
    }


def _extraction() -> float | None:
    """Seconds to extract N customers' history (columnar); prints the baseline ratio."""
    from django.db import connection

    from bench._playbook_data import D, generate
    from pcrm.retention.history import history_tables

    if not _fresh_database():
        return None
    with connection.cursor() as cursor:
        sizes = generate(cursor, N)
        cursor.execute("VACUUM ANALYZE")
    since = dt.date.fromisoformat(D) - dt.timedelta(days=400)
    t0 = time.perf_counter()
    tables = history_tables(since=since)
    t1 = time.perf_counter()
    naive = _naive_tables(since)
    t2 = time.perf_counter()
    rows = sum(t.num_rows for t in tables.values())
    assert all(tables[k].num_rows == naive[k].num_rows for k in naive), "row counts differ"
    print(
        f"extraction data: {sizes['customers']:,} customers, {sizes['holdings']:,} holdings, "
        f"{sizes['transactions']:,} transactions, {sizes['interactions']:,} contacts"
    )
    print(
        f"extraction (COPY -> Arrow):    {t1 - t0:8.2f} s  {rows / (t1 - t0):>12,.0f} rows/s  "
        f"{N / (t1 - t0):>10,.0f} customers/s"
    )
    print(
        f"extraction baseline (ORM rows): {t2 - t1:7.2f} s  {rows / (t2 - t1):>12,.0f} rows/s  "
        f"ratio {(t2 - t1) / (t1 - t0):.1f}x"
    )
    return t1 - t0


def main() -> None:
    _setup_django()
    extract = _extraction()
    from pcrm.retention.features import frame_at
    from pcrm.retention.policy import section
    from pcrm.retention.scoring import fired, matrix, reasons_for
    from pcrm.retention.training import loads, predict

    rng, today = np.random.default_rng(8), dt.date(2026, 11, 29)
    con = _tables(rng, today)
    blob = _model(rng, con, today)
    print(f"customers: {N:,} (scale {SCALE}); cores: {os.cpu_count()}")
    t0 = time.perf_counter()
    f = frame_at(con, t=today, today=today)
    t1 = time.perf_counter()
    on = fired(f)
    scores, contributions = predict(loads(blob), matrix(f))
    t2 = time.perf_counter()
    risky = np.flatnonzero(scores >= section("win_back")["at_risk_score"])
    reasons = [reasons_for(f, on, int(i), contributions[i]) for i in risky]
    t3 = time.perf_counter()
    total = t3 - t0
    print(f"features (DuckDB signal SQL): {t1 - t0:8.2f} s  {N / (t1 - t0):>12,.0f} customers/s")
    print(f"score (signals+model+contrib): {t2 - t1:8.2f} s  {N / (t2 - t1):>12,.0f} customers/s")
    print(
        f"reasons for {len(risky):,} at risk:  {t3 - t2:8.2f} s  "
        f"{len(risky) / max(t3 - t2, 1e-9):>12,.0f} rows/s"
    )
    print(f"total: {total:.2f} s for {N:,} customers -> {N / total:,.0f} customers/s")
    per_million = total * 1_000_000 / N
    print(
        f"projected for 1,000,000: {per_million:.1f} s (budget 60 s, ratio {per_million / 60:.2f})"
    )
    if extract is not None:
        with_extract = (total + extract) * 1_000_000 / N
        print(f"projected for 1,000,000 with extraction: {with_extract:.1f} s (linear scaling)")
    assert len(reasons) == len(risky)
