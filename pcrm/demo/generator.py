"""Generate the demo bank: organisation, products, then customers in chunks with their holdings,
transactions and contacts, written in bulk (see writer), then AUM and the marker row.

Deterministic: the same seed (and size, branches and day) gives the same bank. Every chunk
of customers draws from its own seeded streams, one per subdomain, so chunks do not depend
on each other and the first customers of a large bank are those of a small one.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from itertools import islice
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone

from pcrm.audit.services import audit_record
from pcrm.customers.models import Customer, Holding, Interaction, Transaction
from pcrm.customers.services import customer_aum_refresh
from pcrm.demo.generator_customers import CUSTOMER_COLUMNS, customer_draw
from pcrm.demo.generator_holdings import (
    HOLDING_COLUMNS,
    Catalogue,
    holding_rows,
    holdings_draw,
    products_ensure,
)
from pcrm.demo.generator_interactions import (
    INTERACTION_COLUMNS,
    interaction_rows,
    interactions_draw,
)
from pcrm.demo.generator_org import DemoBranch, DemoOrg, org_generate
from pcrm.demo.generator_people import pools
from pcrm.demo.generator_transactions import (
    TRANSACTION_COLUMNS,
    transaction_rows,
    transactions_draw,
)
from pcrm.demo.models import DemoBank
from pcrm.demo.streams import stream
from pcrm.demo.writer import (
    TableWriter,
    indexes_deferred,
    next_id,
    reset_sequences,
    tune_for_bulk,
)

T = TypeVar("T")
CHUNK = 2000  # customers per chunk: part of the seed's meaning, do not tune per run
# Primary keys are numbered per customer with room to spare (gaps are harmless), so every
# chunk is independent of the others and can be drawn in a separate process.
STRIDE = {"holding": 32, "transaction": 256, "interaction": 64}
PARALLEL_FROM = 20_000  # customers; below this, worker processes cost more than they save
Progress = Callable[[int], None]
Rows = dict[str, list[tuple[Any, ...]]]


@dataclass(frozen=True)
class _Plan:
    """Everything a chunk needs, picklable for a worker process."""

    seed: int
    first_no: int
    base: dict[str, int]
    branches: list[DemoBranch]
    catalogue: Catalogue
    today: dt.date
    now: dt.datetime


@dataclass
class _Writers:
    customers: TableWriter = field(default_factory=lambda: TableWriter(Customer, CUSTOMER_COLUMNS))
    holdings: TableWriter = field(default_factory=lambda: TableWriter(Holding, HOLDING_COLUMNS))
    transactions: TableWriter = field(
        default_factory=lambda: TableWriter(Transaction, TRANSACTION_COLUMNS)
    )
    interactions: TableWriter = field(
        default_factory=lambda: TableWriter(Interaction, INTERACTION_COLUMNS)
    )


def bank_generate(
    *,
    seed: int,
    customers: int,
    branches: int,
    today: dt.date | None = None,
    progress: Progress | None = None,
    workers: int | None = None,
) -> DemoBank:
    """Generate the whole demo bank into an empty database and return its marker row."""
    today = today or timezone.localdate()
    with transaction.atomic():
        org = org_generate(rng=stream(seed, "org"), branches=branches)
        catalogue = products_ensure()
    plan = _Plan(
        seed=seed,
        first_no=stream(seed, "numbers").randrange(10**7, 8 * 10**7),
        base={
            "customer": next_id(Customer),
            "holding": next_id(Holding),
            "transaction": next_id(Transaction),
            "interaction": next_id(Interaction),
        },
        branches=org.branches,
        catalogue=catalogue,
        today=today,
        now=timezone.now().astimezone(dt.UTC).replace(tzinfo=None, microsecond=0),
    )
    tune_for_bulk()
    writers = _Writers()
    tables = [Customer, Holding, Transaction, Interaction]
    deferred = indexes_deferred(tables) if customers >= PARALLEL_FROM else nullcontext()
    with deferred:
        for count, rows in _chunks(plan, customers, workers):
            with transaction.atomic():
                writers.customers.write(rows["c"])
                writers.holdings.write(rows["h"])
                writers.transactions.write(rows["t"])
                writers.interactions.write(rows["i"])
            if progress:
                progress(count)
    customer_aum_refresh()
    reset_sequences([Customer, Holding, Transaction, Interaction])
    return _mark(seed, customers, branches, today, org, writers)


def _chunks(plan: _Plan, customers: int, workers: int | None) -> Iterator[tuple[int, Rows]]:
    """(count, rows) per chunk in order, drawn here or by worker processes."""
    jobs = [(plan, start, min(CHUNK, customers - start)) for start in range(0, customers, CHUNK)]
    if workers is None:
        workers = min(2, os.cpu_count() or 1) if customers >= PARALLEL_FROM else 1
    if workers <= 1:
        for job in jobs:
            yield job[2], _draw_chunk(job)
        return
    # fork: the children inherit Django's set-up and never touch the database. At most two
    # chunks per worker wait to be written, so memory stays flat when writing is slower.
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        queue = iter(jobs)
        pending = deque(
            (job, pool.apply_async(_draw_chunk, (job,))) for job in islice(queue, 2 * workers)
        )
        while pending:
            job, result = pending.popleft()
            rows = result.get()
            following = next(queue, None)
            if following is not None:
                pending.append((following, pool.apply_async(_draw_chunk, (following,))))
            yield job[2], rows


def _mark(
    seed: int, customers: int, branches: int, today: dt.date, org: DemoOrg, writers: _Writers
) -> DemoBank:
    counts = {name: writer.written for name, writer in vars(writers).items()}
    counts.update(staff=len(org.staff), branches=len(org.branches) + 1)
    with transaction.atomic():
        marker = DemoBank.objects.create(
            seed=seed, customers=customers, branches=branches, as_of=today, counts=counts
        )
        audit_record(
            actor=None, action="demo.generate", target=marker, data={"seed": seed, **counts}
        )
    marker.write_seconds = {  # type: ignore[attr-defined]
        name: round(writer.seconds, 2) for name, writer in vars(writers).items()
    }
    return marker


def _draw_chunk(job: tuple[_Plan, int, int]) -> Rows:
    """Draw one chunk of customers with everything that hangs off them."""
    plan, start, count = job
    chunk, seed, today = start // CHUNK, plan.seed, plan.today
    rng_c, rng_h = stream(seed, "customers", chunk), stream(seed, "holdings", chunk)
    rng_t, rng_i = stream(seed, "transactions", chunk), stream(seed, "interactions", chunk)
    tag, people = f"{seed % 1000:03d}", pools(seed)
    rows: Rows = {"c": [], "h": [], "t": [], "i": []}
    for index in range(start, start + count):
        spec, row = customer_draw(
            rng_c,
            pk=plan.base["customer"] + index,
            index=index,
            customer_no=f"DC{plan.first_no + index:09d}",
            today=today,
            branches=plan.branches,
            p=people,
            now=plan.now,
        )
        rows["c"].append(row)
        held = holdings_draw(rng_h, spec, plan.catalogue, _pk(plan, "holding", index), today)
        rows["h"] += holding_rows(spec.pk, _fits(held.drafts, "holding"), tag)
        drawn = _fits(transactions_draw(rng_t, spec, held, today), "transaction")
        rows["t"] += transaction_rows(rng_t, spec.pk, drawn, _pk(plan, "transaction", index), tag)
        contacts = _fits(interactions_draw(rng_i, spec, today), "interaction")
        rows["i"] += interaction_rows(
            rng_i, spec, contacts, _pk(plan, "interaction", index), plan.now
        )
    return rows


def _pk(plan: _Plan, table: str, index: int) -> int:
    return plan.base[table] + index * STRIDE[table]


def _fits[T](items: list[T], table: str) -> list[T]:
    if len(items) > STRIDE[table]:
        raise RuntimeError(f"demo generator drew {len(items)} {table} rows for one customer")
    return items
