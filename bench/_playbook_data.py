"""Synthetic bank for the playbook benchmark, generated inside PostgreSQL in bulk
(INSERT ... SELECT generate_series: no row crosses the wire)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

CUSTOMERS_PER_MANAGER = 500
CUSTOMERS_PER_BRANCH = 20_000
D = "2026-09-22"

SQL = (Path(__file__).parent / "_playbook_data.sql").read_text("utf-8")


def sizes(customers: int) -> dict[str, Any]:
    return {
        "customers": customers,
        "holdings": customers * 5,
        "transactions": customers,
        "interactions": int(customers * 0.7),
        "branches": max(1, customers // CUSTOMERS_PER_BRANCH),
        "managers": max(1, customers // CUSTOMERS_PER_MANAGER),
        "d": D,
    }


def generate(cursor: Any, customers: int) -> dict[str, Any]:
    """Fill an empty, migrated database; returns the sizes used."""
    params = sizes(customers)
    for statement in [s.strip() for s in (SQL % params).split(";\n") if s.strip()]:
        cursor.execute(statement)
    return params
