"""Dashboards: figures from the snapshot, visibility, drill-down totals, exports, queries."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from pcrm.playbook.models import DailySnapshot
from pcrm.playbook.snapshots import snapshot_take
from pcrm.playbook.tests.snapshot_bank import today
from tests.factories import CustomerFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _get(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


def _tile_links(html: str) -> dict[str, tuple[str, str]]:
    """metric → (href, shown value) of every drillable tile on the page."""
    found = re.findall(r'<a class="num"\s+href="([^"]+)"\s+data-metric="([^"]+)">([^<]*)</a>', html)
    return {metric: (href.replace("&amp;", "&"), value) for href, metric, value in found}


def test_branch_head_sees_the_hand_counted_figures(client, snapped):
    response = _get(client, snapped.head, reverse("reports:branch", args=["B1"]))
    assert response.status_code == 200
    tiles = _tile_links(response.content.decode())
    assert tiles["customers"][1] == "2"
    assert tiles["aum"][1] == "1,700,000"
    assert tiles["loyalty"][1] == "61.7"
    assert tiles["satisfaction"][1] == "4.00"
    assert tiles["complaints_open"][1] == "2"
    assert tiles["complaints_due_soon"][1] == "1"
    assert tiles["wi_created"][1] == "3"
    assert tiles["survey_satisfaction"][1] == "2.00"
    assert tiles["plans_on_track"][1] == "0"  # a count the day's snapshot lacks is zero
    assert "吴经理" in response.content.decode()  # the per-staff table


@pytest.mark.parametrize(
    "metric",
    ["customers", "wi_created", "wi_completed", "wi_overdue", "complaints_open",
     "complaints_due_soon", "complaints_overdue", "complaints_decided_in_time"],
)  # fmt: skip
def test_drill_down_totals_equal_the_tiles(client, snapped, metric):
    page = _get(client, snapped.head, reverse("reports:branch", args=["B1"])).content.decode()
    href, shown = _tile_links(page)[metric]
    drill = client.get(href)
    assert drill.status_code == 200
    total = re.search(r'class="drill-total">(\d+)<', drill.content.decode()).group(1)
    assert total == shown.replace(",", "")


def test_drill_by_dimension_and_staff(client, snapped):
    client.force_login(snapped.head)
    base = reverse("reports:branch_drill", args=["B1", "customers_by_tier"])
    body = client.get(base, {"dim": "gold"}).content.decode()
    assert 'class="drill-total">1<' in body
    assert "C1" in body
    assert "曾*" in body
    assert "曾小明" not in body
    uncovered = client.get(
        reverse("reports:branch_drill", args=["B1", "uncovered_by_quadrant"]), {"dim": "lift"}
    )
    assert 'class="drill-total">1<' in uncovered.content.decode()
    mine = client.get(
        reverse("reports:branch_drill", args=["B1", "wi_overdue"]),
        {"staff": snapped.manager.pk},
    )
    assert 'class="drill-total">1<' in mine.content.decode()
    # An average drills into the rows it averages: one answered survey in the window.
    answers = client.get(reverse("reports:branch_drill", args=["B1", "survey_satisfaction"]))
    assert 'class="drill-total">1<' in answers.content.decode()


def test_other_branch_and_other_roles_get_404(client, snapped):
    assert _get(client, snapped.head, reverse("reports:branch", args=["B9"])).status_code == 404
    assert _get(client, snapped.head, reverse("reports:bank")).status_code == 404
    drill = reverse("reports:branch_drill", args=["B9", "customers"])
    assert _get(client, snapped.head, drill).status_code == 404
    for user in (snapped.manager, snapped.teller, snapped.lobby):
        assert _get(client, user, reverse("reports:branch", args=["B1"])).status_code == 404
        assert _get(client, user, reverse("reports:home")).status_code == 404
    # The head sees the sub-branch too.
    assert _get(client, snapped.head, reverse("reports:branch", args=["B2"])).status_code == 200


def test_bank_view_compares_branches(client, snapped):
    response = _get(client, snapped.auditor, reverse("reports:bank"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "第一支行" in body
    assert "其他支行" in body
    tiles = _tile_links(body)
    assert tiles["customers"][1] == "4"
    drill = client.get(tiles["customers"][0])
    assert 'class="drill-total">4<' in drill.content.decode()
    assert _get(client, snapped.auditor, reverse("reports:home")).url == reverse("reports:bank")


def test_dashboard_runs_a_fixed_number_of_queries(client, snapped):
    client.force_login(snapped.head)
    url = reverse("reports:branch", args=["B1"])
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        client.get(url)
    # More staff with customers and a second day in the range: the same number of queries.
    for n in range(5):
        staff = StaffFactory(staff_code=f"QX{n}", role="customer_manager", branch=snapped.branch)
        CustomerFactory(customer_no=f"CQ{n}", branch=snapped.branch, manager=staff)
    snapshot_take(actor=None, as_of=today() - dt.timedelta(days=1))
    snapshot_take(actor=None, as_of=today())
    rows_before = len(first)
    with CaptureQueriesContext(connection) as second:
        body = client.get(url).content.decode()
    assert body.count("<tr>") > 10
    assert DailySnapshot.objects.filter(staff__staff_code__startswith="QX").exists()
    assert len(second) == rows_before <= 12


def test_tables_and_drill_lists_export_masked_xlsx(client, snapped):
    from pcrm.customers.models import Customer

    Customer.objects.filter(pk=snapped.mine.pk).update(name="=HYPERLINK(1)")
    client.force_login(snapped.head)
    table = client.get(reverse("reports:branch_table", args=["B1", "tiers"]))
    assert table.status_code == 200
    sheet = load_workbook(io.BytesIO(table.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "类别"
    assert len(rows) == 3
    drill = client.get(
        reverse("reports:branch_drill", args=["B1", "customers"]), {"format": "xlsx"}
    )
    rows = list(load_workbook(io.BytesIO(drill.content)).active.iter_rows(values_only=True))
    names = {row[1] for row in rows[1:]}
    assert len(rows) == 3
    assert all(not str(n).startswith("=") for n in names)  # masked and neutralised
    assert "单*" in names
    bank = _get(client, snapped.auditor, reverse("reports:bank_table", args=["branches"]))
    assert bank.status_code == 200
    assert (
        _get(client, snapped.head, reverse("reports:bank_table", args=["branches"])).status_code
        == 404
    )
