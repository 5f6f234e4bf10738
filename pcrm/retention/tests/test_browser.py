"""A manager works an at-risk customer in the browser: list → reasons → action → restored."""

from __future__ import annotations

import pytest

from pcrm.retention.models import CaseStatus, WinBackCase
from pcrm.retention.services import risk_scores_refresh, win_back_open
from pcrm.retention.tests.helpers import contact, customer, txn
from tests.browser import login


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_manager_works_an_at_risk_customer(live_server, page, personas) -> None:  # type: ignore[no-untyped-def]
    c, d = customer(aum=30000, branch=personas.branch, manager=personas.manager)
    contact(c, 3, purpose="投诉", staff=personas.manager)
    txn(c, d, 5, -70000, counterparty="他行（招商银行）")
    risk_scores_refresh(actor=None)
    win_back_open(actor=None)
    login(page, live_server.url, "M1")
    page.goto(f"{live_server.url}/retention/")
    page.click(f"text={c.name}")
    page.wait_for_url(f"**/retention/c/{c.customer_no}/")
    assert "近期投诉" in page.inner_text("main")
    assert "修复关系" in page.inner_text("main")
    page.fill("textarea[name=note]", "登门致歉并解决问题")
    page.click("text=记录行动")
    page.wait_for_load_state("networkidle")
    assert "登门致歉并解决问题" in page.inner_text("main")
    assert "已联系" in page.inner_text("main")
    page.check("input[name=confirm]")
    page.click("#restored")
    page.wait_for_load_state("networkidle")
    assert "挽回资产" in page.inner_text("main")
    assert WinBackCase.objects.get(customer=c).status == CaseStatus.RESTORED
