"""Engine parity: DuckDB and Spark produce identical segments and work items."""

from __future__ import annotations

import datetime as dt
import random

import pyarrow as pa
import pytest

from pcrm.playbook.policy import policy_active
from pcrm.playbook.services import _read_inputs, playbook_compute
from pcrm.playbook.tests.conftest import D

DAY = dt.timedelta(days=1)
PREFS = ["", "do_not_disturb", "frequent", "moderate"]
ORIENTATIONS = ["", "relationship", "value", "service"]
TYPES = ["demand_deposit", "time_deposit", "wealth", "fund", "gold", "bond", "loan"]


def varied_bank(bank, n: int = 40) -> None:
    rng = random.Random(7)
    heads_only = bank.customer(manager=None, service_established=False)
    bank.holding(heads_only, principal="100000", value="80000")
    for i in range(n):
        c = bank.customer(
            potential=rng.choice([None, 10, 59, 60, 90]),
            orientation=rng.choice(ORIENTATIONS), contact_preference=rng.choice(PREFS),
            marketing_consent=rng.random() > 0.3, service_established=rng.random() > 0.3,
            red_list=rng.random() > 0.8, lunar_birthday=rng.random() > 0.5,
            birth_date=dt.date(1950 + i, 1, 1) + rng.randrange(365) * DAY,
            risk_assessed_on=rng.choice([None, D - 400 * DAY, D - 10 * DAY]),
        )  # fmt: skip
        for _ in range(rng.randrange(4)):
            principal = rng.choice([50000, 100000, 600000, 1200000, 7000000])
            bank.holding(
                c, product_type=rng.choice(TYPES), risk=rng.choice(["R1", "R2", "R4"]),
                principal=str(principal),
                value=str(int(principal * rng.choice([0.85, 0.9, 1, 1.2]))),
                matures_on=rng.choice([None, D + rng.randrange(10) * DAY]),
            )  # fmt: skip
        if rng.random() > 0.5:
            bank.txn(c, D - rng.randrange(1, 5) * DAY, str(rng.choice([-90000, 20000, 60000])))
        if rng.random() > 0.3:
            bank.reached(c, D - rng.randrange(1, 120) * DAY)


def _sorted(table: pa.Table, key: str) -> list[dict[str, object]]:
    return sorted(table.to_pylist(), key=lambda row: row[key])  # type: ignore[arg-type,return-value]


@pytest.mark.spark
@pytest.mark.slow
def test_duckdb_and_spark_agree(bank):
    pytest.importorskip("pyspark")
    varied_bank(bank)
    policy = policy_active()
    tables = _read_inputs(policy.document, D)
    duck = playbook_compute(as_of=D, engine="duckdb", document=policy.document, tables=tables)
    spark = playbook_compute(as_of=D, engine="spark", document=policy.document, tables=tables)
    duck_items, spark_items = _sorted(duck[1], "item_key"), _sorted(spark[1], "item_key")
    assert len(duck_items) > 40
    assert {row["kind"] for row in duck_items} >= {"maintenance", "stop_loss", "maturity_reminder"}
    assert duck_items == spark_items
    assert _sorted(duck[0], "customer_id") == _sorted(spark[0], "customer_id")
