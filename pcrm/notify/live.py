"""In-app live events: per-process fan-out to open SSE streams.

Publishing happens inside the writing service's transaction and is delivered only
when it commits. The event goes straight to this process's subscriber queues on
commit. On PostgreSQL it is also sent with ``pg_notify``; every uvicorn worker runs
one listener connection (``LISTEN``) that feeds its own subscribers, so a stream
opened on any worker receives events published by any other worker (the publisher
skips its own notifications, which it delivered already).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

CHANNEL = "pcrm_live"
logger = logging.getLogger(__name__)


@dataclass(eq=False)
class Subscriber:
    """One open stream: its queue and the event loop that owns it."""

    staff_id: int
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[str] = field(default_factory=asyncio.Queue)


class LiveHub:
    """The subscribers of this process, by member of staff; safe to feed from any thread."""

    def __init__(self) -> None:
        self._subscribers: dict[int, set[Subscriber]] = {}
        self._lock = threading.Lock()
        self._listener: asyncio.Task[None] | None = None

    def subscribe(self, staff_id: int) -> Subscriber:
        subscriber = Subscriber(staff_id=staff_id, loop=asyncio.get_running_loop())
        with self._lock:
            self._subscribers.setdefault(staff_id, set()).add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: Subscriber) -> None:
        with self._lock:
            group = self._subscribers.get(subscriber.staff_id)
            if group is not None:
                group.discard(subscriber)
                if not group:
                    del self._subscribers[subscriber.staff_id]

    def count(self, staff_id: int | None = None) -> int:
        with self._lock:
            if staff_id is not None:
                return len(self._subscribers.get(staff_id, ()))
            return sum(len(group) for group in self._subscribers.values())

    def deliver(self, staff_id: int, payload: str) -> int:
        """Hand a payload to every open stream of the member of staff; thread-safe."""
        with self._lock:
            targets = list(self._subscribers.get(staff_id, ()))
        for subscriber in targets:
            if subscriber.loop.is_closed():
                continue
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is subscriber.loop:
                subscriber.queue.put_nowait(payload)
            else:
                subscriber.loop.call_soon_threadsafe(subscriber.queue.put_nowait, payload)
        return len(targets)

    def dispatch(self, message: str) -> None:
        """A NOTIFY payload: ``<origin> {"staff": id, "event": {...}}``.

        The publishing process delivered the event to its own streams already (on
        commit, without the round trip through the server), so it skips its own.
        """
        origin, _sep, message = message.partition(" ") if message[:1] != "{" else ("", "", message)
        if origin == _origin():
            return
        try:
            staff_id = int(json.loads(message)["staff"])
        except (ValueError, KeyError, TypeError):
            logger.warning("ignored malformed live event")
            return
        self.deliver(staff_id, message)

    async def ensure_listener(self) -> None:
        """Start this process's LISTEN connection once (PostgreSQL only)."""
        if connection.vendor != "postgresql":
            return
        loop = asyncio.get_running_loop()
        task = self._listener
        if task is not None and not task.done() and task.get_loop() is loop:
            return
        ready = loop.create_future()
        self._listener = loop.create_task(self._listen(ready))
        await ready

    async def _listen(self, ready: asyncio.Future[None]) -> None:
        import psycopg

        params = _conninfo()
        delay = 0.2
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(**params, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    if not ready.done():
                        ready.set_result(None)
                    delay = 0.2
                    async for notice in conn.notifies():
                        self.dispatch(notice.payload)
            except asyncio.CancelledError:
                raise
            except Exception:  # a dropped connection must not end live updates for good
                logger.exception("live listener lost its connection; reconnecting")
                if not ready.done():
                    ready.set_result(None)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    async def stop_listener(self) -> None:
        task, self._listener = self._listener, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _conninfo() -> dict[str, Any]:
    cfg = connection.settings_dict
    params = {
        "dbname": cfg["NAME"],
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
    }
    return {k: v for k, v in params.items() if v}


hub = LiveHub()


_origins: dict[int, str] = {}


def _origin() -> str:
    """This process among all that publish or listen, on any host: its pid and a
    random tag, made afresh in a forked worker (whose pid differs from its parent's)."""
    pid = os.getpid()
    origin = _origins.get(pid)
    if origin is None:
        origin = _origins[pid] = f"{pid}:{secrets.token_hex(8)}"
    return origin


def live_publish(*, staff_id: int, event: dict[str, Any]) -> None:
    """Publish an event to a member of staff's open streams when the transaction commits.

    This process's own streams get it straight from the commit (in-process fan-out);
    on PostgreSQL every other worker gets it through ``NOTIFY``, which is
    transactional too, so nothing is shown for a rolled-back action.
    """
    payload = json.dumps({"staff": staff_id, "event": event}, ensure_ascii=False)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_notify(%s, %s)", [CHANNEL, f"{_origin()} {payload}"])
    transaction.on_commit(lambda: hub.deliver(staff_id, payload))
