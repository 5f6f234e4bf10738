import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from pcrm.audit.models import AuditEvent
from pcrm.customers.models import Interaction
from pcrm.workbench.display import display_settings
from pcrm.workbench.tests.helpers import segment
from tests.factories import HoldingFactory, InteractionFactory, ProductFactory

pytestmark = pytest.mark.django_db


def url(name, customer, *args):
    return reverse(f"workbench:{name}", args=[customer.customer_no, *args])


def test_360_shows_profile_segment_holdings_and_timeline(client, personas):
    c = personas.mine
    c.work_unit, c.family, c.lunar_birthday = "上海某研究所", "已婚，一子", True
    c.save()
    signals = ["large_inflow", "他行资产较多"]
    segment(c, potential_estimated=False, explanation={"potential_signals": signals})
    soon = timezone.localdate() + dt.timedelta(days=display_settings().maturity_highlight_days)
    fund = ProductFactory(code="F1", name="成长基金", product_type="fund", risk_level="R4")
    holding = HoldingFactory(
        customer=c,
        product=fund,
        principal=Decimal("100000"),
        market_value=Decimal("88000"),
        matures_on=soon,
    )
    InteractionFactory(customer=c, staff=personas.manager, purpose="到期提醒沟通")
    client.force_login(personas.manager)
    body = client.get(url("customer", c)).content.decode()
    for text in ("曾小明", "上海某研究所", "已婚，一子", "过农历生日", "白金", "核心客户"):
        assert text in body
    assert "1,234,567.89" in body  # AUM from the segment
    assert "经理评定" in body
    assert "他行资产较多" in body  # a code without a label is shown as it is
    assert "有大额资金流入" in body
    assert "large_inflow" not in body
    assert "成长基金" in body
    assert holding.account_no_masked in body
    assert holding.account_no not in body
    assert "-12,000.00" in body
    assert "-12.00%" in body
    assert "matures-soon" in body
    assert "到期提醒沟通" in body


def test_360_without_segment_says_not_yet_run(client, personas):
    client.force_login(personas.manager)
    body = client.get(url("customer", personas.mine)).content.decode()
    assert "尚未运行分层" in body
    assert "暂无持有产品" in body


def test_holding_beyond_the_window_is_not_highlighted(client, personas):
    later = timezone.localdate() + dt.timedelta(days=display_settings().maturity_highlight_days + 1)
    HoldingFactory(customer=personas.mine, matures_on=later)
    client.force_login(personas.manager)
    assert "matures-soon" not in client.get(url("customer", personas.mine)).content.decode()


@pytest.mark.parametrize("who", ["manager", "advisor", "other_manager"])
def test_360_of_another_managers_customer_is_404(client, personas, who):
    client.force_login(getattr(personas, who))
    assert client.get(url("customer", personas.theirs)).status_code == 404
    assert client.post(url("log_contact", personas.theirs), {}).status_code == 404
    assert client.get(url("reveal", personas.theirs, "phone")).status_code == 404


@pytest.mark.parametrize("who", ["teller", "lobby"])
def test_teller_and_lobby_see_masked_identity_and_tier_only(client, personas, who):
    segment(personas.mine, tier="diamond")
    HoldingFactory(customer=personas.mine)
    InteractionFactory(customer=personas.mine, staff=personas.manager, purpose="秘密备注")
    client.force_login(getattr(personas, who))
    body = client.get(url("customer", personas.mine)).content.decode()
    assert "曾*" in body
    assert "曾小明" not in body
    assert "钻石" in body
    for hidden in ("1,234,567.89", "持有产品", "秘密备注", "查看明文", "登记联系"):
        assert hidden not in body
    assert client.get(url("reveal", personas.mine, "phone")).status_code == 403
    response = client.post(url("reveal", personas.mine, "phone"), {"reason": "想看看"})
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="customer.reveal").exists()


def test_branch_head_sees_sub_branch_but_not_elsewhere(client, personas):
    client.force_login(personas.head)
    assert client.get(url("customer", personas.sub)).status_code == 200
    assert client.get(url("customer", personas.theirs)).status_code == 200
    assert client.get(url("customer", personas.elsewhere)).status_code == 404


def test_reveal_asks_for_a_reason_then_shows_value_once_and_audits(client, personas):
    client.force_login(personas.manager)
    form = client.get(url("reveal", personas.mine, "id_no"), headers={"HX-Request": "true"})
    assert "查看证件号码的事由" in form.content.decode()
    assert personas.mine.id_no not in form.content.decode()
    empty = client.post(url("reveal", personas.mine, "id_no"), {"reason": ""})
    assert personas.mine.id_no not in empty.content.decode()
    assert not AuditEvent.objects.filter(action="customer.reveal").exists()
    shown = client.post(url("reveal", personas.mine, "id_no"), {"reason": "客户来电核实身份"})
    assert personas.mine.id_no in shown.content.decode()
    assert shown["Cache-Control"].startswith("max-age=0")
    events = AuditEvent.objects.filter(action="customer.reveal")
    assert events.count() == 1
    assert events.get().reason == "客户来电核实身份"
    assert events.get().data == {"customer_no": "C1", "field": "id_no"}
    # The page itself still shows only the masked value.
    assert personas.mine.id_no not in client.get(url("customer", personas.mine)).content.decode()


def test_unknown_reveal_field_is_404(client, personas):
    client.force_login(personas.manager)
    assert client.get(url("reveal", personas.mine, "name")).status_code == 404


def test_log_contact_by_htmx_returns_timeline_with_the_entry(client, personas):
    client.force_login(personas.manager)
    response = client.post(
        url("log_contact", personas.mine),
        {"channel": "phone", "outcome": "reached", "purpose": "产品到期提醒", "notes": "下周来行"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="contact"' in body
    assert "产品到期提醒" in body
    assert "联系记录已登记" in body
    assert "<html" not in body
    logged = Interaction.objects.get(customer=personas.mine)
    assert logged.staff == personas.manager
    personas.mine.refresh_from_db()
    assert personas.mine.service_established


def test_log_contact_with_invalid_input_shows_errors(client, personas):
    client.force_login(personas.manager)
    response = client.post(
        url("log_contact", personas.mine), {"channel": "pigeon"}, headers={"HX-Request": "true"}
    )
    assert "errorlist" in response.content.decode()
    assert not Interaction.objects.exists()


def test_log_contact_without_htmx_redirects_to_360(client, personas):
    client.force_login(personas.manager)
    response = client.post(
        url("log_contact", personas.mine), {"channel": "sms", "outcome": "reached"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("customer", personas.mine)
    assert Interaction.objects.filter(channel="sms").count() == 1


def test_contact_terms_are_recorded_with_who_and_when(client, personas):
    client.force_login(personas.manager)
    response = client.post(
        url("contact_terms", personas.mine),
        {"contact_preference": "do_not_disturb"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "免打扰" in body
    assert "吴经理 记录于" in body
    assert "已撤回" in body  # the unticked consent box withdraws consent
    personas.mine.refresh_from_db()
    assert personas.mine.contact_preference_recorded_by == personas.manager
    assert not personas.mine.marketing_consent


def test_teller_cannot_edit_contact_terms_or_profile(client, personas):
    client.force_login(personas.teller)
    assert client.post(url("contact_terms", personas.mine), {}).status_code == 403
    assert client.post(url("profile", personas.mine), {"work_unit": "x"}).status_code == 403


def test_profile_completion(client, personas):
    client.force_login(personas.manager)
    response = client.post(
        url("profile", personas.mine),
        {"work_unit": "某医院", "occupation": "医生", "orientation": "value", "potential": "70"},
        headers={"HX-Request": "true"},
    )
    assert "资料已保存" in response.content.decode()
    personas.mine.refresh_from_db()
    assert (personas.mine.work_unit, personas.mine.orientation, personas.mine.potential) == (
        "某医院",
        "value",
        70,
    )
    assert AuditEvent.objects.filter(action="customer.profile").count() == 1


def test_home_counts_open_work_items(client, personas):
    from pcrm.worklist.models import WorkItem

    today = timezone.localdate()
    for n, (due, status) in enumerate(
        [(today, "open"), (today, "open"), (today - dt.timedelta(days=2), "open"), (today, "done")]
    ):
        WorkItem.objects.create(
            item_key=f"k{n}",
            customer=personas.mine,
            staff=personas.manager,
            branch=personas.branch,
            kind="maintenance",
            due_on=due,
            channel="phone",
            content="care",
            priority=1,
            reason="r",
            status=status,
        )
    client.force_login(personas.manager)
    body = client.get(reverse("workbench:home")).content.decode()
    assert 'data-testid="due-today">2<' in body
    assert 'data-testid="overdue">1<' in body
    assert "吴经理" in body
    assert reverse("workbench:book") in body


def test_home_for_auditor_has_no_book_search(client, personas):
    client.force_login(personas.auditor)
    body = client.get(reverse("workbench:home")).content.decode()
    assert reverse("workbench:book") not in body
    assert "查找客户" not in body
