"""Run the benchmarks: `python -m bench` runs all, `python -m bench ingest playbook` some.

Each benchmark module prints rows per second and the ratios it measured in the
same run, on the data sizes it states; sizes can be scaled down with
PCRM_BENCH_SCALE (e.g. 0.1) on a slow machine.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main() -> None:
    here = Path(__file__).parent
    modules = pkgutil.iter_modules([str(here)])
    available = sorted(m.name for m in modules if not m.name.startswith("_"))
    chosen = sys.argv[1:] or available
    unknown = set(chosen) - set(available)
    if unknown:
        names = ", ".join(sorted(unknown))
        sys.exit(f"unknown benchmark(s): {names}; available: {', '.join(available)}")
    for name in chosen:
        print(f"\n=== bench {name} ===", flush=True)
        importlib.import_module(f"bench.{name}").main()


main()
