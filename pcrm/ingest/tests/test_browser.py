"""The upload page in a real browser: choose a file, read the preview, confirm, see the result."""

from __future__ import annotations

import pytest
from django.test import Client

from pcrm.customers.models import Customer
from pcrm.ingest.tests.conftest import FILES


def _signed_in(page, live_server, user) -> None:  # type: ignore[no-untyped-def]
    """Branch heads sign in with a second factor; the test reuses a server-side session."""
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("project_static")
def test_branch_head_previews_then_commits_an_upload(live_server, phone_page, personas) -> None:  # type: ignore[no-untyped-def]
    page = phone_page  # the page works 375 px wide
    _signed_in(page, live_server, personas.head)
    page.goto(f"{live_server.url}/ingest/")
    page.select_option("select[name=kind]", "customers")
    page.set_input_files("input[name=file]", str(FILES / "customers_bad.csv"))
    page.click("button[type=submit].primary")
    page.wait_for_selector("#confirm-import")
    body = page.inner_text("main")
    assert "身份证号码校验位不正确" in body
    assert "110105198003011234" not in body
    assert not Customer.objects.filter(customer_no="Y2001").exists()
    page.focus("#confirm-import")  # keyboard-usable: confirm with Enter
    page.keyboard.press("Enter")
    page.wait_for_selector("#batch-status")
    assert page.inner_text("#batch-status") == "已完成"
    assert page.inner_text("#batch-inserted").strip() == "1"
    assert Customer.objects.filter(customer_no="Y2001").exists()
