"""A branch head opens the dashboard in a real browser and drills into a tile and a chart."""

from __future__ import annotations

import pytest
from django.test import Client

from pcrm.playbook.snapshots import snapshot_take
from pcrm.playbook.tests import snapshot_bank

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_with_session(page, live_server, user):
    """A branch head signs in with a second factor; hand the browser a session instead."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"].value
    page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": live_server.url}])


def test_head_opens_the_dashboard_and_drills_into_a_tile(page, live_server, personas):
    snapshot_bank.build(personas)
    snapshot_take(actor=None, as_of=snapshot_bank.today())
    page.set_default_timeout(60_000)  # the shared test machine is slow under load
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    _sign_in_with_session(page, live_server, personas.head)

    page.goto(f"{live_server.url}/reports/")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/reports/branch/B1/")
    assert page.evaluate("typeof window.Chart") == "function"  # the bundled Chart.js
    assert page.locator("canvas[data-chart=goals]").count() == 1
    # The goal, contribution, tier, AUM-by-tier and quadrant trends are drawn; the empty
    # pipeline (no opportunities) says so instead.
    assert page.evaluate("Object.keys(window.Chart.instances).length") == 5
    assert page.locator("canvas[data-chart=pipeline]").count() == 0

    tile = page.locator('a.num[data-metric="complaints_open"]')
    assert tile.inner_text() == "2"
    tile.click()
    page.wait_for_load_state("networkidle")
    assert "/drill/complaints_open/" in page.url
    assert page.locator(".drill-total").inner_text() == "2"
    assert page.locator("table.drill tbody tr").count() == 2
    assert "TS1" in page.locator("table.drill").inner_text()

    # A click on the chart of customers by tier opens the customers of that tier.
    page.go_back()
    page.wait_for_load_state("networkidle")
    canvas = page.locator("canvas[data-chart=tiers]")
    canvas.scroll_into_view_if_needed()
    point = page.evaluate(
        """() => {
            const chart = Object.values(window.Chart.instances)
                .find(c => c.canvas.dataset.chart === 'tiers');
            const el = chart.getDatasetMeta(0).data.at(-1);
            return {x: el.x, y: el.y};
        }"""
    )
    canvas.click(position={"x": point["x"], "y": point["y"]})
    page.wait_for_url("**/drill/customers_by_tier/**")
    assert page.locator(".drill-total").inner_text() == "1"
    assert errors == []
