"""Background jobs of the value app (django.tasks); also runnable as commands."""

from __future__ import annotations

from django.tasks import task

from pcrm.value.plans import plan_schedule_reviews
from pcrm.value.suggest import opportunity_suggest_all


@task()
def value_suggest_nightly() -> dict[str, int]:
    """Suggest opportunities from signals (also `pcrm value_suggest`)."""
    return opportunity_suggest_all()


@task()
def value_plan_reviews_daily() -> dict[str, int]:
    """Raise the due plan_review items (also `pcrm value_plan_reviews`)."""
    return {"plan_review_items": plan_schedule_reviews()}
