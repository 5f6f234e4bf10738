"""Sealing personal data for bulk writes (the COPY path bypasses the model field).

AES-GCM per value, the blind indexes and the pinyin keys are the main cost of
importing customers, so large chunks are prepared by a small process pool
(forked: the workers share the configured keys); small ones in process. A
sealed value is exactly what :func:`pcrm.lib.crypto.seal` would produce.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from typing import Any

from pcrm.customers.pii import customer_derived
from pcrm.lib.crypto import seal

PROTECTED = ("id_no", "phone", "email", "address")
Identity = tuple[str, str, str, str, str]  # name, id_no, phone, email, address


@lru_cache(maxsize=262_144)
def name_keys(name: str) -> tuple[str, str]:
    """Pinyin keys of a name; names repeat a lot in a bank's book, so they are cached."""
    derived = customer_derived(name=name)
    return derived["name_pinyin"], derived["name_initials"]


def _seal_all(values: Sequence[str]) -> list[str]:
    return [seal(v) if v else v for v in values]


def _identities(rows: Sequence[Identity]) -> list[tuple[dict[str, Any], list[str]]]:
    """For each identity: its derived columns (customer_derived) and its four sealed values."""
    out = []
    for name, id_no, phone, email, address in rows:
        derived = customer_derived(name="", id_no=id_no, phone=phone, email=email, address=address)
        derived["name_pinyin"], derived["name_initials"] = name_keys(name)
        out.append((derived, _seal_all((id_no, phone, email, address))))
    return out


class Sealer:
    """Seals values in process, or through ``workers`` processes for large batches."""

    def __init__(self, *, workers: int = 1, pool_min_values: int = 0) -> None:
        self.workers = workers
        self.pool_min_values = pool_min_values
        self._pool: ProcessPoolExecutor | None = None

    @staticmethod
    def seal_one(value: str) -> str:
        return seal(value) if value else value

    def _pooled(self, size: int) -> ProcessPoolExecutor | None:
        if self.workers <= 1 or size < self.pool_min_values:
            return None
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork")
            )
        return self._pool

    def _spread(self, function: Any, items: Sequence[Any], weight: int) -> list[Any]:
        pool = self._pooled(len(items) * weight)
        if pool is None:
            return list(function(items))
        step = -(-len(items) // self.workers)
        futures: list[Future[Any]] = [
            pool.submit(function, items[i : i + step]) for i in range(0, len(items), step)
        ]
        result: list[Any] = []
        for future in futures:
            result.extend(future.result())
        return result

    def seal_many(self, values: Sequence[str]) -> list[str]:
        return self._spread(_seal_all, values, 1)

    def identities(self, rows: Sequence[Identity]) -> list[tuple[dict[str, Any], list[str]]]:
        return self._spread(_identities, rows, len(PROTECTED))

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
