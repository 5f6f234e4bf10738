import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pcrm.customers.models import Interaction
from pcrm.worklist.models import WorkItem

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def test_my_list_shows_the_items_with_their_facts(client, personas, make_item):
    make_item(
        customer=personas.mine,
        staff=personas.manager,
        kind="maturity_reminder",
        priority=2,
        due_in=-1,
        reason="定期存款 5 万元将于明天到期。",
    )
    make_item(customer=personas.theirs, staff=personas.manager2, reason="别人的事项")
    client.force_login(personas.manager)

    html = client.get(reverse("worklist:mine")).content.decode()

    assert "到期提醒" in html
    assert "定期存款 5 万元将于明天到期。" in html
    assert "曾小明" in html
    assert 'href="/customers/C1/"' in html
    assert "逾期" in html
    assert "电话" in html
    assert "情感关怀" in html
    assert "别人的事项" not in html


def test_upcoming_tab(client, personas, make_item):
    make_item(customer=personas.mine, staff=personas.manager, due_in=3, reason="三天后的事")
    client.force_login(personas.manager)
    assert "三天后的事" not in client.get(reverse("worklist:mine")).content.decode()
    upcoming = client.get(reverse("worklist:mine") + "?tab=upcoming").content.decode()
    assert "三天后的事" in upcoming


def test_empty_state(client, personas):
    client.force_login(personas.manager)
    assert "今天没有到期或逾期的工作项" in client.get(reverse("worklist:mine")).content.decode()


def test_roles_without_a_work_list_are_refused(client, personas):
    client.force_login(personas.teller)
    assert client.get(reverse("worklist:mine")).status_code == 403


def test_masked_role_sees_masked_name(client, personas, make_item):
    make_item(customer=personas.mine, staff=personas.lobby, kind="walk_in")
    client.force_login(personas.lobby)
    html = client.get(reverse("worklist:mine")).content.decode()
    assert "曾**" in html
    assert "曾小明" not in html


def test_complete_through_htmx_returns_the_row_in_its_new_state(client, personas, make_item):
    item = make_item(customer=personas.mine, staff=personas.manager)
    client.force_login(personas.manager)

    response = client.post(
        reverse("worklist:complete", args=[item.pk]),
        {"outcome": "reached", "notes": "已联系"},
        **HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f'id="item-{item.pk}"' in html
    assert "<html" not in html  # a fragment, not the page
    assert "已完成" in html
    assert "已联系上" in html
    assert 'name="outcome"' not in html  # no more actions on a closed item
    assert Interaction.objects.get().work_item_key == item.item_key


def test_defer_through_htmx(client, personas, make_item):
    item = make_item(customer=personas.mine, staff=personas.manager)
    until = timezone.localdate() + dt.timedelta(days=2)
    client.force_login(personas.manager)
    html = client.post(
        reverse("worklist:defer", args=[item.pk]), {"until": until.isoformat()}, **HTMX
    ).content.decode()
    assert f"已延期至 {until:%Y-%m-%d}" in html
    assert WorkItem.objects.get(pk=item.pk).due_on == until


def test_defer_to_today_shows_the_error_in_the_row(client, personas, make_item):
    item = make_item(customer=personas.mine, staff=personas.manager)
    client.force_login(personas.manager)
    response = client.post(
        reverse("worklist:defer", args=[item.pk]),
        {"until": timezone.localdate().isoformat()},
        **HTMX,
    )
    html = response.content.decode()
    assert "延期日期必须晚于今天" in html
    assert html.count("<details open>") == 1  # the defer form stays open to correct
    assert WorkItem.objects.get(pk=item.pk).status == "open"


def test_skip_without_reason_is_refused_in_the_row(client, personas, make_item):
    item = make_item(customer=personas.mine, staff=personas.manager)
    client.force_login(personas.manager)
    html = client.post(
        reverse("worklist:skip", args=[item.pk]), {"reason": ""}, **HTMX
    ).content.decode()
    assert "errorlist" in html
    assert WorkItem.objects.get(pk=item.pk).status == "open"
    html = client.post(
        reverse("worklist:skip", args=[item.pk]), {"reason": "客户已搬走"}, **HTMX
    ).content.decode()
    assert "已跳过" in html
    assert "客户已搬走" in html


def test_someone_elses_item_is_404(client, personas, make_item):
    item = make_item(customer=personas.theirs, staff=personas.manager2)
    client.force_login(personas.manager)
    for name, data in [
        ("worklist:complete", {"outcome": "reached"}),
        ("worklist:skip", {"reason": "x"}),
        ("worklist:defer", {"until": "2999-01-01"}),
    ]:
        assert client.post(reverse(name, args=[item.pk]), data, **HTMX).status_code == 404
    assert WorkItem.objects.get(pk=item.pk).status == "open"


def test_without_htmx_the_action_redirects_back(client, personas, make_item):
    item = make_item(customer=personas.mine, staff=personas.manager)
    client.force_login(personas.manager)
    response = client.post(reverse("worklist:complete", args=[item.pk]), {"outcome": "declined"})
    assert response.status_code == 302
    assert response["Location"] == reverse("worklist:mine")
    assert WorkItem.objects.get(pk=item.pk).outcome == "declined"


def test_actions_need_post(client, personas, make_item):
    item = make_item(customer=personas.mine, staff=personas.manager)
    client.force_login(personas.manager)
    assert client.get(reverse("worklist:complete", args=[item.pk])).status_code == 405


def test_the_list_page_runs_a_fixed_number_of_queries(
    client, personas, make_item, django_assert_max_num_queries
):
    client.force_login(personas.manager)
    client.get(reverse("worklist:mine"))  # warm the session

    def queries_for(n):
        for _ in range(n):
            make_item(customer=personas.mine, staff=personas.manager)
        with django_assert_max_num_queries(100) as captured:
            assert client.get(reverse("worklist:mine")).status_code == 200
        return len(captured)

    assert queries_for(5) == queries_for(25)
