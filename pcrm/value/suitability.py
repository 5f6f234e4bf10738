"""The suitability gate (适当性): a product above the customer's risk rating, or any product
while the assessment is missing or expired, may not be recommended, proposed or sold.
There is no override."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from pcrm.value.policy import number, policy


def _rank(code: str) -> int:
    """C3 → 3, R4 → 4; 0 when blank or malformed."""
    return int(code[1]) if len(code) == 2 and code[1].isdigit() else 0


def suitability_problem(*, customer: Any, product: Any, today: dt.date | None = None) -> str | None:
    """The reason the product is unsuitable for the customer, or None when it passes."""
    if product.product_type in policy()["suitability"]["exempt_product_types"]:
        return None
    today = today or timezone.localdate()
    rating = _rank(customer.risk_rating or "")
    if not rating or customer.risk_assessed_on is None:
        return _("客户尚未完成风险承受能力评估，不得推荐或销售该产品。")
    valid_days = number("suitability", "assessment_valid_days")
    if (today - customer.risk_assessed_on).days > valid_days:
        return _("客户的风险评估已超过有效期（%(days)s天），请先重新评估。") % {"days": valid_days}
    level = _rank(product.risk_level or "")
    if not level:
        return _("产品未标注风险等级，不得推荐或销售。")
    if level > rating:
        return _("产品风险等级 %(level)s 高于客户风险评级 %(rating)s，不符合适当性要求。") % {
            "level": product.risk_level,
            "rating": customer.risk_rating,
        }
    return None


def suitability_check(*, customer: Any, product: Any, today: dt.date | None = None) -> None:
    """Raise ValidationError with the Chinese reason when the product is unsuitable."""
    problem = suitability_problem(customer=customer, product=product, today=today)
    if problem:
        raise ValidationError(problem, code="unsuitable")
