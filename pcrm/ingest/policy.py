"""The ingest limits: defaults in policy.toml, overridable per installation by environment."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path

POLICY_PATH = Path(__file__).with_name("policy.toml")


@dataclass(frozen=True)
class IngestPolicy:
    """Limits of imports and exports (sizes in bytes, counts in rows)."""

    max_file_bytes: int
    max_upload_bytes: int
    max_xlsx_uncompressed_bytes: int
    max_xlsx_ratio: int
    chunk_rows: int
    preview_rows: int
    preview_errors: int
    export_approval_rows: int
    seal_workers: int
    seal_pool_min_values: int


@cache
def _load(overrides: tuple[tuple[str, str], ...]) -> IngestPolicy:
    raw = tomllib.loads(POLICY_PATH.read_text(encoding="utf-8"))
    for name, value in overrides:
        raw[name] = int(value)
    return IngestPolicy(**{f.name: int(raw[f.name]) for f in fields(IngestPolicy)})


def ingest_policy() -> IngestPolicy:
    """The policy in force: the shipped defaults with PCRM_INGEST_* overrides applied."""
    overrides = tuple(
        (f.name, os.environ[f"PCRM_INGEST_{f.name.upper()}"])
        for f in fields(IngestPolicy)
        if os.environ.get(f"PCRM_INGEST_{f.name.upper()}")
    )
    return _load(overrides)
