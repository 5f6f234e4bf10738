"""What the benchmarks share: Django on a throw-away data directory, and percentiles."""

from __future__ import annotations

import os
import tempfile


def setup_django(name: str) -> None:
    """Set Django up on a fresh data directory (or PCRM_BENCH_DATABASE_URL) and migrate."""
    os.environ.setdefault("PCRM_DATA_DIR", tempfile.mkdtemp(prefix=f"pcrm-bench-{name}-"))
    if url := os.environ.get("PCRM_BENCH_DATABASE_URL"):
        os.environ["PCRM_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcrm.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of the values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
