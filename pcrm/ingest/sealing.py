"""Sealing personal data for bulk writes (the COPY path bypasses the model field).

AES-GCM per value, the blind indexes and the pinyin keys are the main cost of
importing customers. They are computed here in bulk with the per-call overheads
hoisted out of the loop (the keys are read once per batch, the nonces drawn in
one ``os.urandom`` call and sliced: still a fresh random 96-bit nonce per
value), and large batches are spread over a small process pool (forked: the
workers share the configured keys). A sealed value is exactly what
:func:`pcrm.lib.crypto.seal` would produce, and every derived column equals
:func:`pcrm.customers.pii.customer_derived` (the tests compare them).
"""

from __future__ import annotations

import base64
import hmac
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from functools import lru_cache
from typing import Any

from django.conf import settings
from pypinyin import lazy_pinyin

from pcrm.lib.crypto import keyring, normalise_for_index
from pcrm.lib.masking import mask_address, mask_email, mask_id_no, mask_phone, surname
from pcrm.lib.pinyin import name_search_keys

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
    fulls, initials = name_search_keys(family)
    return tuple(fulls.strip("|").split("|")), tuple(initials.strip("|").split("|"))


@lru_cache(maxsize=200_000)
def _given_pinyin(given: str) -> tuple[str, ...]:
    return tuple(p.lower() for p in lazy_pinyin(given, errors="ignore"))


class _Crypto:
    """The primary AES-GCM key and the blind-index key, read once for a batch."""

    def __init__(self) -> None:
        ring = keyring()
        self.encrypt = ring.keys[ring.primary].encrypt
        self.prefix = ring.primary + "$"
        self.index_key = settings.BLIND_INDEX_KEY.encode()

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

    def index(self, value: str, purpose: str) -> str:
        """``blind_index(value, purpose=purpose)``."""
        if not value:
            return ""
        message = f"{purpose}:{normalise_for_index(value)}".encode()
        return hmac.digest(self.index_key, message, "sha256").hex()[:32]


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
            index(id_no, "id_no"),
            mask_id_no(id_no),
            index(phone, "phone"),
            mask_phone(phone),
            index(email.lower() if email else "", "email"),
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

    def _spread(self, function: Any, items: Sequence[Any], weight: int) -> list[Any]:
        return self._later(function, items, weight)()

    def _later(self, function: Any, items: Sequence[Any], weight: int) -> Callable[[], list[Any]]:
        """Start ``function`` over ``items`` in the pool (or not at all) and return its result
        getter; in process the work is done when the result is asked for."""
        pool = self._pooled(len(items) * weight)
        if pool is None:
            return lambda: list(function(items))
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
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
