"""A customer answers a satisfaction survey on a phone, through the one-time link."""

from __future__ import annotations

import re

import pytest

from pcrm.campaigns.models import SurveyInvitation
from pcrm.campaigns.surveys import SurveyTarget, survey_for, survey_send
from pcrm.notify.models import SmsMessage
from pcrm.worklist.models import WorkItem


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_customer_answers_on_a_phone(live_server, phone_page, personas) -> None:  # type: ignore[no-untyped-def]
    survey = survey_for(trigger="periodic", branch_id=personas.branch.pk)
    survey_send(
        actor=None,
        survey=survey,
        customers_with_segment=[SurveyTarget(personas.mine, "gold", "core")],
        trigger="periodic",
    )
    match = re.search(r"/s/[A-Za-z0-9_-]+/", SmsMessage.objects.get().body)
    assert match
    url = f"{live_server.url}{match.group(0)}"
    page = phone_page
    page.goto(url)
    assert "曾**" in page.locator("#greeting").inner_text()
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 1
    # Touch targets are large enough for a finger.
    box = page.locator(".sv-opt span").first.bounding_box()
    assert box["height"] >= 44
    assert page.locator("#submit").bounding_box()["height"] >= 44
    # Submitting without the overall score is stopped by the browser.
    page.locator("#submit").tap()
    assert SurveyInvitation.objects.get().answered_at is None
    questions = list(survey.questions.order_by("position"))
    for q in questions:
        if q.kind == "text":
            page.fill(f"#q{q.pk}", "理财经理很专业")
        else:
            score = "2" if q.kind == "overall" else "4"
            page.locator(f"input[name=q{q.pk}][value='{score}']").tap()
    page.locator("#submit").tap()
    page.wait_for_selector("#state")
    assert "提交成功" in page.locator("#state").inner_text()
    inv = SurveyInvitation.objects.get()
    assert inv.overall == 2
    assert inv.answers.filter(text="理财经理很专业").exists()
    item = WorkItem.objects.get()
    assert item.content == "care"
    assert item.staff == personas.manager
    # The link works once: opening it again shows the polite notice.
    page.goto(url)
    assert "已提交过" in page.locator("#state").inner_text()
