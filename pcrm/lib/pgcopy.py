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
