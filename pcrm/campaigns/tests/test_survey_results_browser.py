"""A branch head opens the satisfaction results in a real browser and clicks a bar of
the score chart (the bundled Chart.js), landing on the answers behind it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from pcrm.campaigns.tests.test_survey_results import answered  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_with_session(page: Any, live_server: Any, user: Any) -> None:
    """A branch head signs in with a second factor; hand the browser a session instead."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])


def test_head_clicks_a_bar_of_the_score_chart(page, live_server, answered) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page.set_default_timeout(60_000)  # the shared test machine is slow under load
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _sign_in_with_session(page, live_server, answered.head)
    page.goto(f"{live_server.url}/campaigns/satisfaction/")
    page.wait_for_load_state("networkidle")
    assert page.locator("#answered").inner_text() == "3"
    assert page.evaluate("Object.keys(window.Chart.instances).length") == 2
    canvas = page.locator("canvas[data-chart=distribution]")
    canvas.scroll_into_view_if_needed()
    point = page.evaluate(
        """() => {
            const chart = Object.values(window.Chart.instances)
                .find(c => c.canvas.dataset.chart === 'distribution');
            const bar = chart.getDatasetMeta(0).data[4];  // the bar of score 5
            return {x: bar.x, y: (bar.y + bar.base) / 2};
        }"""
    )
    canvas.click(position={"x": point["x"], "y": point["y"]})
    page.wait_for_url(re.compile(r".*score=5.*#answers$"))
    assert page.locator("#answered").inner_text() == "1"
    assert page.locator("#answers tbody tr").count() == 1
    assert "曾**" in page.locator("#answers").inner_text()
    assert errors == []
