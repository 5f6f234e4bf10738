import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from pcrm.worklist.selectors import (
    PAGE_SIZE,
    customer_unassigned_page_for,
    work_item_get_for,
    work_item_list_for,
    work_item_page,
    work_item_staff_list_for,
    work_item_tab_counts,
    work_item_unassigned_for,
)
from pcrm.worklist.services import work_item_defer, work_item_skip
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def _page(user, staff, tab="today", page=1):
    base = work_item_staff_list_for(user=user, staff=staff)
    return work_item_page(user=user, base=base, tab=tab, page=page)


def test_today_tab_holds_due_and_overdue_by_priority_then_due_date(personas, make_item):
    m, c = personas.manager, personas.mine
    late_p4 = make_item(customer=c, staff=m, priority=4, due_in=-3)
    today_p4 = make_item(customer=c, staff=m, priority=4, due_in=0)
    today_p1 = make_item(customer=c, staff=m, priority=1, due_in=0)
    late_p2 = make_item(customer=c, staff=m, priority=2, due_in=-1)
    make_item(customer=c, staff=m, priority=1, due_in=1)  # upcoming
    skipped = make_item(customer=c, staff=m, priority=1, due_in=0)
    work_item_skip(actor=m, item=skipped, reason="重复")

    items = list(_page(m, m))

    assert [i.pk for i in items] == [today_p1.pk, late_p2.pk, late_p4.pk, today_p4.pk]
    assert [i.is_overdue for i in items] == [False, True, True, False]
    assert all(i.customer_label == "曾小明" for i in items)


def test_upcoming_tab_and_deferred_items(personas, make_item):
    m, c = personas.manager, personas.mine
    later = make_item(customer=c, staff=m, due_in=5)
    moved = make_item(customer=c, staff=m, due_in=0)
    work_item_defer(actor=m, item=moved, until=timezone.localdate() + dt.timedelta(2))

    assert [i.pk for i in _page(m, m, tab="upcoming")] == [moved.pk, later.pk]
    assert list(_page(m, m)) == []
    base = work_item_staff_list_for(user=m, staff=m)
    assert work_item_tab_counts(base, today=timezone.localdate()) == {
        "today": 0,
        "overdue": 0,
        "upcoming": 2,
    }


def test_a_manager_sees_only_own_items(personas, make_item):
    mine = make_item(customer=personas.mine, staff=personas.manager)
    make_item(customer=personas.theirs, staff=personas.manager2)
    make_item(customer=personas.elsewhere, staff=personas.other_manager)
    assert list(work_item_list_for(user=personas.manager)) == [mine]
    assert work_item_list_for(user=personas.teller).count() == 0
    assert work_item_list_for(user=personas.auditor).count() == 0


def test_the_head_sees_the_branch_and_sub_branch(personas, make_item):
    a = make_item(customer=personas.mine, staff=personas.manager)
    b = make_item(customer=personas.sub, staff=personas.manager2)
    make_item(customer=personas.elsewhere, staff=personas.other_manager)
    assert set(work_item_list_for(user=personas.head)) == {a, b}


def test_get_for_is_404_for_someone_elses_item(personas, make_item):
    item = make_item(customer=personas.theirs, staff=personas.manager2)
    with pytest.raises(Http404):
        work_item_get_for(user=personas.manager, pk=item.pk)
    assert work_item_get_for(user=personas.head, pk=item.pk) == item


def test_masked_roles_see_masked_names(personas, make_item):
    make_item(customer=personas.mine, staff=personas.lobby, kind="walk_in")
    [item] = _page(personas.lobby, personas.lobby)
    assert item.customer_label == "曾**"


def test_pages_hold_fifty(personas, make_item):
    for _ in range(PAGE_SIZE + 3):
        make_item(customer=personas.mine, staff=personas.manager)
    first = _page(personas.manager, personas.manager)
    second = _page(personas.manager, personas.manager, page=2)
    assert (len(first), len(second)) == (PAGE_SIZE, 3)
    assert first.paginator.num_pages == 2


@pytest.mark.parametrize("who", ["manager", "head"])
def test_fixed_number_of_queries_per_page(personas, make_item, django_assert_num_queries, who):
    user = getattr(personas, who)
    staff = personas.manager

    def counted(n):
        for _ in range(n):
            make_item(customer=personas.mine, staff=staff)
        queries = 4 if who == "head" else 2  # + the branch tree, read once per scope
        with django_assert_num_queries(queries):
            items = list(_page(user, staff))
            [i.customer.customer_no for i in items]
        return len(items)

    assert counted(5) == 5
    assert counted(25) == 30


def test_unassigned_queue_and_customers(personas, make_item):
    loose = CustomerFactory(customer_no="U1", name="孙无", branch=personas.sub_branch, manager=None)
    far = CustomerFactory(customer_no="U9", branch=personas.other_branch, manager=None)
    queued = make_item(customer=loose, staff=personas.head)
    queued_too = make_item(customer=loose, staff=personas.head)
    make_item(customer=personas.mine, staff=personas.manager)
    make_item(customer=far, staff=None)

    assert set(work_item_unassigned_for(user=personas.head)) == {queued, queued_too}
    assert work_item_unassigned_for(user=personas.manager).count() == 0
    [customer] = customer_unassigned_page_for(user=personas.head, page=1)
    assert (customer.customer_no, customer.open_items, customer.label) == ("U1", 2, "孙无")
    assert list(customer_unassigned_page_for(user=personas.manager, page=1)) == []


def test_unassigned_customers_page_runs_fixed_queries(personas, django_assert_num_queries):
    def counted(n):
        for _ in range(n):
            CustomerFactory(branch=personas.branch, manager=None)
        with django_assert_num_queries(3):
            return len(list(customer_unassigned_page_for(user=personas.head, page=1)))

    assert counted(5) == 5
    assert counted(25) == 30
