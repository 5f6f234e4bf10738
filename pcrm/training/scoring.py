"""Marking one answer: all-or-nothing or partial credit for multiple choice."""

from __future__ import annotations

from typing import Any

from pcrm.training.choices import QuestionType, Scoring


def normalise_choice(qtype: str, chosen: Any) -> Any:
    """Form input → the stored shape: a boolean, or sorted letters."""
    if qtype == QuestionType.TRUE_FALSE:
        if isinstance(chosen, bool) or chosen is None:
            return chosen
        text = str(chosen).strip().lower()
        return True if text in {"true", "1", "对", "正确"} else False if text else None
    if isinstance(chosen, (list, tuple)):
        chosen = "".join(str(c) for c in chosen)
    letters = "".join(sorted({c for c in str(chosen or "").upper() if c.isalpha()}))
    return letters or None


def is_correct(qtype: str, answer: Any, chosen: Any) -> bool:
    return chosen is not None and normalise_choice(qtype, chosen) == answer


def points_for(qtype: str, answer: Any, chosen: Any, possible: float, scoring: str) -> float:
    """Points won. Partial credit: a multiple-choice answer with no wrong letter earns its
    share of the right letters; any wrong letter earns nothing."""
    chosen = normalise_choice(qtype, chosen)
    if chosen is None:
        return 0.0
    if chosen == answer:
        return possible
    if qtype != QuestionType.MULTIPLE or scoring != Scoring.PARTIAL:
        return 0.0
    right, picked = set(str(answer)), set(str(chosen))
    if not picked <= right:
        return 0.0
    return round(possible * len(picked) / len(right), 2)
