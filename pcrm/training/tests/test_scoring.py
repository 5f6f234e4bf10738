from __future__ import annotations

import pytest

from pcrm.training.choices import Scoring
from pcrm.training.scoring import is_correct, normalise_choice, points_for


@pytest.mark.parametrize(
    ("chosen", "all_or_nothing", "partial"),
    [
        ("ABD", 1.0, 1.0),
        ("AB", 0.0, 0.67),
        ("A", 0.0, 0.33),
        ("ABC", 0.0, 0.0),
        ("", 0.0, 0.0),
        ("BDA", 1.0, 1.0),
    ],
)
def test_multiple_choice_policies(chosen: str, all_or_nothing: float, partial: float) -> None:
    assert points_for("multiple", "ABD", chosen, 1.0, Scoring.ALL_OR_NOTHING) == all_or_nothing
    assert points_for("multiple", "ABD", chosen, 1.0, Scoring.PARTIAL) == partial


def test_single_and_true_false_are_all_or_nothing_under_both_policies() -> None:
    assert points_for("single", "B", "B", 0.5, Scoring.PARTIAL) == 0.5
    assert points_for("single", "B", "C", 0.5, Scoring.PARTIAL) == 0.0
    assert points_for("true_false", False, "false", 1.0, Scoring.PARTIAL) == 1.0
    assert points_for("true_false", False, "true", 1.0, Scoring.PARTIAL) == 0.0


def test_normalise_choice() -> None:
    assert normalise_choice("multiple", ["D", "a", "B"]) == "ABD"
    assert normalise_choice("true_false", "对") is True
    assert normalise_choice("true_false", "") is None
    assert is_correct("multiple", "AB", "BA")
    assert not is_correct("single", "A", None)
