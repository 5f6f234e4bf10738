"""A small demo bank for the demo app's tests."""

from __future__ import annotations

import pytest
from django.utils import timezone

from pcrm.demo.generator import bank_generate
from pcrm.demo.models import DemoBank

SMALL = 400
SEED = 4242


@pytest.fixture
def demo_bank(db) -> DemoBank:  # type: ignore[no-untyped-def]
    return bank_generate(seed=SEED, customers=SMALL, branches=2, today=timezone.localdate())
