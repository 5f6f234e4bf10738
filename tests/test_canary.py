"""Canary: planted clear identity values must never appear in a page, an API answer or a log.

Every customer gets a known ID number, phone, e-mail, address and account number;
staff get a known phone. Then every customer-facing page is crawled as every
persona and the clear values are looked for in each answer.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from pcrm.audit.models import AuditEvent
from pcrm.customers.models import Customer
from pcrm.customers.services import customer_identity_set
from pcrm.lib import idcard
from pcrm.lib.masking import MaskingLogFilter, mask_phone
from pcrm.workbench.tests.helpers import segment
from tests.factories import HoldingFactory, InteractionFactory, ProductFactory

pytestmark = pytest.mark.django_db

PERSONAS = ["manager", "manager2", "advisor", "lobby", "teller", "head", "auditor", "admin"]
FIELDS = ("id_no", "phone", "email", "address")


def plant(personas) -> list[str]:
    """Give every customer and their holding known clear values; return them all."""
    planted: list[str] = []
    fund = ProductFactory(code="CAN", name="金丝雀基金", product_type="fund")
    for n, customer in enumerate(Customer.objects.order_by("customer_no")):
        values = {
            "id_no": idcard.make("110105", dt.date(1975, 3, 9), 700 + n),
            "phone": f"1860755{n:04d}",
            "email": f"canary.bird{n}@example.com",
            "address": f"北京市朝阳区金丝雀路{n + 17}号院8号楼",
        }
        customer_identity_set(customer, **values)
        customer.save()
        account = f"62148300{n:03d}77665544"
        HoldingFactory(
            customer=customer,
            product=fund,
            account_no=account,
            principal=Decimal(1000),
            market_value=Decimal(1200),
        )
        InteractionFactory(customer=customer, staff=personas.manager, purpose="金丝雀回访")
        segment(customer)
        planted += [*values.values(), account, values["address"][6:]]
    staff_phone = "13712345678"
    personas.manager.phone, personas.manager.phone_masked = staff_phone, mask_phone(staff_phone)
    personas.manager.save()
    return [*planted, staff_phone]


def customer_pages() -> list[str]:
    urls = [reverse("workbench:home"), reverse("workbench:book"), reverse("audit:events")]
    urls += [reverse("api:customer-list"), reverse("api:schema"), reverse("api:docs")]
    for customer in Customer.objects.all():
        no = customer.customer_no
        urls += [
            reverse("workbench:customer", args=[no]),
            reverse("api:customer-detail", args=[no]),
            *[reverse("workbench:reveal", args=[no, field]) for field in FIELDS],
        ]
    return urls


def admin_pages() -> list[str]:
    urls = [reverse("admin:index")]
    for name in (
        "org_bank",
        "org_branch",
        "org_staff",
        "org_apitoken",
        "customers_customer",
        "customers_holding",
        "customers_transaction",
        "customers_interaction",
        "customers_product",
        "worklist_workitem",
        "audit_auditevent",
    ):
        urls.append(reverse(f"admin:{name}_changelist"))
    from pcrm.customers.models import Holding
    from pcrm.org.models import Staff

    urls += [
        reverse("admin:customers_customer_change", args=[c.pk]) for c in Customer.objects.all()
    ]
    urls += [reverse("admin:customers_holding_change", args=[h.pk]) for h in Holding.objects.all()]
    urls += [reverse("admin:org_staff_change", args=[s.pk]) for s in Staff.objects.all()]
    return urls


def assert_clean(body: str, planted: list[str], where: str) -> None:
    leaked = [value for value in planted if value in body]
    assert not leaked, f"{where} shows clear values: {leaked}"


def crawl(client, personas, planted: list[str], who: str) -> dict[str, int]:
    client.force_login(getattr(personas, who))
    statuses: dict[str, int] = {}
    for url in [*customer_pages(), *admin_pages()]:
        response = client.get(url)
        statuses[url] = response.status_code
        assert_clean(response.content.decode(), planted, f"{who} GET {url}")
    book = client.get(reverse("workbench:book"), {"q": "金丝雀"})
    assert_clean(book.content.decode(), planted, f"{who} book search")
    return statuses


@pytest.mark.parametrize("who", PERSONAS)
def test_no_planted_value_in_any_page_or_api_answer(client, personas, who):
    planted = plant(personas)
    # Leave a trail for the audit page: a reveal and a contact by the manager.
    client.force_login(personas.manager)
    client.post(reverse("workbench:reveal", args=["C1", "phone"]), {"reason": "核实身份"})
    client.post(
        reverse("workbench:log_contact", args=["C1"]),
        {"channel": "phone", "outcome": "reached", "purpose": "到期提醒"},
    )
    statuses = crawl(client, personas, planted, who)
    c1 = reverse("workbench:customer", args=["C1"])
    # The crawl really saw pages: whoever may see C1 got it in full.
    if who in {"manager", "lobby", "teller", "head"}:
        assert statuses[c1] == 200
    else:
        assert statuses[c1] == 404
    if who == "auditor":
        assert statuses[reverse("audit:events")] == 200
    if who == "admin":
        assert statuses[reverse("admin:org_staff_changelist")] == 200


def test_no_planted_value_in_customer_admin_when_granted(client, personas, monkeypatch):
    """A bank may grant ``customer.admin``; its pages still show masked values only."""
    from pcrm.customers import admin as customers_admin

    planted = plant(personas)
    monkeypatch.setattr(customers_admin.CustomerDataAdmin, "capability", "system.configure")
    client.force_login(personas.admin)
    for url in admin_pages():
        response = client.get(url)
        assert response.status_code == 200, url
        assert_clean(response.content.decode(), planted, f"admin GET {url}")


def test_reveal_logs_masked_and_audits_once_with_reason(client, personas):
    planted = plant(personas)
    customer = Customer.objects.get(customer_no="C1")
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskingLogFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    connection.force_debug_cursor = True  # log every SQL statement with its parameters
    try:
        client.force_login(personas.manager)
        response = client.post(
            reverse("workbench:reveal", args=["C1", "phone"]), {"reason": "客户来电核实"}
        )
        # A careless log line with the clear value is masked by the handler's filter too.
        logging.getLogger("pcrm.canary").warning("callback to %s", customer.phone)
    finally:
        connection.force_debug_cursor = False
        root.removeHandler(handler)
        root.setLevel(old_level)
    assert customer.phone in response.content.decode()  # shown once, to the asker
    output = stream.getvalue()
    assert "reveal customer=C1 field=phone" in output
    assert customer.phone_masked in output
    assert_clean(output, planted, "log output")
    events = AuditEvent.objects.filter(action="customer.reveal")
    assert events.count() == 1
    assert events.get().reason == "客户来电核实"
    assert_clean(str(list(AuditEvent.objects.values())), planted, "audit trail")


def parameterless_pages() -> list[str]:
    """Every GET-able page of every app that takes no argument (lists, dashboards, forms)."""
    from django.urls import URLPattern, URLResolver, get_resolver

    skip = ("/accounts/", "/i18n/", "/admin/", "/notify/stream/", "/static/")
    found: list[str] = []

    def walk(patterns: list, prefix: str) -> None:  # type: ignore[type-arg]
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern) and "<" not in route and "(?P" not in route:
                url = "/" + (prefix + route).lstrip("^").replace("\\Z", "").replace("$", "")
                if not url.startswith(skip):
                    found.append(url)

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


@pytest.mark.parametrize("who", PERSONAS)
def test_every_parameterless_page_is_clean_and_does_not_fail(client, personas, who):
    planted = plant(personas)
    client.force_login(getattr(personas, who))
    pages = parameterless_pages()
    assert len(pages) > 20  # the walk really found the apps' pages
    for url in pages:
        response = client.get(url)
        assert response.status_code < 500, f"{who} GET {url} → {response.status_code}"
        body = b"".join(response) if response.streaming else response.content
        assert_clean(body.decode(errors="replace"), planted, f"{who} GET {url}")
