"""Run the SQL rules on an engine: DuckDB (embedded, default) or Spark (local or a cluster).

The rules are written once in DuckDB SQL; for Spark each statement is transpiled with
sqlglot. Both engines take the same pyarrow tables and return the same two result tables.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from typing import Any

import pyarrow as pa
import sqlglot

SEGMENT_COLUMNS = (
    "customer_id, aum_c, potential, potential_estimated, quadrant, tier, tier_since, "
    "interval_days, last_reached_on, next_maintenance_on, below_floor_since, explanation"
)
ITEM_COLUMNS = (
    "item_key, customer_id, staff_id, branch_id, kind, subject, due_on, channel, content, "
    "priority, reason"
)
SEGMENTS_SQL = f"SELECT {SEGMENT_COLUMNS} FROM segment_out ORDER BY customer_id"  # noqa: S608
# Unordered: the write does not need an order, and sorting millions of keys costs a second.
ITEMS_SQL = f"SELECT {ITEM_COLUMNS} FROM items_out"  # noqa: S608


def compute_duckdb(
    tables: Mapping[str, pa.Table], statements: list[str]
) -> tuple[pa.Table, pa.Table]:
    """Run the rules in an in-memory DuckDB database."""
    import duckdb

    con = duckdb.connect(config={"threads": max(1, os.cpu_count() or 1)})
    con.execute("SET enable_progress_bar = false")  # runs are logged, not watched
    con.execute("SET preserve_insertion_order = false")
    try:
        for name, table in tables.items():
            con.register(name, table)
        for statement in statements:
            if _view_name(statement) in MATERIALIZED:  # reused by many rules: compute once
                statement = statement.replace("TEMP VIEW", "TEMP TABLE", 1)
            con.execute(statement)
        return con.sql(SEGMENTS_SQL).to_arrow_table(), con.sql(ITEMS_SQL).to_arrow_table()
    finally:
        con.close()


_spark_lock = threading.Lock()
_spark: Any = None


def spark_session() -> Any:
    """One SparkSession per process (start-up is the slow part); local mode unless
    ``PCRM_SPARK_MASTER`` names a cluster."""
    global _spark
    with _spark_lock:
        if _spark is None:
            from pyspark.sql import SparkSession

            _spark = (
                SparkSession.builder.master(os.environ.get("PCRM_SPARK_MASTER", "local[1]"))
                .appName("pcrm-playbook")
                .config(
                    "spark.sql.shuffle.partitions", os.environ.get("PCRM_SPARK_PARTITIONS", "2")
                )
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .config("spark.sql.session.timeZone", "UTC")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .getOrCreate()
            )
        return _spark


# holding_facts stays a view: a join with the small product table is cheaper to redo than
# millions of rows to materialize.
MATERIALIZED = frozenset({"segmented", "cust", "other_items", "maintenance_due"})


def _view_name(statement: str) -> str:
    words = statement.split()
    return (
        words[5]
        if len(words) > 5 and words[:5] == ["CREATE", "OR", "REPLACE", "TEMP", "VIEW"]
        else ""
    )


def to_spark_sql(statement: str) -> str:
    return str(sqlglot.transpile(statement, read="duckdb", write="spark")[0])


def compute_spark(
    tables: Mapping[str, pa.Table], statements: list[str]
) -> tuple[pa.Table, pa.Table]:
    """Run the same rules on Spark (transpiled)."""
    spark = spark_session()
    spark.catalog.clearCache()
    for name, table in tables.items():
        spark.createDataFrame(table).createOrReplaceTempView(name)
    for statement in statements:
        spark.sql(to_spark_sql(statement))
        view = _view_name(statement)
        if view in MATERIALIZED:  # reused by many rules: compute once
            spark.sql(f"CACHE TABLE {view}")
    segments = spark.sql(to_spark_sql(SEGMENTS_SQL)).toArrow()
    items = spark.sql(to_spark_sql(ITEMS_SQL)).toArrow()
    return segments, items


ENGINES = {"duckdb": compute_duckdb, "spark": compute_spark}
