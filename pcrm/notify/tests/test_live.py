"""The in-process hub and notify_staff: delivery on commit, per member of staff."""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

import pytest

from pcrm.notify.live import LiveHub, _origin, hub
from pcrm.notify.services import notify_staff
from tests.factories import StaffFactory


def test_hub_delivers_to_the_staff_streams_only_from_any_thread() -> None:
    live = LiveHub()

    async def scenario() -> tuple[str, bool]:
        mine = live.subscribe(1)
        other = live.subscribe(2)
        worker = threading.Thread(target=live.dispatch, args=(json.dumps({"staff": 1, "x": 1}),))
        worker.start()
        worker.join()
        got = await asyncio.wait_for(mine.queue.get(), 2)
        live.unsubscribe(mine)
        live.unsubscribe(other)
        return got, other.queue.empty()

    # Own thread: the browser tests' Playwright loop may be running in this one.
    results: list[tuple[str, bool]] = []
    runner = threading.Thread(target=lambda: results.append(asyncio.run(scenario())))
    runner.start()
    runner.join(5)
    got, other_empty = results[0]
    assert json.loads(got)["x"] == 1
    assert other_empty
    assert live.count() == 0


def test_malformed_notify_payload_is_ignored() -> None:
    LiveHub().dispatch("not json")  # must not raise
    LiveHub().dispatch("host:1 {not json")


def test_listener_skips_its_own_process_notifications() -> None:
    """The publisher delivered to its own streams on commit; NOTIFY is for the others."""
    live = LiveHub()
    delivered: list[tuple[int, str]] = []
    live.deliver = lambda staff_id, payload: delivered.append((staff_id, payload)) or 1  # type: ignore[method-assign]
    payload = json.dumps({"staff": 3, "event": {"kind": "walk_in"}})
    live.dispatch(f"{_origin()} {payload}")
    assert delivered == []
    live.dispatch(f"{_origin().split(':')[0]}:another-process {payload}")  # same pid elsewhere
    live.dispatch(payload)  # no origin: from an older publisher
    assert delivered == [(3, payload), (3, payload)]


@pytest.mark.django_db
def test_notify_staff_is_delivered_on_commit_only(django_capture_on_commit_callbacks: Any) -> None:
    """This process's streams get the event from the commit, on either database (on
    PostgreSQL the other workers get it by NOTIFY; see the uvicorn test)."""
    staff = StaffFactory()
    delivered: list[tuple[int, str]] = []
    original = hub.deliver
    hub.deliver = lambda staff_id, payload: delivered.append((staff_id, payload)) or 0  # type: ignore[method-assign]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notify_staff(staff=staff, event={"kind": "walk_in", "title": "到店"})
            assert delivered == []
    finally:
        hub.deliver = original  # type: ignore[method-assign]
    assert delivered[0][0] == staff.pk
    assert json.loads(delivered[0][1])["event"]["title"] == "到店"


@pytest.mark.django_db
def test_stream_under_wsgi_answers_204_so_pages_settle(client: Any) -> None:
    client.force_login(StaffFactory())
    assert client.get("/notify/stream/").status_code == 204
