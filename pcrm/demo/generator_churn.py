"""Churn simulation (issue 8): who drifts away during the year, why, and what warned of it.

A share of customers leaves after a complaint, after long neglect, or for better rates
elsewhere. Each plan has an exit day (past = gone, future = drifting now) and a warning
day 30–100 days earlier, when the first signs appear: the complaint itself, a first large
transfer out to another bank, a maturity that is not reinvested. The holdings,
transactions and interactions generators read the plan, so the signs are in the data
that a model learns from. A few leave silently (no sign) and a few loyal customers show
a sign without leaving, so the model has honest noise to cope with.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from pcrm.demo.profile import section, weighted

LOYAL = ""


@dataclass(frozen=True, slots=True)
class ChurnPlan:
    """cause: complaint, neglect, rate (or '' for a loyal customer)."""

    cause: str
    exit_on: dt.date | None
    warn_on: dt.date | None
    silent: bool = False
    false_alarm: bool = False

    @property
    def churner(self) -> bool:
        return bool(self.cause)

    def gone(self, today: dt.date) -> bool:
        return self.exit_on is not None and self.exit_on <= today

    def warned(self, today: dt.date) -> bool:
        return self.warn_on is not None and self.warn_on <= today and not self.silent


LOYAL_PLAN = ChurnPlan(cause=LOYAL, exit_on=None, warn_on=None)


def churn_plan(rng: random.Random, today: dt.date) -> ChurnPlan:
    """Draw one customer's plan."""
    spec = section("churn")
    roll = rng.random()
    if roll >= spec["share"]:
        if roll < spec["share"] + spec["false_alarm_share"]:
            warn_on = today - dt.timedelta(days=rng.randint(5, 200))
            return ChurnPlan(cause=LOYAL, exit_on=None, warn_on=warn_on, false_alarm=True)
        return LOYAL_PLAN
    causes, cumulative = weighted(spec["causes"])
    cause = rng.choices(causes, cum_weights=cumulative)[0]
    exit_on = today + dt.timedelta(
        days=rng.randint(-spec["exit_from_days"], spec["exit_until_days"])
    )
    lead = rng.randint(spec["warning_days_min"], spec["warning_days_max"])
    return ChurnPlan(
        cause=cause,
        exit_on=exit_on,
        warn_on=exit_on - dt.timedelta(days=lead),
        silent=rng.random() < spec["silent_share"],
    )


def other_bank(rng: random.Random) -> str:
    banks: list[str] = section("churn")["other_banks"]
    return "他行（" + rng.choice(banks) + "）"
