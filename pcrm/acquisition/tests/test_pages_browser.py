"""Referral and sifting pages in a real browser, on a phone-sized screen."""

from __future__ import annotations

from typing import Any

import pytest

from pcrm.acquisition.models import Referral
from tests.browser import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"))


def test_lobby_refers_on_a_phone(live_server: Any, phone_page: Any, personas: Any) -> None:
    login(phone_page, live_server.url, "L1")
    phone_page.goto(f"{live_server.url}/acquisition/referrals/")
    phone_page.fill("input[name=customer_no]", "C1")
    phone_page.check("input[name=noticed][value=large_amount]")
    phone_page.check("input[name=flag_potential]")
    phone_page.click("#referral-form button[type=submit]")
    phone_page.wait_for_selector(".msg.success")
    referral = Referral.objects.get()
    assert referral.target == personas.manager
    assert "曾*" in phone_page.inner_text("main")
    assert _fits(phone_page)


def test_manager_accepts_and_sifts_on_a_phone(
    live_server: Any, phone_page: Any, personas: Any
) -> None:
    from pcrm.acquisition.services.referrals import referral_make

    referral_make(actor=personas.teller, customer=personas.mine, noticed=["customer_trait"])
    login(phone_page, live_server.url, "M1")
    phone_page.goto(f"{live_server.url}/acquisition/referrals/?box=received")
    phone_page.click("form[action$='/accept/'] button")
    phone_page.wait_for_selector(".msg.success")
    assert Referral.objects.get().status == "accepted"
    phone_page.goto(f"{live_server.url}/acquisition/")
    assert phone_page.inner_text("#count-not-established") == "1"
    assert _fits(phone_page)
