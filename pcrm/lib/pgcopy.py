"""Reading a PostgreSQL ``COPY ... TO STDOUT`` at full speed (psycopg's libpq layer).

Used by the columnar readers of the nightly run and of the churn model, which read
millions of rows at once.
"""

from __future__ import annotations

import io
import select
from typing import Any

import psycopg
from psycopg import pq


def copy_out(raw: psycopg.Connection[Any], statement: str) -> bytes:
    """Run a ``COPY ... TO STDOUT`` and return all its data.

    libpq hands COPY data over one row per call; psycopg's Copy object adds several
    generator layers to each, which made the Python side the bottleneck of a
    multi-million-row read. This loop calls libpq (psycopg's ``pq`` wrapper) directly.
    """
    pg = raw.pgconn
    pg.send_query(statement.encode())
    result = pg.get_result()
    if result is None or result.status != pq.ExecStatus.COPY_OUT:
        _drain(pg)
        raise psycopg.DatabaseError(_message(result))
    buffer = io.BytesIO()
    write, get, sock = buffer.write, pg.get_copy_data, pg.socket
    while True:
        nbytes, data = get(1)
        if nbytes > 0:
            write(data)
        elif nbytes == 0:  # nothing buffered yet: wait for the server
            select.select([sock], [], [])
            pg.consume_input()
        else:
            break
    final = pg.get_result()
    _drain(pg)
    if final is None or final.status != pq.ExecStatus.COMMAND_OK:
        raise psycopg.DatabaseError(_message(final))
    return buffer.getvalue()


def _drain(pg: Any) -> None:
    while pg.get_result() is not None:
        pass


def _message(result: Any) -> str:
    if result is None:
        return "COPY did not start"
    return bytes(result.error_message or b"").decode("utf-8", "replace")


class CopyOutReader:
    """A ``COPY ... TO STDOUT`` as a binary file object (``read(n)``), for a reader that
    parses blocks while the next ones arrive (pyarrow's CSV reader reads on its own thread
    and parses on others). Use as a context manager: leaving it reads off whatever the
    consumer left unread, so the connection is usable again, and checks the outcome."""

    closed = False

    def __init__(self, raw: psycopg.Connection[Any], statement: str) -> None:
        self._pg = raw.pgconn
        self._pg.send_query(statement.encode())
        result = self._pg.get_result()
        if result is None or result.status != pq.ExecStatus.COPY_OUT:
            _drain(self._pg)
            raise psycopg.DatabaseError(_message(result))
        self._pending = bytearray()
        self._done = False

    def __enter__(self) -> CopyOutReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def peek(self, size: int = 1) -> bytes:
        """Up to ``size`` bytes without consuming them (empty only at the end)."""
        self._fill(size)
        return bytes(self._pending[:size])

    def read(self, size: int = -1) -> bytes:
        self._fill(size if size >= 0 else None)
        if size < 0 or size >= len(self._pending):
            data, self._pending = bytes(self._pending), bytearray()
        else:
            data = bytes(self._pending[:size])
            del self._pending[:size]
        return data

    def close(self) -> None:
        """Read off the rest of the data and check the COPY's outcome (idempotent)."""
        if self.closed:
            return
        self._fill(None)
        self._pending = bytearray()
        self.closed = True

    def _fill(self, size: int | None) -> None:
        """Receive rows until ``size`` bytes are pending (``None``: until the end)."""
        pending, get, sock = self._pending, self._pg.get_copy_data, self._pg.socket
        while not self._done and (size is None or len(pending) < size):
            nbytes, data = get(1)
            if nbytes > 0:
                pending += data
            elif nbytes == 0:  # nothing buffered yet: wait for the server
                select.select([sock], [], [])
                self._pg.consume_input()
            else:
                self._finish()

    def _finish(self) -> None:
        self._done = True
        final = self._pg.get_result()
        _drain(self._pg)
        if final is None or final.status != pq.ExecStatus.COMMAND_OK:
            raise psycopg.DatabaseError(_message(final))
