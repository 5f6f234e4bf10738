"""A minimal Server-Sent Events reader over a plain socket (tests and benchmarks)."""

from __future__ import annotations

import json
import socket
import time
from typing import Any
from urllib.parse import urlsplit


class SseStream:
    """Opens ``GET path`` with a session cookie and yields parsed events."""

    def __init__(self, url: str, path: str, *, session: str, timeout: float = 10) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nAccept: text/event-stream\r\n"
            f"Cookie: sessionid={session}\r\n\r\n"
        )
        self.sock.sendall(request.encode())
        self.buffer = b""
        head = self._read_until(b"\r\n\r\n")
        self.status = int(head.split(b" ", 2)[1])
        self.chunked = b"transfer-encoding: chunked" in head.lower()
        self.text = ""

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("stream closed")
            self.buffer += data
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def _more(self) -> None:
        if not self.chunked:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("stream closed")
            self.text += data.decode()
            return
        size = int(self._read_until(b"\r\n").split(b";")[0], 16)
        while len(self.buffer) < size + 2:
            data = self.sock.recv(65536)
            if not data:
                raise ConnectionError("stream closed")
            self.buffer += data
        self.text += self.buffer[:size].decode()
        self.buffer = self.buffer[size + 2 :]

    def preamble(self, *, timeout: float = 10) -> str:
        """The first block the server sends (``retry`` and a ``: connected <pid>`` comment)."""
        self.sock.settimeout(timeout)
        while "\n\n" not in self.text:
            self._more()
        block, _, self.text = self.text.partition("\n\n")
        return block

    def next_event(self, *, timeout: float = 10) -> tuple[str, Any, float]:
        """(event name, decoded data, arrival time) of the next event; comments skipped."""
        self.sock.settimeout(timeout)
        while True:
            while "\n\n" not in self.text:
                self._more()
            block, _, self.text = self.text.partition("\n\n")
            arrived = time.perf_counter()
            name, data = "message", []
            for line in block.split("\n"):
                if line.startswith("event:"):
                    name = line[6:].strip()
                elif line.startswith("data:"):
                    data.append(line[5:].strip())
            if data:
                return name, json.loads("\n".join(data)), arrived

    def close(self) -> None:
        self.sock.close()
