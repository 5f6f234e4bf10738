"""Training completion on the dashboards (issue 10 item 3: "training (completion, pass
rate)"). Hand-counted fixture on top of the personas, day T = today:

- Paper A assigned to the customer-manager role in B1 (and the branches below it):
  M1 and M2 (M9 is in B9: not reached). Paper B assigned to T1 by name. Paper C
  assigned to the wealth-advisor role bank-wide: W1 (B1).
- M1 submitted A today and passed; M2 started A and has not submitted; W1 submitted C
  yesterday and failed; T1 has not sat B.
- B1: 4 assigned, 2 completed → 50.0 %; exams taken today 1, passed 1 (100.0 %).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pcrm.playbook.snapshots import snapshot_take
from pcrm.playbook.tests import snapshot_bank
from pcrm.training.models import Assignment, Attempt, Paper, QuestionBank

pytestmark = pytest.mark.django_db


def _paper(bank: QuestionBank, name: str) -> Paper:
    return Paper.objects.create(
        name=name,
        bank=bank,
        sections=[{"qtype": "single", "count": 1, "points": 1}],
        time_limit_minutes=30,
        max_attempts=2,
        pass_mark=0.6,
    )


def _attempt(paper: Paper, staff: Any, submitted: dt.datetime | None, passed: bool) -> None:
    started = (submitted or timezone.now()) - dt.timedelta(minutes=10)
    Attempt.objects.create(
        paper=paper,
        staff=staff,
        started_at=started,
        deadline=started + dt.timedelta(minutes=30),
        submitted_at=submitted,
        score=1.0 if passed else 0.0,
        max_score=1.0,
        passed=passed if submitted else None,
    )


@pytest.fixture
def trained(personas: Any) -> Any:
    p, now = personas, timezone.now()
    bank = QuestionBank.objects.create(name="合规题库")
    a, b, c = _paper(bank, "试卷A"), _paper(bank, "试卷B"), _paper(bank, "试卷C")
    Assignment.objects.create(paper=a, role="customer_manager", branch=p.branch)
    Assignment.objects.create(paper=b, staff=p.teller)
    Assignment.objects.create(paper=c, role="wealth_advisor")
    _attempt(a, p.manager, now, True)
    _attempt(a, p.manager2, None, False)
    _attempt(c, p.advisor, now - dt.timedelta(days=1), False)
    snapshot_take(actor=None, as_of=snapshot_bank.today())
    return p


def _tiles(html: str) -> dict[str, tuple[str, str]]:
    found = re.findall(r'<a class="num"\s+href="([^"]+)"\s+data-metric="([^"]+)">([^<]*)</a>', html)
    return {metric: (href.replace("&amp;", "&"), value) for href, metric, value in found}


def test_training_completion_tiles_and_drill_lists(client, trained) -> None:  # type: ignore[no-untyped-def]
    client.force_login(trained.head)
    html = client.get(reverse("reports:branch", args=["B1"])).content.decode()
    tiles = _tiles(html)
    assert tiles["training_assigned"][1] == "4"
    assert tiles["training_completed"][1] == "2"
    rate = re.search(r'培训完成率</div>\s*<div class="num">([^<]*)</div>', html)
    assert rate is not None
    assert rate.group(1) == "50.0%"
    assert tiles["exams_taken"][1] == "1"
    for metric, expected in (("training_assigned", 4), ("training_completed", 2)):
        body = client.get(tiles[metric][0]).content.decode()
        assert f'class="drill-total">{expected}<' in body, metric
    done = client.get(tiles["training_completed"][0]).content.decode()
    assert "试卷A" in done
    assert "试卷C" in done
    assert "试卷B" not in done
    mine = reverse("reports:branch_drill", args=["B1", "training_assigned"])
    only_m2 = client.get(mine, {"staff": trained.manager2.pk}).content.decode()
    assert 'class="drill-total">1<' in only_m2
    # Nothing of B1's reaches B9's figures.
    client.force_login(trained.auditor)
    other = _tiles(client.get(reverse("reports:branch", args=["B9"])).content.decode())
    assert other["training_assigned"][1] == "0"
    bank = _tiles(client.get(reverse("reports:bank")).content.decode())
    assert bank["training_assigned"][1] == "4"
