"""The branch head's view: statistics against hand-counted items, drill-down, allocation."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pcrm.audit.models import AuditEvent
from pcrm.customers.models import Customer
from pcrm.org.context_processors import navigation
from pcrm.worklist.models import WorkItem
from pcrm.worklist.selectors import worklist_stats_for_branch
from pcrm.worklist.services import work_item_complete, work_item_skip
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def counted(personas, make_item):
    """M1: open 3 (1 today, 1 overdue), 4 due in the last 30 days of which 1 done.
    M2: 2 due in the period, both done. W1: nothing. M9 (other branch): not listed."""
    m1, m2, c1, c2 = personas.manager, personas.manager2, personas.mine, personas.theirs
    make_item(customer=c1, staff=m1, due_in=0)
    make_item(customer=c1, staff=m1, due_in=-3)
    make_item(customer=c1, staff=m1, due_in=2)
    work_item_complete(
        actor=m1, item=make_item(customer=c1, staff=m1, due_in=-5), outcome="reached"
    )
    work_item_complete(
        actor=m1, item=make_item(customer=c1, staff=m1, due_in=-40), outcome="reached"
    )
    work_item_skip(actor=m1, item=make_item(customer=c1, staff=m1, due_in=-1), reason="重复")
    for days in (-2, -10):
        work_item_complete(
            actor=m2, item=make_item(customer=c2, staff=m2, due_in=days), outcome="declined"
        )
    make_item(customer=personas.elsewhere, staff=personas.other_manager, due_in=-1)
    return personas


def _stats(personas, **period):
    today = timezone.localdate()
    start = period.get("start", today - dt.timedelta(days=29))
    end = period.get("end", today)
    rows = worklist_stats_for_branch(user=personas.head, start=start, end=end)
    return {r.staff.staff_code: r for r in rows}


def test_stats_match_the_hand_count(counted):
    rows = _stats(counted)
    assert set(rows) == {"M1", "M2", "W1", "L1", "H1"}  # the teller keeps no work list
    m1 = rows["M1"]
    assert (m1.open, m1.due_today, m1.overdue, m1.due_in_period, m1.done_in_period) == (
        3,
        1,
        1,
        4,
        1,
    )
    assert m1.completion_rate == 0.25
    m2 = rows["M2"]
    assert (m2.open, m2.due_in_period, m2.done_in_period, m2.completion_rate) == (0, 2, 2, 1.0)
    assert rows["W1"].completion_rate is None
    assert rows["W1"].open == 0


def test_stats_over_a_chosen_period(counted):
    today = timezone.localdate()
    rows = _stats(counted, start=today - dt.timedelta(40), end=today - dt.timedelta(30))
    assert (rows["M1"].due_in_period, rows["M1"].done_in_period) == (1, 1)
    assert rows["M2"].due_in_period == 0
    assert rows["M1"].open == 3  # current counts do not depend on the period


def test_stats_run_a_fixed_number_of_queries(counted, django_assert_num_queries):
    today = timezone.localdate()
    with django_assert_num_queries(3):
        worklist_stats_for_branch(user=counted.head, start=today, end=today)


def test_only_a_branch_head_gets_stats(counted):
    today = timezone.localdate()
    assert worklist_stats_for_branch(user=counted.manager, start=today, end=today) == []


def test_branch_page_shows_every_member_and_the_rates(client, counted):
    client.force_login(counted.head)
    response = client.get(reverse("worklist:branch"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "吴经理" in html
    assert "陈经理" in html
    assert "理财顾问" in html
    assert "外行经理" not in html
    assert "25%" in html
    assert "100%" in html
    assert reverse("worklist:member", args=["M1"]) in html
    assert response.context["start"] == timezone.localdate() - dt.timedelta(days=29)


def test_branch_page_with_a_period(client, counted):
    client.force_login(counted.head)
    response = client.get(reverse("worklist:branch"), {"start": "2020-01-01", "end": "2020-01-31"})
    assert response.context["start"] == dt.date(2020, 1, 1)
    assert {r.due_in_period for r in response.context["stats"]} == {0}


@pytest.mark.parametrize("who", ["manager", "lobby", "teller", "auditor"])
def test_branch_pages_need_the_allocate_capability(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(reverse("worklist:branch")).status_code == 403
    assert client.get(reverse("worklist:member", args=["M1"])).status_code == 403
    assert client.post(reverse("worklist:allocate"), {}).status_code == 403


def test_drill_into_a_members_list(client, counted):
    client.force_login(counted.head)
    response = client.get(reverse("worklist:member", args=["M1"]))
    assert response.status_code == 200
    assert response.context["counts"] == {"today": 2, "overdue": 1, "upcoming": 1}
    assert len(response.context["items"]) == 2
    assert "吴经理的工作清单" in response.content.decode()
    assert client.get(reverse("worklist:member", args=["M9"])).status_code == 404


def test_head_works_a_members_item_from_the_drill_down(client, counted):
    item = WorkItem.objects.filter(staff=counted.manager, status="open").first()
    client.force_login(counted.head)
    response = client.post(reverse("worklist:skip", args=[item.pk]), {"reason": "客户去世"}, **HTMX)
    assert response.status_code == 200
    assert WorkItem.objects.get(pk=item.pk).status == "skipped"


def test_unassigned_queue_page(client, personas, make_item):
    loose = CustomerFactory(customer_no="U1", name="孙无", branch=personas.branch, manager=None)
    make_item(customer=loose, staff=personas.head, reason="无人维护的客户")
    make_item(customer=personas.mine, staff=personas.manager, reason="有主的客户")
    client.force_login(personas.head)
    html = client.get(reverse("worklist:unassigned")).content.decode()
    assert "无人维护的客户" in html
    assert "有主的客户" not in html


def test_allocate_in_bulk_through_htmx(client, personas, make_item):
    u1 = CustomerFactory(customer_no="U1", name="孙无", branch=personas.branch, manager=None)
    u2 = CustomerFactory(customer_no="U2", name="钱空", branch=personas.sub_branch, manager=None)
    u3 = CustomerFactory(customer_no="U3", name="李留", branch=personas.branch, manager=None)
    item = make_item(customer=u1, staff=personas.head)
    client.force_login(personas.head)
    assert "孙无" in client.get(reverse("worklist:branch")).content.decode()

    response = client.post(
        reverse("worklist:allocate"), {"customers": ["U1", "U2"], "manager": "W1"}, **HTMX
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="unassigned"' in html
    assert "<html" not in html
    assert "已将 2 位客户分配给理财顾问" in html
    assert "李留" in html
    assert "孙无" not in html
    assert set(Customer.objects.filter(manager=personas.advisor)) == {u1, u2}
    assert Customer.objects.get(pk=u3.pk).manager is None
    assert WorkItem.objects.get(pk=item.pk).staff == personas.advisor
    assert AuditEvent.objects.filter(action="customer.manager_assign").count() == 2


def test_allocate_refuses_bad_input(client, personas):
    CustomerFactory(customer_no="U1", branch=personas.branch, manager=None)
    client.force_login(personas.head)
    for data in [
        {"customers": ["U1"], "manager": "L1"},  # not a manager
        {"customers": ["C9"], "manager": "M1"},  # another branch's customer
        {"customers": ["C1"], "manager": "M2"},  # already has a manager
        {"customers": [], "manager": "M1"},
    ]:
        response = client.post(reverse("worklist:allocate"), data, **HTMX)
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
    assert Customer.objects.get(customer_no="U1").manager is None
    assert Customer.objects.get(customer_no="C1").manager == personas.manager


def test_branch_head_menu_has_the_branch_entry(rf, personas):
    request = rf.get("/")
    request.user = personas.head
    keys = [item["key"] for item in navigation(request)["nav_items"]]
    assert "worklist_branch" in keys
    request.user = personas.manager
    assert "worklist_branch" not in [item["key"] for item in navigation(request)["nav_items"]]
