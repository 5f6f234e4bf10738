"""Training policy as data: the defaults in data/policy.toml."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

POLICY_PATH = Path(__file__).with_name("data") / "policy.toml"


@cache
def policy() -> dict[str, Any]:
    return tomllib.loads(POLICY_PATH.read_text(encoding="utf-8"))


def low_confidence() -> float:
    return float(policy()["import"]["low_confidence"])


def default_points() -> dict[str, float]:
    return {key: float(value) for key, value in policy()["exam"]["points"].items()}


def exam_defaults() -> dict[str, Any]:
    return dict(policy()["exam"])


def review_thresholds() -> tuple[float, float]:
    review = policy()["review"]
    return float(review["easy_seconds"]), float(review["good_seconds"])


def topic_words() -> dict[str, list[str]]:
    return {key: list(words) for key, words in policy()["topics"].items()}


def topics_for(text: str) -> list[str]:
    """The methodology topics whose words occur in ``text``."""
    return [topic for topic, words in topic_words().items() if any(w in text for w in words)]
