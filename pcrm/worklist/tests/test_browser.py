"""A manager works the list in a real browser: the rows change in place, no reload."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from conftest import with_totp
from pcrm.customers.models import Customer, Interaction
from pcrm.worklist.models import WorkItem
from pcrm.worklist.tests.conftest import put_item
from tests.browser import login
from tests.factories import BranchFactory, CustomerFactory, StaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def _setup():
    branch = BranchFactory(code="BB1", name="浏览器支行")
    manager = StaffFactory(
        staff_code="MB1", name="浏览器经理", role="customer_manager", branch=branch
    )
    customer = CustomerFactory(customer_no="CB1", name="林一", branch=branch, manager=manager)
    items = [
        put_item(customer=customer, staff=manager, priority=1, reason="第一件：大额转出"),
        put_item(customer=customer, staff=manager, priority=2, reason="第二件：理财到期"),
        put_item(customer=customer, staff=manager, priority=3, reason="第三件：生日", due_in=-1),
    ]
    return manager, customer, items


def test_manager_completes_defers_and_skips_without_reload(page, live_server):
    _manager, customer, (first, second, third) = _setup()
    login(page, live_server.url, "MB1")
    page.goto(f"{live_server.url}/worklist/")
    page.evaluate("window.__noReload = true")
    assert page.locator("article.item").count() == 3
    assert page.locator(f"#item-{third.pk}.overdue").count() == 1

    # Complete the first with an outcome.
    row = page.locator(f"#item-{first.pk}")
    row.get_by_text("完成", exact=True).click()
    row.get_by_label("已联系上").check()
    row.locator("textarea[name=notes]").fill("客户确认是本人操作")
    row.get_by_role("button", name="确认完成").click()
    page.locator(f"#item-{first.pk} .state").wait_for()
    assert "已完成" in page.locator(f"#item-{first.pk}").inner_text()

    # Defer the second, by keyboard: open the disclosure with Enter.
    until = timezone.localdate() + dt.timedelta(days=3)
    page.locator(f"#item-{second.pk} summary", has_text="延期").focus()
    page.keyboard.press("Enter")
    page.locator(f"#item-{second.pk} input[name=until]").fill(until.isoformat())
    page.locator(f"#item-{second.pk} input[name=until]").press("Enter")
    page.locator(f"#item-{second.pk} .state").wait_for()
    assert f"已延期至 {until:%Y-%m-%d}" in page.locator(f"#item-{second.pk}").inner_text()

    # Skip the third: a reason is required and the skip is confirmed.
    page.once("dialog", lambda dialog: dialog.accept())
    row = page.locator(f"#item-{third.pk}")
    row.get_by_text("跳过", exact=True).click()
    row.locator("input[name=reason]").fill("客户已在柜面办理")
    row.get_by_role("button", name="确认跳过").click()
    page.locator(f"#item-{third.pk} .state").wait_for()
    assert "客户已在柜面办理" in page.locator(f"#item-{third.pk}").inner_text()

    assert page.evaluate("window.__noReload") is True  # the page was never reloaded
    statuses = dict(WorkItem.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "done", second.pk: "deferred", third.pk: "skipped"}
    assert Interaction.objects.get().work_item_key == first.item_key
    assert Customer.objects.get(pk=customer.pk).service_established is True


def test_the_list_works_on_a_phone(phone_page, live_server):
    _manager, _customer, (first, _second, _third) = _setup()
    login(phone_page, live_server.url, "MB1")
    phone_page.goto(f"{live_server.url}/worklist/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    row = phone_page.locator(f"#item-{first.pk}")
    row.get_by_text("完成", exact=True).click()
    row.get_by_label("未联系上").check()
    row.get_by_role("button", name="确认完成").click()
    phone_page.locator(f"#item-{first.pk} .state").wait_for()
    assert WorkItem.objects.get(pk=first.pk).outcome == "not_reached"


def _sign_in_with_session(page, live_server, user):
    """A branch head signs in with a second factor; hand the browser a session instead."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])


def test_branch_head_allocates_the_whole_page_in_place(page, live_server):
    branch = BranchFactory(code="BB2", name="分配支行")
    head = with_totp(StaffFactory(staff_code="HB2", role="branch_head", branch=branch))
    advisor = StaffFactory(staff_code="WB2", name="顾问乙", role="wealth_advisor", branch=branch)
    loose = [
        CustomerFactory(customer_no=f"UB{i}", name="孙无", branch=branch, manager=None)
        for i in range(3)
    ]
    item = put_item(customer=loose[0], staff=head)
    _sign_in_with_session(page, live_server, head)
    page.goto(f"{live_server.url}/worklist/branch/")
    page.evaluate("window.__noReload = true")

    page.get_by_label("全选本页客户").check()
    page.get_by_label("分配给").select_option("WB2")
    page.get_by_role("button", name="分配所选客户").click()
    page.get_by_text("已将 3 位客户分配给顾问乙").wait_for()

    assert page.evaluate("window.__noReload") is True
    assert "本网点所有客户都已分配客户经理" in page.locator("#unassigned").inner_text()
    assert Customer.objects.filter(manager=advisor).count() == 3
    assert WorkItem.objects.get(pk=item.pk).staff == advisor
