"""A teller sits a timed exam in a real browser; the countdown hands the paper in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pcrm.training.models import Attempt
from pcrm.training.services.exams import (
    assignment_create,
    attempt_start,
    paper_create,
    paper_sections,
)
from tests.browser import login

SECONDS_LEFT = 6


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_teller_takes_a_timed_exam(live_server, page, personas, bank) -> None:  # type: ignore[no-untyped-def]
    paper = paper_create(
        actor=personas.head,
        name="限时测验",
        bank=bank,
        sections=paper_sections({"true_false": 2, "single": 1}),
        time_limit_minutes=1,
    )
    assignment_create(actor=personas.head, paper=paper, role="teller")
    # The sitting began 54 s ago (server clock), so only a few seconds are left.
    attempt_start(
        actor=personas.teller,
        paper=paper,
        now=timezone.now() - dt.timedelta(seconds=60 - SECONDS_LEFT),
    )
    login(page, live_server.url, "T1")
    page.goto(f"{live_server.url}/training/")
    page.get_by_role("button", name="开始考试").click()
    page.wait_for_selector("[data-testid=countdown]")
    assert page.locator("fieldset").count() == 3
    first = Attempt.objects.get(staff=personas.teller).answers.select_related("question").first()
    value = "true" if first.question.answer is True else "false"
    page.check(f"input[name=q{first.question_id}][value={value}]")
    # Nobody presses 交卷: the countdown submits when the time is up.
    page.wait_for_url("**/result/", timeout=(SECONDS_LEFT + 8) * 1000)
    score = page.locator("[data-testid=score]").inner_text()
    attempt = Attempt.objects.get(staff=personas.teller)
    assert attempt.submitted_at is not None
    assert attempt.score == first.points_possible
    assert score.startswith(f"{attempt.score}")
