"""Value plans (on/off track and effect) and referrer credit on the branch dashboard.

Hand-counted fixture (on top of the snapshot bank), day T = today:

Plans of B1 —
- P1 (owner M1, C1 whose AUM is 200 000): baseline AUM 150 000 and no goal product,
  goal AUM 250 000 and product PW (C1 holds it), T-10 → T+10, one action done and one
  due T+5. Time used 50 %, AUM progress 50 % → on track; effect +50 000, PW 0 → 1 of 1.
- P2 (owner M2, C2 whose AUM is 1 500 000): baseline 1 600 000, goal 2 000 000,
  T-30 → T+30, an action due T-1 not done → off track; effect −100 000.
- P3 (M1, C1) is done; P9 is another branch's. B1: on 1, off 1, done 1, change −50 000.

Referrals of B1 (events of day T only count in its snapshot) —
- by L1 (郑大堂): R1 made today, accepted, contacted, established and sold today;
  R2 made today, pending → 2 made, 1 accepted, 1 contacted, 1 established, 1 sold,
  credit 1 + 3 + 5 = 9 (acquisition policy points).
- by T1 (王柜员): R3 made today and declined; R4 made 40 days ago, established today →
  1 made, 0 accepted, 0 contacted, 1 established, 0 sold, credit 3.
- The funnel tiles: referrals 3, established 2, sold 1.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pcrm.acquisition.models import Referral
from pcrm.acquisition.services.referrals import referral_credit
from pcrm.playbook.models import DailySnapshot
from pcrm.playbook.snapshots import snapshot_take
from pcrm.playbook.tests import snapshot_bank
from pcrm.reports.dashboard import branch_page
from pcrm.reports.figures import figures_for, range_for
from pcrm.value.models import PlanAction, ValuePlan
from pcrm.value.plans import plan_effect, plan_off_track, plan_progress
from pcrm.value.selectors import plan_figures
from tests.factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _plan(p: Any, title: str, owner: Any, customer: Any, base: int, goal: int, **kw: Any) -> Any:
    t = snapshot_bank.today()
    start, due = kw.pop("span", (-10, 10))
    plan = ValuePlan.objects.create(
        title=title,
        branch=customer.branch,
        owner=owner,
        goal_aum=Decimal(goal),
        starts_on=t + dt.timedelta(days=start),
        due_on=t + dt.timedelta(days=due),
        baseline={
            "customers": {customer.customer_no: {"aum": f"{base}.00", "products": [], "tier": ""}},
            "aum": f"{base}.00",
        },
        **kw,
    )
    plan.customers.set([customer])
    return plan


def _action(plan: Any, due_in: int, done: bool) -> None:
    t = snapshot_bank.today()
    PlanAction.objects.create(
        plan=plan,
        title="回访",
        owner=plan.owner,
        due_on=t + dt.timedelta(days=due_in),
        done_on=t if done else None,
    )


def _referral(p: Any, referrer: Any, days_ago: int = 0, **steps: Any) -> Referral:
    referral = Referral.objects.create(
        referrer=referrer, target=p.manager, branch=p.branch, customer=p.mine, **steps
    )
    created = timezone.now() - dt.timedelta(days=days_ago)
    Referral.objects.filter(pk=referral.pk).update(created_at=created)
    return referral


def build(p: Any) -> dict[str, Any]:
    snapshot_bank.build(p)
    now = timezone.now()
    p1 = _plan(p, "P1 提升", p.manager, p.mine, 150000, 250000)
    p1.goal_products.set([ProductFactory(code="PW")])
    _action(p1, -3, True)
    _action(p1, 5, False)
    p2 = _plan(p, "P2 稳定", p.manager2, p.theirs, 1600000, 2000000, span=(-30, 30))
    _action(p2, -1, False)
    _plan(p, "P3 已完成", p.manager, p.mine, 100000, 150000, status="done")
    _plan(p, "P9 外行", p.other_manager, p.elsewhere, 100000, 900000)
    every = {"decided_at": now, "contacted_at": now, "established_at": now}
    _referral(p, p.lobby, status="accepted", product_sold_at=now, **every)
    _referral(p, p.lobby)
    _referral(p, p.teller, status="declined", decided_at=now)
    _referral(p, p.teller, 40, status="accepted", decided_at=now - dt.timedelta(40),
              established_at=now)  # fmt: skip
    snapshot_take(actor=None, as_of=snapshot_bank.today())
    return {"p1": p1, "p2": p2}


@pytest.fixture
def bank(personas: Any) -> Any:
    personas.plans = build(personas)
    return personas


def _tiles(html: str) -> dict[str, tuple[str, str]]:
    found = re.findall(r'<a class="num"\s+href="([^"]+)"\s+data-metric="([^"]+)">([^<]*)</a>', html)
    return {metric: (href.replace("&amp;", "&"), value) for href, metric, value in found}


def _drill_total(client: Any, href: str) -> int:
    body = client.get(href).content.decode()
    return int(re.search(r'class="drill-total">(\d+)<', body).group(1))


def _page(client: Any, user: Any, code: str = "B1") -> str:
    client.force_login(user)
    response = client.get(reverse("reports:branch", args=[code]))
    assert response.status_code == 200
    return str(response.content.decode())


def test_bulk_plan_figures_equal_the_value_apps_per_plan_rule(bank) -> None:  # type: ignore[no-untyped-def]
    plans = list(ValuePlan.objects.order_by("pk"))
    for fig in plan_figures(plans):
        effect, progress = plan_effect(fig.plan), plan_progress(fig.plan)
        assert fig.off_track == plan_off_track(fig.plan), fig.plan.title
        assert (fig.aum_base, fig.aum_now, fig.aum_change, fig.aum_progress) == (
            effect["aum_base"], effect["aum_now"], effect["aum_change"], effect["aum_progress"],
        )  # fmt: skip
        assert (fig.products_base, fig.products_now, fig.products_goal) == (
            effect["products_base"], effect["products_now"], effect["products_goal"],
        )  # fmt: skip
        assert (fig.actions_planned, fig.actions_done, fig.actions_overdue) == (
            progress["planned"], progress["done"], progress["overdue"],
        )  # fmt: skip
    by_title = {f.plan.title: f for f in plan_figures(plans)}
    assert not by_title["P1 提升"].off_track
    assert by_title["P1 提升"].aum_change == Decimal("50000")
    assert (by_title["P1 提升"].products_base, by_title["P1 提升"].products_now) == (0, 1)
    assert by_title["P2 稳定"].off_track
    assert by_title["P2 稳定"].aum_change == Decimal("-100000")


def test_plan_tiles_come_from_the_snapshot_and_drill_to_the_same_plans(client, bank) -> None:  # type: ignore[no-untyped-def]
    tiles = _tiles(_page(client, bank.head))
    assert tiles["plans_on_track"][1] == "1"
    assert tiles["plans_off_track"][1] == "1"
    assert tiles["plans_done"][1] == "1"
    assert tiles["plans_aum_change"][1] == "-50,000"
    for metric in ("plans_on_track", "plans_off_track", "plans_done"):
        assert _drill_total(client, tiles[metric][0]) == int(tiles[metric][1]), metric
    off = client.get(tiles["plans_off_track"][0]).content.decode()
    assert "P2 稳定" in off
    assert "P1 提升" not in off
    # The AUM change tile equals the sum of the change column of the plans behind it.
    rows = client.get(tiles["plans_aum_change"][0], {"format": "xlsx"}).content
    sheet = list(load_workbook(io.BytesIO(rows)).active.iter_rows(values_only=True))
    change = sheet[0].index("资产变化（元）")
    assert sum(r[change] for r in sheet[1:]) == -50000
    # Per owner: M1's snapshot row and drill.
    m1 = DailySnapshot.objects.get(staff=bank.manager, metric="plans_on_track")
    assert m1.value == 1
    mine = reverse("reports:branch_drill", args=["B1", "plans_on_track"])
    assert _drill_total(client, f"{mine}?staff={bank.manager.pk}") == 1
    assert _drill_total(client, f"{mine}?staff={bank.manager2.pk}") == 0


def test_plan_table_links_each_plan_and_exports(client, bank) -> None:  # type: ignore[no-untyped-def]
    html = _page(client, bank.head)
    p1, p2 = bank.plans["p1"], bank.plans["p2"]
    assert f'<a href="{reverse("value:plan", args=[p1.pk])}">P1 提升</a>' in html
    assert f'<a href="{reverse("value:plan", args=[p2.pk])}">P2 稳定</a>' in html
    assert "P3 已完成" not in html
    assert "P9 外行" not in html
    response = client.get(reverse("reports:branch_table", args=["B1", "plans"]))
    sheet = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    head = sheet[0]
    rows = {r[0]: dict(zip(head, r, strict=True)) for r in sheet[1:]}
    assert set(rows) == {"P1 提升", "P2 稳定"}
    assert rows["P1 提升"]["资产变化（元）"] == 50000
    assert rows["P1 提升"]["资产目标进度（%）"] == 50
    assert rows["P1 提升"]["目标产品：当前"] == 1
    assert rows["P1 提升"]["进度"] == "正常"
    assert rows["P2 稳定"]["逾期行动"] == 1
    assert rows["P2 稳定"]["进度"] == "滞后"
    bank_sheet = client.get(reverse("reports:bank_table", args=["plans"]))
    assert bank_sheet.status_code == 404  # a branch head has no bank view


def test_plan_table_is_paginated_with_a_fixed_number_of_queries(client, bank) -> None:  # type: ignore[no-untyped-def]
    client.force_login(bank.head)
    url = reverse("reports:branch", args=["B1"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(30):
        customer = CustomerFactory(customer_no=f"CP{n}", branch=bank.branch, manager=bank.manager)
        plan = _plan(bank, f"PX{n}", bank.manager, customer, 1000, 5000)
        plan.goal_products.set([ProductFactory(code="PW")])
        _action(plan, -1, n % 2 == 0)
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert len(many) == len(few)
    assert len(re.findall(r'href="/value/plans/\d+/"', body)) == 20  # one page of plans
    assert "1 / 2" in body
    second = client.get(url, {"plans_page": 2}).content.decode()
    assert len(re.findall(r'href="/value/plans/\d+/"', second)) == 12


def test_referrer_credit_table_hand_counted_and_drills(client, bank) -> None:  # type: ignore[no-untyped-def]
    span = range_for(None, None, snapshot_bank.today())
    tables = branch_page(figures_for(branch=bank.branch, span=span), span)["tables"]
    referrers = {row[0]: row[1:] for row in tables["referrers"].rows}
    assert referrers == {"郑大堂": [2, 1, 1, 1, 1, 9], "王柜员": [1, 0, 0, 1, 0, 3]}
    # The credit agrees with the acquisition app's own per-referral credit.
    lobby = Referral.objects.filter(referrer=bank.lobby)
    assert sum(referral_credit(r) for r in lobby) == 9
    # Referrers without work items stay out of the work table.
    assert {row[0] for row in tables["staff"].rows} == {"吴经理", "陈经理"}

    html = _page(client, bank.head)
    tiles = _tiles(html)
    assert tiles["referrals"][1] == "3"
    assert tiles["referrals_established"][1] == "2"
    assert tiles["referrals_sold"][1] == "1"
    assert sum(r[0] for r in referrers.values()) == 3  # the column totals equal the tiles
    assert sum(r[3] for r in referrers.values()) == 2
    for metric in ("referrals", "referrals_established", "referrals_sold"):
        assert _drill_total(client, tiles[metric][0]) == int(tiles[metric][1]), metric
    # Each count cell drills into its referrals.
    section = html[html.index('id="table-referrers"') :]
    links = re.findall(r'<a href="([^"]+)">(\d+|郑大堂|王柜员)</a>', section)
    assert links
    for href, shown in links:
        total = _drill_total(client, href.replace("&amp;", "&"))
        expected = {"郑大堂": 2, "王柜员": 1}.get(shown)
        assert total == (expected if expected is not None else int(shown))
    response = client.get(reverse("reports:branch_table", args=["B1", "referrers"]))
    sheet = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert sheet[0] == ("推荐人", "推荐", "已接收", "已联系", "确立关系", "成交产品", "积分")
    assert sheet[1:] == [("郑大堂", 2, 1, 1, 1, 1, 9), ("王柜员", 1, 0, 0, 1, 0, 3)]


def test_bank_view_compares_plans_referrals_and_growth_across_branches(client, bank) -> None:  # type: ignore[no-untyped-def]
    # P9 (B9): AUM 300 000 against a baseline of 100 000 and a goal of 900 000 is 25 %
    # of the way with half the time used → off track.
    client.force_login(bank.auditor)
    response = client.get(reverse("reports:bank_table", args=["branches"]))
    sheet = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    rows = {r[0]: dict(zip(sheet[0], r, strict=True)) for r in sheet[1:]}
    b1, b9 = rows["B1 第一支行"], rows["B9 其他支行"]
    assert (b1["提升计划：正常"], b1["提升计划：滞后"], b1["推荐"]) == (1, 1, 3)
    assert (b9["提升计划：正常"], b9["提升计划：滞后"], b9["推荐"]) == (0, 1, 0)
    html = client.get(reverse("reports:bank")).content.decode()
    tiles = _tiles(html)
    assert tiles["plans_off_track"][1] == "2"
    assert _drill_total(client, tiles["plans_off_track"][0]) == 2
    assert "P9 外行" in html  # the bank's plan table holds every branch's plans


def test_contribution_per_manager_products_and_goal_trends(client, bank) -> None:  # type: ignore[no-untyped-def]
    # C1 (M1): AUM 200 000, income 1 400, 2 products; C2 (M2): AUM 1 500 000, none.
    span = range_for(None, None, snapshot_bank.today())
    page = branch_page(figures_for(branch=bank.branch, span=span), span)
    staff = {row[0]: row for row in page["tables"]["staff"].rows}
    assert staff["吴经理"][-2:] == [200000, 1400]
    assert staff["陈经理"][-2:] == [1500000, 0]
    tiles = _tiles(_page(client, bank.head))
    assert tiles["products"][1] == "2"
    rows = client.get(tiles["products"][0], {"format": "xlsx"}).content
    sheet = list(load_workbook(io.BytesIO(rows)).active.iter_rows(values_only=True))
    products = sheet[0].index("持有产品数")
    assert sum(r[products] for r in sheet[1:]) == 2  # the list behind the tile adds up
    charts = page["charts"]
    goals = {d["drill"]: d["data"][-1] for d in charts["goals"]["datasets"]}
    assert goals == {"loyalty": pytest.approx(61.7, abs=0.05), "satisfaction": 80.0,
                     "survey_satisfaction": 40.0}  # fmt: skip
    assert charts["contribution"]["datasets"][0]["data"][-1] == 1400
    quadrants = {d["dimension"]: d["data"][-1] for d in charts["quadrants"]["datasets"]}
    assert quadrants == {"core": 1, "lift": 1}
    aum = {d["dimension"]: d["data"][-1] for d in charts["aum_tiers"]["datasets"]}
    assert aum == {"gold": 20.0, "platinum": 150.0}  # in 10 000 yuan


# Tiles whose value is a sum or an average, not a count of the rows behind them.
NOT_COUNTS = {"aum", "income", "products", "loyalty", "retention_rate", "satisfaction",
              "survey_satisfaction", "aum_growth", "plans_aum_change", "aum_saved"}  # fmt: skip


def test_every_count_tile_equals_the_total_of_its_list(client, bank) -> None:  # type: ignore[no-untyped-def]
    tiles = _tiles(_page(client, bank.head))
    counted = {m: t for m, t in tiles.items() if m not in NOT_COUNTS}
    assert len(counted) >= 24
    nonzero = 0
    for metric, (href, shown) in counted.items():
        assert _drill_total(client, href) == int(shown.replace(",", "")), metric
        nonzero += shown != "0"
    assert nonzero >= 12  # the fixture gives most of them something to count


def test_every_count_tile_of_the_bank_view_equals_its_list(client, bank) -> None:  # type: ignore[no-untyped-def]
    client.force_login(bank.auditor)
    tiles = _tiles(client.get(reverse("reports:bank")).content.decode())
    counted = {m: t for m, t in tiles.items() if m not in NOT_COUNTS}
    assert len(counted) >= 24
    for metric, (href, shown) in counted.items():
        assert _drill_total(client, href) == int(shown.replace(",", "")), metric
