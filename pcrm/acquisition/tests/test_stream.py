"""The live stream under a real uvicorn process: a swipe's alert arrives on the
manager's open SSE stream (in-process fan-out on SQLite, LISTEN/NOTIFY on PostgreSQL)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pcrm.acquisition.tests import live_server
from pcrm.acquisition.tests.sse_client import SseStream

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[live_server.LiveServer]:
    data_dir: Path = tmp_path_factory.mktemp("live")
    url = os.environ.get("PCRM_DATABASE_URL", "")
    env, seed = live_server.prepare(
        data_dir, database_url=url, db_name=live_server.db_name_for(url, "live"), customers=2
    )
    with live_server.uvicorn(env, seed=seed) as server:
        yield server


def _swipe(server: live_server.LiveServer, card: str, ticket: str = "A001") -> dict[str, Any]:
    body = json.dumps(
        {
            "branch_code": "B1",
            "card_no": card,
            "ticket_no": ticket,
            "swiped_at": "2026-11-29T09:30:00",
        }
    ).encode()
    request = urllib.request.Request(  # noqa: S310
        f"{server.url}/api/v1/queue/swipes",
        data=body,
        method="POST",
        headers={
            "Authorization": f"Bearer {server.seed['token']}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        assert answer.status == 201
        result: dict[str, Any] = json.loads(answer.read())
        return result


def test_swipe_event_arrives_on_open_stream(served: live_server.LiveServer) -> None:
    stream = SseStream(served.url, "/notify/stream/", session=served.seed["session"])
    try:
        assert stream.status == 200
        answer = _swipe(served, served.seed["cards"][0], ticket="A012")
        assert answer["notified"] == ["M1"]
        name, data, _at = stream.next_event(timeout=10)
        assert name == "alert"
        event = data["event"]
        assert event["kind"] == "walk_in"
        assert event["reason"] == "alert"
        assert event["ticket_no"] == "A012"
        assert event["customer_no"] == answer["customer_no"]
        assert "曾*" in event["body"]
        assert "曾小明" not in event["body"]
    finally:
        stream.close()


def test_stream_needs_a_signed_in_user(served: live_server.LiveServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as failure:
        urllib.request.urlopen(f"{served.url}/notify/stream/", timeout=5)  # noqa: S310
    assert failure.value.code == 403


def test_two_streams_of_the_same_manager_both_receive(served: live_server.LiveServer) -> None:
    first = SseStream(served.url, "/notify/stream/", session=served.seed["session"])
    second = SseStream(served.url, "/notify/stream/", session=served.seed["session"])
    try:
        _swipe(served, served.seed["cards"][1], ticket="B002")
        assert first.next_event()[1]["event"]["ticket_no"] == "B002"
        assert second.next_event()[1]["event"]["ticket_no"] == "B002"
    finally:
        first.close()
        second.close()


@pytest.mark.postgres
def test_several_workers_fan_out_through_listen_notify(
    served: live_server.LiveServer,
) -> None:
    """Streams spread over two uvicorn workers all receive every alert."""
    if not os.environ.get("PCRM_DATABASE_URL", "").startswith("postgres"):
        pytest.skip("LISTEN/NOTIFY needs PostgreSQL")
    with live_server.uvicorn(served.env, seed=served.seed, workers=2) as server:
        streams, per_worker = live_server.open_streams(server, 6, 2)
        try:
            assert len(per_worker) == 2, per_worker  # both workers hold streams
            for number, card in enumerate(server.seed["cards"]):
                ticket = f"W{number}"
                body = json.dumps(
                    {
                        "branch_code": "B1",
                        "card_no": card,
                        "ticket_no": ticket,
                        "swiped_at": "2026-11-30T09:30:00",
                    }
                ).encode()
                request = urllib.request.Request(  # noqa: S310
                    f"{server.url}/api/v1/queue/swipes",
                    data=body,
                    method="POST",
                    headers={
                        "Authorization": f"Bearer {server.seed['token']}",
                        "Content-Type": "application/json",
                    },
                )
                with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                    assert answer.status == 201
                for stream in streams:
                    assert stream.next_event()[1]["event"]["ticket_no"] == ticket
        finally:
            for stream in streams:
                stream.close()
