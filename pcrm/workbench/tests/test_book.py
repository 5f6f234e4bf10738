import pytest
from django.urls import reverse

from pcrm.playbook.models import CustomerSegment
from pcrm.workbench.display import display_settings
from pcrm.workbench.forms import BookFilterForm
from pcrm.workbench.selectors import BookFilters, book_page_for
from pcrm.workbench.tests.helpers import segment
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _numbers(page):
    return [c.customer_no for c in page.rows]


def test_book_lists_only_the_managers_customers(client, personas):
    client.force_login(personas.manager)
    body = client.get(reverse("workbench:book")).content.decode()
    assert "C1" in body
    assert "曾小明" in body
    for other in ("单丽", "查文", "欧阳华"):
        assert other not in body


def test_teller_sees_masked_names_in_the_branch_book(client, personas):
    client.force_login(personas.teller)
    body = client.get(reverse("workbench:book")).content.decode()
    assert "曾*" in body
    assert "曾小明" not in body
    assert "欧阳*" not in body  # B9 is not the teller's branch


def test_book_shows_masked_phone_and_no_segment_label(client, personas):
    client.force_login(personas.manager)
    body = client.get(reverse("workbench:book")).content.decode()
    assert personas.mine.phone_masked in body
    assert personas.mine.phone not in body
    assert "未分层" in body


@pytest.mark.parametrize("query", ["zxm", "cxm", "zengxiaoming", "cengxiao", "C1"])
def test_search_by_pinyin_initials_and_number(personas, query):
    page = book_page_for(user=personas.manager, filters=BookFilters(q=query))
    assert _numbers(page) == ["C1"]


def test_search_by_exact_id_and_phone_uses_blind_index(personas):
    for query in (personas.mine.id_no, personas.mine.phone):
        page = book_page_for(user=personas.manager, filters=BookFilters(q=query))
        assert _numbers(page) == ["C1"]
    partial = personas.mine.phone[:7]
    assert _numbers(book_page_for(user=personas.manager, filters=BookFilters(q=partial))) == []


def test_filters_by_tier_quadrant_and_flags(personas):
    head = personas.head
    segment(personas.mine, tier="diamond", quadrant="core")
    segment(personas.theirs, tier="", quadrant="basic")
    personas.sub.red_list = True
    personas.sub.orientation = "value"
    personas.sub.save()

    def nos(**kw):
        return _numbers(book_page_for(user=head, filters=BookFilters(**kw)))

    assert nos(tier="diamond") == ["C1"]
    assert nos(tier="none") == ["C2", "C3"]
    assert nos(quadrant="basic") == ["C2"]
    assert nos(quadrant="none") == ["C3"]
    assert nos(red_list=True) == ["C3"]
    assert nos(red_list=False) == ["C1", "C2"]
    assert nos(orientation="value") == ["C3"]
    assert nos(orientation="none") == ["C1", "C2"]
    assert nos(service_established=False) == ["C1", "C2", "C3"]


def test_filter_form_ignores_bad_values(personas):
    form = BookFilterForm({"tier": "bogus", "red_list": "1"})
    assert form.filters() == BookFilters()
    assert BookFilterForm({"red_list": "0", "q": "zxm"}).filters() == BookFilters(
        q="zxm", red_list=False
    )


def test_keyset_pagination_walks_forward_and_back(personas):
    for n in range(7):
        CustomerFactory(customer_no=f"K{n:02d}", branch=personas.branch, manager=personas.manager)
    first = book_page_for(user=personas.manager, filters=BookFilters(), size=3)
    assert _numbers(first) == ["C1", "K00", "K01"]
    assert first.prev_before is None
    second = book_page_for(
        user=personas.manager, filters=BookFilters(), after=first.next_after, size=3
    )
    assert _numbers(second) == ["K02", "K03", "K04"]
    back = book_page_for(
        user=personas.manager, filters=BookFilters(), before=second.prev_before, size=3
    )
    assert _numbers(back) == ["C1", "K00", "K01"]
    assert back.prev_before is None
    last = book_page_for(user=personas.manager, filters=BookFilters(), after="K04", size=3)
    assert _numbers(last) == ["K05", "K06"]
    assert last.next_after is None


def test_book_page_links_carry_filters(client, personas):
    for n in range(display_settings().book_page_size + 1):
        CustomerFactory(customer_no=f"P{n:03d}", branch=personas.branch, manager=personas.manager)
    client.force_login(personas.manager)
    body = client.get(reverse("workbench:book"), {"red_list": "0"}).content.decode()
    assert "red_list=0&amp;after=P048" in body


def _book_queries(client, django_assert_num_queries, expected=None):
    with django_assert_num_queries(expected) if expected else _Counter() as counter:
        response = client.get(reverse("workbench:book"))
    assert response.status_code == 200
    return counter


class _Counter:
    def __enter__(self):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        self.ctx = CaptureQueriesContext(connection)
        self.ctx.__enter__()
        return self

    def __exit__(self, *exc):
        self.ctx.__exit__(*exc)

    @property
    def count(self):
        return len(self.ctx.captured_queries)


@pytest.mark.parametrize("staff_code", ["M1", "H1"])
def test_book_runs_a_fixed_number_of_queries(
    client, personas, django_assert_num_queries, staff_code
):
    user = personas.manager if staff_code == "M1" else personas.head
    manager = personas.manager
    for n in range(9):
        c = CustomerFactory(customer_no=f"Q{n:03d}", branch=personas.branch, manager=manager)
        segment(c)
    client.force_login(user)
    ten_rows = _book_queries(client, django_assert_num_queries).count
    for n in range(9, 60):
        c = CustomerFactory(customer_no=f"Q{n:03d}", branch=personas.branch, manager=manager)
        if n % 2:
            segment(c)
    # 50 rows (a full page) cost exactly what 10 rows cost.
    _book_queries(client, django_assert_num_queries, ten_rows)
    assert CustomerSegment.objects.count() > 10


def test_book_empty_state_says_what_to_do(client):
    staff = StaffFactory(staff_code="M55", role="customer_manager")
    client.force_login(staff)
    body = client.get(reverse("workbench:book")).content.decode()
    assert "名下暂无客户" in body
    body = client.get(reverse("workbench:book"), {"q": "nobody"}).content.decode()
    assert "没有符合条件的客户" in body


def test_searching_an_id_number_keeps_it_out_of_urls_and_pages(client, personas):
    client.force_login(personas.manager)
    id_no = personas.mine.id_no
    response = client.post(reverse("workbench:book"), {"q": id_no, "red_list": "0"})
    assert response.status_code == 302
    assert id_no not in response["Location"]
    assert "q=%2A" in response["Location"]
    body = client.get(response["Location"]).content.decode()
    assert id_no not in body
    assert personas.mine.id_no_masked in body  # echoed masked in the search box
    assert "曾小明" in body
    # Re-submitting the masked echo (e.g. with another filter) keeps the same search.
    again = client.post(reverse("workbench:book"), {"q": personas.mine.id_no_masked})
    assert "曾小明" in client.get(again["Location"]).content.decode()


def test_plain_search_posts_and_redirects_to_a_get(client, personas):
    client.force_login(personas.manager)
    response = client.post(reverse("workbench:book"), {"q": "zxm"})
    assert response["Location"] == reverse("workbench:book") + "?q=zxm"
