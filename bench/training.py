"""Question-bank import speed (issue 9): messy run-together text vs. one option per line.

Figures: questions parsed per second for the project's messy fixture repeated
N times (N = 40 × PCRM_BENCH_SCALE; option splitting dominates) and for the
line-per-option fixture repeated as often, and the ratio between them. No target is
set by the issue; the review page shows an import of a few hundred questions.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from pcrm.training.parsing.messy import parse_text

SCALE = float(os.environ.get("PCRM_BENCH_SCALE", "1"))
FILES = Path(__file__).resolve().parent.parent / "pcrm" / "training" / "tests" / "files"


def _rate(name: str, copies: int) -> tuple[int, float]:
    text = (FILES / name).read_text(encoding="utf-8")
    # Separate copies so each keeps its own sections (and so duplicates are not merged).
    document = "\n".join(text.replace("客户", f"客户{i}号", 1) for i in range(copies))
    started = time.perf_counter()
    result = parse_text(document)
    return len(result.questions), time.perf_counter() - started


def main() -> None:
    copies = max(1, int(40 * SCALE))
    messy_n, messy_s = _rate("messy-bank.txt", copies)
    lines_n, lines_s = _rate("answer-lines.txt", copies)
    messy_rate, lines_rate = messy_n / messy_s, lines_n / lines_s
    print(
        f"messy run-together text: {messy_n} questions in {messy_s:.2f} s = {messy_rate:,.0f} q/s"
    )
    print(
        f"one option per line:     {lines_n} questions in {lines_s:.2f} s = {lines_rate:,.0f} q/s"
    )
    print(f"ratio line/messy: {lines_rate / messy_rate:.1f}×")
