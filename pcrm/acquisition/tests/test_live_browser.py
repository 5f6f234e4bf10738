"""A swipe makes the alert appear on an open workbench page, without a reload
(real uvicorn: pytest-django's live_server cannot stream SSE)."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pcrm.acquisition.tests import live_server
from tests.browser import login

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[live_server.LiveServer]:
    data_dir: Path = tmp_path_factory.mktemp("browser")
    url = os.environ.get("PCRM_DATABASE_URL", "")
    env, seed = live_server.prepare(
        data_dir, database_url=url, db_name=live_server.db_name_for(url, "browser")
    )
    with live_server.uvicorn(env, seed=seed) as server:
        yield server


def _swipe(server: live_server.LiveServer, ticket: str) -> dict[str, Any]:
    body = {
        "branch_code": "B1",
        "card_no": server.seed["cards"][0],
        "ticket_no": ticket,
        "swiped_at": "2026-11-29T10:15:00",
    }
    request = urllib.request.Request(  # noqa: S310
        f"{server.url}/api/v1/queue/swipes",
        data=json.dumps(body).encode(),
        method="POST",
        headers={
            "Authorization": f"Bearer {server.seed['token']}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        result: dict[str, Any] = json.loads(answer.read())
        return result


def test_swipe_alert_appears_on_open_workbench(served: live_server.LiveServer, page: Any) -> None:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    login(page, served.url, "M1")
    page.goto(f"{served.url}/")
    page.wait_for_selector('#live-alerts[data-connected="1"]', state="attached")
    url_before = page.url
    assert _swipe(served, "A088")["notified"] == ["M1"]
    alert = page.wait_for_selector(".live-alert", timeout=10_000)
    text = alert.inner_text()
    assert "A088" in text
    assert "曾*" in text
    assert "曾小明" not in text
    assert page.url == url_before  # no reload, no navigation
    assert not [e for e in errors if "Content Security Policy" in e]
