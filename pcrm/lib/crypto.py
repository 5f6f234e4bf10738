"""Field-level encryption for personal financial information (DESIGN §5).

Values are sealed with AES-256-GCM under a keyring read from settings
(``FIELD_ENCRYPTION_KEYS`` = ``"k2:<b64>,k1:<b64>"``, newest first). Each sealed
value names its key id, so old values stay readable after a rotation and
``pcrm rotate_keys`` re-seals them under the newest key. A value sealed under a
key that is not configured, or a key that does not match, raises
:class:`FieldKeyError` — never a silent empty value.

Exact-match search goes through :func:`blind_index`, an HMAC of the
normalised value under a separate key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import cache
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

_SEP = "$"


class FieldKeyError(ImproperlyConfigured):
    """A sealed value cannot be opened with the configured keys."""


class Keyring:
    """The configured field keys; the first one seals."""

    def __init__(self, spec: str) -> None:
        self.keys: dict[str, AESGCM] = {}
        for part in (p.strip() for p in spec.split(",") if p.strip()):
            key_id, _, b64 = part.partition(":")
            raw = base64.b64decode(b64)
            if not key_id or len(raw) != 32:
                raise ImproperlyConfigured(
                    "PCRM_FIELD_KEYS entries must be 'id:<base64 of 32 bytes>'"
                )
            self.keys[key_id] = AESGCM(raw)
        if not self.keys:
            raise ImproperlyConfigured("PCRM_FIELD_KEYS holds no key")
        self.primary = next(iter(self.keys))

    def seal(self, plaintext: str) -> str:
        nonce = os.urandom(12)
        ciphertext = self.keys[self.primary].encrypt(nonce, plaintext.encode(), None)
        return self.primary + _SEP + base64.b64encode(nonce + ciphertext).decode()

    def unseal(self, token: str) -> str:
        key_id, sep, b64 = token.partition(_SEP)
        if not sep:
            raise FieldKeyError("value is not sealed (no key id)")
        aead = self.keys.get(key_id)
        if aead is None:
            raise FieldKeyError(f"value sealed with key '{key_id}', which is not configured")
        blob = base64.b64decode(b64)
        try:
            return aead.decrypt(blob[:12], blob[12:], None).decode()
        except InvalidTag as exc:
            raise FieldKeyError(f"key '{key_id}' does not open this value (wrong key?)") from exc

    def sealed_with_primary(self, token: str) -> bool:
        return token.startswith(self.primary + _SEP)


@cache
def _keyring(spec: str) -> Keyring:
    return Keyring(spec)


def keyring() -> Keyring:
    return _keyring(settings.FIELD_ENCRYPTION_KEYS)


def seal(plaintext: str) -> str:
    return keyring().seal(plaintext)


def unseal(token: str) -> str:
    return keyring().unseal(token)


def normalise_for_index(value: str) -> str:
    """Case, spaces and dashes do not change identity (ID 'x' vs 'X', '138-0000')."""
    return "".join(value.split()).replace("-", "").upper()


def blind_index(value: str | None, *, purpose: str) -> str:
    """Keyed hash for exact lookups; ``purpose`` keeps phones and IDs apart."""
    if not value:
        return ""
    key = settings.BLIND_INDEX_KEY.encode()
    message = f"{purpose}:{normalise_for_index(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:32]


class BlindIndexer:
    """:func:`blind_index` for many values: the HMAC-SHA256 key schedule done once.

    ``hmac.digest`` sets the key up again on every call, which costs several times
    the hashing of a short value; bulk imports index millions of values. This keeps
    the inner and outer SHA-256 states of RFC 2104 and copies them per value.
    """

    _BLOCK = 64  # SHA-256 block size in bytes

    def __init__(self, key: bytes | None = None) -> None:
        key = settings.BLIND_INDEX_KEY.encode() if key is None else key
        if len(key) > self._BLOCK:
            key = hashlib.sha256(key).digest()
        key = key.ljust(self._BLOCK, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))

    def index(self, value: str | None, *, purpose: str) -> str:
        """Exactly ``blind_index(value, purpose=purpose)``."""
        if not value:
            return ""
        # Plain ASCII letters and digits need only the upper-casing of the normalisation.
        plain = value.upper() if value.isascii() and value.isalnum() else None
        message = f"{purpose}:{plain if plain is not None else normalise_for_index(value)}"
        inner = self._inner.copy()
        inner.update(message.encode())
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()[:32]


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column stored sealed; reads return the plaintext.

    Keep it out of list queries (``.only()``/``.defer()``): list pages show the
    masked copy stored beside it and never need to decrypt.
    """

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return seal(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value in (None, ""):
            return value
        return unseal(value)
