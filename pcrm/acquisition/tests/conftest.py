"""Fixtures of the acquisition tests: queue-device tokens and swipe posting."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from rest_framework.test import APIClient

from pcrm.org.services import api_token_create
from tests.factories import HoldingFactory, ProductFactory

CARD_NO = "6222021234567890123"


@pytest.fixture
def device(personas: Any) -> str:
    """A queue machine of branch B1 (the raw token); staff get phones for their SMS."""
    for number, staff in enumerate((personas.manager, personas.manager2, personas.lobby)):
        staff.phone = f"1380000000{number}"
        staff.save()
    _token, raw = api_token_create(
        actor=None, name="B1 排队机", kind="queue_device", branch=personas.branch
    )
    return raw


@pytest.fixture
def card(personas: Any) -> str:
    """A debit card of the manager's customer C1."""
    product = ProductFactory(code="DC01", name="借记卡", product_type="debit_card")
    HoldingFactory(
        account_no=CARD_NO,
        customer=personas.mine,
        product=product,
        principal=Decimal(0),
        market_value=Decimal(0),
    )
    return CARD_NO


def post_swipe(raw: str, body: Any, *, as_text: bool = False) -> Any:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    data = body if as_text else json.dumps(body)
    return client.post("/api/v1/queue/swipes", data=data, content_type="application/json")


def swipe_body(**fields: Any) -> dict[str, Any]:
    body = {"branch_code": "B1", "ticket_no": "A001", "swiped_at": "2026-11-29T09:30:00"}
    body.update(fields)
    return {k: v for k, v in body.items() if v is not None}
