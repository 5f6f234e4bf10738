"""Money: yuan with two decimals, stored as DECIMAL(18, 2)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models

CENT = Decimal("0.01")


class MoneyField(models.DecimalField):  # type: ignore[type-arg]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)


def yuan(value: Decimal | int | float | str) -> Decimal:
    return Decimal(str(value)).quantize(CENT)
