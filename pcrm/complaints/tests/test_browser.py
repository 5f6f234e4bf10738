"""A lobby manager takes a complaint through the nine steps in a real browser."""

from __future__ import annotations

from typing import Any

import pytest

from pcrm.complaints.checklists import techniques
from pcrm.complaints.models import ComplaintCase
from tests.browser import login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_lobby_manager_walks_the_nine_steps(live_server: Any, page: Any, personas: Any) -> None:
    login(page, live_server.url, "L1")
    page.click("nav >> text=投诉处理")
    page.click("text=受理投诉")
    page.fill("input[name=customer_no]", "C1")
    page.select_option("select[name=category]", "fees")
    page.fill("textarea[name=description]", "短信提醒费扣收有异议")
    page.click("button:has-text('登记投诉')")
    page.wait_for_selector("h1:has-text('TS')")

    for tech in techniques():
        card = page.locator(f"#step-{tech.key}")
        for box in card.locator(f"input[name=items_{tech.key}]").all():
            box.check()
        card.locator(f"textarea[name=notes_{tech.key}]").fill(f"{tech.label}：已办")
        if tech.key == "handling":
            card.locator("textarea[name=solution]").fill("退还短信提醒费并关闭提醒")
            card.locator("select[name=answer]").select_option("accepted")
        card.locator("button:has-text('完成此步')").click()
        page.wait_for_load_state("networkidle")
        assert page.locator(f"#step-{tech.key} .badge:has-text('已完成')").count() == 1, tech.key

    page.locator("input[name=confirm]").last.check()
    page.click("button:has-text('办结投诉')")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1 .badge:has-text('已办结')").count() == 1
    case = ComplaintCase.objects.get()
    assert case.steps.count() == 9
    assert case.status == "closed"
    assert case.handler == personas.lobby
    assert case.thanked_at is not None
