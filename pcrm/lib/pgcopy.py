"""PostgreSQL ``COPY`` at full speed, both ways.

Out (``COPY ... TO STDOUT``) through psycopg's libpq layer, for the columnar readers of
the nightly run and of the churn model, which read millions of rows at once; in
(``COPY ... FROM STDIN``) from Arrow tables in the binary format, for the nightly run's
bulk writes.
"""

from __future__ import annotations

import io
import select
from typing import Any

import psycopg
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection
from psycopg import pq
from psycopg.copy import QueuedLibpqWriter


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


def commit_without_flush_wait() -> None:
    """PostgreSQL: the current transaction commits without waiting for its WAL flush.

    For bulk transactions that are safe to lose in a crash because they are redone: an
    import's chunks (the rerun of the file redoes them; its final record commits normally,
    which flushes every chunk's WAL before it) and a playbook run (idempotent)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


# Rows per binary chunk handed to COPY: small enough that encoding the next chunk overlaps
# the server storing this one, large enough that per-chunk overhead does not show.
COPY_IN_CHUNK_ROWS = 65_536


def _arrow_type(typname: str, typmod: int) -> pa.DataType:
    """The Arrow type whose binary COPY encoding is that of PostgreSQL type ``typname``."""
    simple = {
        "int2": pa.int16(), "int4": pa.int32(), "int8": pa.int64(), "bool": pa.bool_(),
        "date": pa.date32(), "float4": pa.float32(), "float8": pa.float64(),
        "timestamptz": pa.timestamp("us", tz="UTC"), "timestamp": pa.timestamp("us"),
        "text": pa.string(), "varchar": pa.string(), "bpchar": pa.string(),
        "jsonb": pa.string(),
    }  # fmt: skip
    if typname == "numeric" and typmod >= 4:
        return pa.decimal128((typmod - 4) >> 16, (typmod - 4) & 0xFFFF)
    if typname not in simple:
        raise TypeError(f"no binary COPY encoding for column type {typname}")
    return simple[typname]


def _to_decimal(column: pa.ChunkedArray | pa.Array, kind: pa.Decimal128Type) -> pa.Array:
    """Numbers → decimal, rounded to the column's scale (floats are not exact in binary)."""
    if pa.types.is_decimal(column.type):
        return pc.cast(column, kind)
    scaled = pc.round(pc.multiply(pc.cast(column, pa.float64()), 10.0**kind.scale))
    units = pc.cast(pc.cast(scaled, pa.int64()), pa.decimal128(38, 0))
    if isinstance(units, pa.ChunkedArray):
        units = units.combine_chunks()
    # the same 128-bit integers read with the column's scale: units / 10**scale, exactly
    return pc.cast(units.view(pa.decimal128(38, kind.scale)), kind)


def _encoded_table(cursor: Any, target: str, table: pa.Table) -> tuple[pa.Table, Any]:
    """``table`` with each column cast to its target column's type, and its pgpq encoder."""
    from pgpq import ArrowToPostgresBinaryEncoder
    from pgpq.encoders import StringEncoderBuilder
    from pgpq.schema import Jsonb

    cursor.execute(
        "SELECT a.attname, t.typname, a.atttypmod FROM pg_attribute a "
        "JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE a.attrelid = %s::regclass AND a.attnum > 0 AND NOT a.attisdropped",
        [target],
    )
    types = {name: (typname, typmod) for name, typname, typmod in cursor.fetchall()}
    columns: list[pa.Array | pa.ChunkedArray] = []
    for name in table.column_names:
        typname, typmod = types[name]
        kind = _arrow_type(typname, typmod)
        column = table[name]
        if isinstance(kind, pa.Decimal128Type):
            columns.append(_to_decimal(column, kind))
        else:
            columns.append(column if column.type == kind else pc.cast(column, kind))
    cast = pa.table(columns, names=table.column_names)
    # pgpq infers every column's encoder but jsonb's (Arrow has no JSON type)
    encoders = {
        name: StringEncoderBuilder.new_with_output(cast.schema.field(name), Jsonb())
        if types[name][0] == "jsonb"
        else ArrowToPostgresBinaryEncoder.infer_encoder(cast.schema.field(name))
        for name in cast.column_names
    }
    encoder = ArrowToPostgresBinaryEncoder.new_with_encoders(cast.schema, encoders)
    return cast, encoder


def copy_in(cursor: Any, target: str, table: pa.Table) -> None:
    """``COPY`` an Arrow table into ``target`` in PostgreSQL's binary format.

    Each column is cast to its target column's type and encoded by pgpq (native code):
    the server then stores values without parsing text, half the work of CSV. psycopg's
    queued writer sends each chunk from its own thread while the next one is encoded.
    ``cursor`` is a psycopg cursor inside the caller's transaction."""
    cast, encoder = _encoded_table(cursor, target, table)
    statement = f"COPY {target} ({', '.join(cast.column_names)}) FROM STDIN (FORMAT BINARY)"
    with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
        copy.write(encoder.write_header())
        for batch in cast.to_batches(max_chunksize=COPY_IN_CHUNK_ROWS):
            copy.write(encoder.write_batch(batch))
        copy.write(encoder.finish())
