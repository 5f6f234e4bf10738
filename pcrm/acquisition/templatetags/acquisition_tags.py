"""Template filters of the acquisition pages."""

from __future__ import annotations

from django import template

from pcrm.acquisition.choices import Noticed, SwipeFlag, Tier
from pcrm.lib.masking import mask_name

register = template.Library()


@register.filter
def shown_name(name: str, full: bool) -> str:
    """The name in full for roles that see identities, else the surname only."""
    return name if full else mask_name(name)


@register.filter
def flag_label(flag: str) -> str:
    return str(SwipeFlag(flag).label) if flag in SwipeFlag.values else flag


@register.filter
def tier_label(tier: str) -> str:
    return str(Tier(tier).label) if tier in Tier.values else ""


@register.filter
def noticed_labels(values: list[str]) -> str:
    return "、".join(str(Noticed(v).label) for v in values if v in Noticed.values)
