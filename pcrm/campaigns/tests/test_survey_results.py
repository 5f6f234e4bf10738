"""The satisfaction results page: XLSX of every table (masked, scoped, filtered) and a
chart whose bars open the answers behind them. Hand-counted fixture (B1 head's view):

- C1 (M1, diamond) answered 5; C2 (M2, gold) answered 3; C4 (no manager, gold,
  name "=HYPERLINK(1)") answered 1; C2 was also asked again and has not answered;
  C9 (B9, gold) answered 4 — outside the head's branches.
- So: answered 3; diamond 1 × 5.0, gold 2 × 2.0; M1 1 × 5, M2 1 × 3, no manager 1 × 1;
  scores 1, 3, 5 once each; mean 3.0.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from pcrm.campaigns.models import SatisfactionSurvey, SurveyInvitation
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

PAGE = "/campaigns/satisfaction/"


def _invite(survey: Any, customer: Any, tier: str, overall: int | None, n: int) -> None:
    now = timezone.now()
    SurveyInvitation.objects.create(
        survey=survey,
        customer=customer,
        token_hash=f"{n:064d}",
        trigger="periodic",
        channel="sms",
        tier=tier,
        quadrant="core",
        branch=customer.branch,
        manager=customer.manager,
        sent_at=now - dt.timedelta(days=3),
        expires_at=now + dt.timedelta(days=11),
        answered_at=now - dt.timedelta(days=1) if overall else None,
        overall=overall,
    )


@pytest.fixture
def answered(personas: Any) -> Any:
    survey = SatisfactionSurvey.objects.create(name="季度满意度")
    orphan = CustomerFactory(
        customer_no="C4", name="=HYPERLINK(1)", branch=personas.branch, manager=None
    )
    _invite(survey, personas.mine, "diamond", 5, 1)
    _invite(survey, personas.theirs, "gold", 3, 2)
    _invite(survey, orphan, "gold", 1, 3)
    _invite(survey, personas.theirs, "gold", None, 4)
    _invite(survey, personas.elsewhere, "gold", 4, 5)
    return personas


def _sheet(client: Any, key: str, **params: Any) -> list[tuple[Any, ...]]:
    response = client.get(reverse("reports:satisfaction_table", args=[key]), params)
    assert response.status_code == 200, key
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def _answered_tile(client: Any, url: str) -> int:
    html = client.get(url).content.decode()
    return int(re.search(r'id="answered">(\d+)<', html).group(1))


def test_every_results_table_exports_the_hand_counted_figures(client, answered) -> None:  # type: ignore[no-untyped-def]
    client.force_login(answered.head)
    assert _sheet(client, "tier") == [
        ("客户等级", "答卷数", "平均分"),
        ("钻石", 1, 5),
        ("金卡", 2, 2),
    ]
    assert _sheet(client, "quadrant")[1:] == [("核心客户", 3, 3)]
    assert _sheet(client, "branch")[1:] == [("第一支行", 3, 3)]
    staff = {row[0]: row[1:] for row in _sheet(client, "staff")[1:]}
    assert staff == {"吴经理": (1, 5), "陈经理": (1, 3), "无客户经理": (1, 1)}
    assert _sheet(client, "distribution")[1:] == [(1, 1), (2, 0), (3, 1), (4, 0), (5, 1)]
    answers = _sheet(client, "answers")
    assert len(answers) == 4
    names = {row[0] for row in answers[1:]}
    assert "曾**" in names
    assert "曾小明" not in names
    assert all(not str(n).startswith("=") for n in names)  # masked and neutralised
    # The page's filters apply to the export.
    assert len(_sheet(client, "answers", tier="gold")) == 3
    assert _sheet(client, "staff", staff="none")[1:] == [("无客户经理", 1, 1)]


def test_exports_keep_the_page_scope(client, answered) -> None:  # type: ignore[no-untyped-def]
    client.force_login(answered.manager)
    assert [r[0] for r in _sheet(client, "answers")[1:]] == ["曾**"]
    assert _sheet(client, "staff")[1:] == [("吴经理", 1, 5)]
    client.force_login(answered.teller)
    url = reverse("reports:satisfaction_table", args=["answers"])
    assert client.get(url).status_code == 404
    client.force_login(answered.head)
    assert client.get(reverse("reports:satisfaction_table", args=["nope"])).status_code == 404


def test_chart_bars_open_the_answers_behind_them(client, answered) -> None:  # type: ignore[no-untyped-def]
    client.force_login(answered.head)
    html = client.get(PAGE).content.decode()
    assert "unfold/js/chart/chart.js" in html  # the bundled Chart.js, no CDN
    assert "cdn" not in html.lower()
    data = json.loads(re.search(r'id="report-charts"[^>]*>(.*?)</script>', html, re.S).group(1))
    dist = data["distribution"]["datasets"][0]
    assert dist["data"] == [1, 0, 1, 0, 1]
    for n, link in zip(dist["data"], dist["links"], strict=True):
        assert link.startswith(PAGE)
        assert link.endswith("#answers")
        assert _answered_tile(client, link) == n
    tiers = data["tiers"]
    assert tiers["labels"] == ["钻石", "金卡"]
    assert tiers["datasets"][0]["data"] == [5.0, 2.0]
    counts = [_answered_tile(client, link) for link in tiers["datasets"][0]["links"]]
    assert counts == [1, 2]


def test_group_rows_drill_to_their_answers_including_no_manager(client, answered) -> None:  # type: ignore[no-untyped-def]
    client.force_login(answered.head)
    html = client.get(PAGE).content.decode()
    link = re.search(r'<a href="\?([^"]*staff=none[^"]*)">无客户经理</a>', html).group(1)
    assert _answered_tile(client, PAGE + "?" + link.replace("&amp;", "&")) == 1
    assert html.count(reverse("reports:satisfaction_table", args=["staff"])) == 1
