"""Sealing personal data for bulk writes (the COPY path bypasses the model field).

AES-GCM per value, the blind indexes and the pinyin keys are the main cost of
importing customers. They are computed here in bulk with the per-call overheads
hoisted out of the loop (the keys are read once per batch, the nonces drawn in
one ``os.urandom`` call and sliced: still a fresh random 96-bit nonce per
value; the blind-index HMAC keyed once, see :class:`pcrm.lib.crypto.BlindIndexer`).
A batch is sealed in a thread of its own (the caller goes on meanwhile) or,
where policy asks for workers and the batch is large, spread over a small
process pool (forked before the importer starts any thread: the workers share
the configured keys). A sealed value is exactly what
:func:`pcrm.lib.crypto.seal` would produce, and every derived column equals
:func:`pcrm.customers.pii.customer_derived` (the tests compare them).
"""

from __future__ import annotations

import base64
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from functools import lru_cache
from typing import Any

from pcrm.lib.crypto import BlindIndexer, keyring
from pcrm.lib.masking import mask_address, mask_email, mask_id_no, mask_phone, surname

PROTECTED = ("id_no", "phone", "email", "address")
# The columns of :func:`customer_derived`, in the order :func:`_identities` returns them.
DERIVED = (
    "name_pinyin",
    "name_initials",
    "id_no_index",
    "id_no_masked",
    "phone_index",
    "phone_masked",
    "email_index",
    "email_masked",
    "address_masked",
)
Identity = tuple[str, str, str, str, str]  # name, id_no, phone, email, address
# (derived columns in DERIVED order, the four sealed values in PROTECTED order)
Sealed = tuple[tuple[str, ...], tuple[str, ...]]


@lru_cache(maxsize=262_144)
def name_keys(name: str) -> tuple[str, str]:
    """``name_search_keys(name)``, composed from cached surname readings and given-name pinyin.

    Every reading of a surname costs about half a millisecond to look up; a bank's
    book shares a few hundred surnames and some thousands of given names, and whole
    names repeat too (cached as well).
    """
    name = "".join(name.split())
    if not name:
        from pcrm.lib.pinyin import name_search_keys

        return name_search_keys(name)
    family = surname(name)
    fulls, initials = _family_keys(family)
    given = _given_pinyin(name[len(family) :])
    full_given, initials_given = "".join(given), "".join(s[:1] for s in given)
    return (
        "|" + "|".join(sorted(f + full_given for f in fulls)) + "|",
        "|" + "|".join(sorted(i + initials_given for i in initials)) + "|",
    )


@lru_cache(maxsize=4096)
def _family_keys(family: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    # pypinyin loads its dictionaries on import (~0.2 s): only imports that seal names pay.
    from pcrm.lib.pinyin import name_search_keys

    fulls, initials = name_search_keys(family)
    return tuple(fulls.strip("|").split("|")), tuple(initials.strip("|").split("|"))


@lru_cache(maxsize=200_000)
def _given_pinyin(given: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    return tuple(p.lower() for p in lazy_pinyin(given, errors="ignore"))


class _Crypto:
    """The primary AES-GCM key and the blind-index key, read once for a batch."""

    def __init__(self) -> None:
        ring = keyring()
        self.encrypt = ring.keys[ring.primary].encrypt
        self.prefix = ring.primary + "$"
        self.index = BlindIndexer().index

    def seal_all(self, values: Sequence[str]) -> list[str]:
        """``seal(v)`` for each non-empty value: one fresh random nonce per value."""
        nonces = os.urandom(12 * len(values))
        encrypt, prefix, b64 = self.encrypt, self.prefix, base64.b64encode
        out = []
        for at, value in enumerate(values):
            if value:
                nonce = nonces[12 * at : 12 * at + 12]
                value = prefix + b64(nonce + encrypt(nonce, value.encode(), None)).decode()
            out.append(value)
        return out


def _seal_all(values: Sequence[str]) -> list[str]:
    return _Crypto().seal_all(values)


def _identities(rows: Sequence[Identity]) -> list[Sealed]:
    """For each identity: its derived columns (as customer_derived) and its four sealed values."""
    crypto = _Crypto()
    index = crypto.index
    flat = crypto.seal_all([value for row in rows for value in row[1:]])
    out: list[Sealed] = []
    for at, (name, id_no, phone, email, address) in enumerate(rows):
        pinyin, initials = name_keys(name) if name else ("", "")
        derived = (
            pinyin,
            initials,
            index(id_no, purpose="id_no"),
            mask_id_no(id_no),
            index(phone, purpose="phone"),
            mask_phone(phone),
            index(email.lower() if email else "", purpose="email"),
            mask_email(email),
            mask_address(address),
        )
        out.append((derived, tuple(flat[4 * at : 4 * at + 4])))
    return out


class Sealer:
    """Seals values in process, or through ``workers`` processes for large batches."""

    def __init__(self, *, workers: int = 1, pool_min_values: int = 0) -> None:
        self.workers = workers
        self.pool_min_values = pool_min_values
        self._pool: ProcessPoolExecutor | None = None
        self._thread: ThreadPoolExecutor | None = None

    @staticmethod
    def seal_one(value: str) -> str:
        return _Crypto().seal_all([value])[0] if value else value

    def _pooled(self, size: int) -> ProcessPoolExecutor | None:
        if self.workers <= 1 or size < self.pool_min_values:
            return None
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("fork")
            )
        return self._pool

    def _threaded(self) -> ThreadPoolExecutor:
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="pcrm-ingest-seal")
        return self._thread

    def warm(self, size: int) -> None:
        """Start the workers now if a batch of ``size`` values would use them.

        Called before the importer starts its parsing thread: forking a process that
        already runs other threads may copy a lock held by one of them into the child.
        """
        pool = self._pooled(size) if size > 0 else None
        if pool is not None:
            pool.submit(int).result()

    def _spread(self, function: Any, items: Sequence[Any], weight: int) -> list[Any]:
        return self._later(function, items, weight)()

    def _later(self, function: Any, items: Sequence[Any], weight: int) -> Callable[[], list[Any]]:
        """Start ``function`` over ``items`` in the pool (or in the sealing thread) and
        return its result getter."""
        pool = self._pooled(len(items) * weight)
        if pool is None:
            # In process, but in a thread of its own: the caller goes on (parses the next
            # chunk, writes the previous one) while this runs whenever the caller waits.
            done = self._threaded().submit(function, items)
            return lambda: list(done.result())
        step = -(-len(items) // self.workers)
        futures: list[Future[Any]] = [
            pool.submit(function, items[i : i + step]) for i in range(0, len(items), step)
        ]

        def gather() -> list[Any]:
            result: list[Any] = []
            for future in futures:
                result.extend(future.result())
            return result

        return gather

    def seal_many(self, values: Sequence[str]) -> list[str]:
        return self._spread(_seal_all, values, 1)

    def identities(self, rows: Sequence[Identity]) -> list[Sealed]:
        return self._spread(_identities, rows, len(PROTECTED))

    def identities_later(self, rows: Sequence[Identity]) -> Callable[[], list[Sealed]]:
        """:meth:`identities` started now (in the pool for large batches), gathered later."""
        return self._later(_identities, rows, len(PROTECTED))

    def close(self) -> None:
        if self._thread is not None:
            self._thread.shutdown(wait=True, cancel_futures=True)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
