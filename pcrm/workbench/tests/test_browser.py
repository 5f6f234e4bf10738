import pytest

from pcrm.customers.models import Interaction
from tests.browser import login
from tests.factories import HoldingFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_manager_finds_customer_by_initials_and_logs_a_contact(page, live_server, personas):
    login(page, live_server.url, "M1")
    page.goto(f"{live_server.url}/book/")
    page.fill("input[name=q]", "zxm")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "q=zxm" in page.url
    page.click("text=曾小明")
    page.wait_for_url("**/customers/C1/")
    page.click("summary:has-text('登记联系')")
    page.select_option("#contact select[name=channel]", "visit")
    page.select_option("#contact select[name=outcome]", "reached")
    page.fill("#contact input[name=purpose]", "上门送生日贺卡")
    url_before = page.url
    page.click("#contact button[type=submit]")
    page.wait_for_selector("#timeline >> text=上门送生日贺卡")
    assert page.url == url_before  # htmx swapped the card, no full reload
    assert Interaction.objects.filter(customer=personas.mine, purpose="上门送生日贺卡").exists()


def test_reveal_in_the_browser_asks_a_reason(page, live_server, personas):
    login(page, live_server.url, "M1")
    page.goto(f"{live_server.url}/customers/C1/")
    page.click("#reveal-phone button")
    page.fill("#reveal-phone input[name=reason]", "客户来电核实身份")
    page.click("#reveal-phone button[type=submit]")
    page.wait_for_selector("#reveal-phone .revealed")
    assert page.inner_text("#reveal-phone .revealed") == personas.mine.phone


@pytest.mark.parametrize("path", ["/", "/book/", "/customers/C1/"])
def test_pages_fit_a_phone(phone_page, live_server, personas, path):
    HoldingFactory(customer=personas.mine)
    login(phone_page, live_server.url, "M1")
    phone_page.goto(f"{live_server.url}{path}")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"{path} is {width}px wide"


def test_audit_page_fits_a_phone(phone_page, live_server, personas):
    login(phone_page, live_server.url, "A1")
    phone_page.goto(f"{live_server.url}/audit/")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 375
