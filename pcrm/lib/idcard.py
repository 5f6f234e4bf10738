"""Resident ID numbers (GB 11643-1999): check digit, validation, construction."""

from __future__ import annotations

import datetime as dt

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def check_digit(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def birth_date_of(id_no: str) -> dt.date | None:
    try:
        return dt.date(int(id_no[6:10]), int(id_no[10:12]), int(id_no[12:14]))
    except ValueError:
        return None


def is_valid(id_no: str) -> bool:
    """18 characters, digits but a final digit or X, a real birth date, the right check digit."""
    id_no = id_no.strip().upper()
    if len(id_no) != 18 or not id_no[:17].isdigit() or id_no[17] not in "0123456789X":
        return False
    return birth_date_of(id_no) is not None and check_digit(id_no[:17]) == id_no[17]


def make(region: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number: 6-digit region, birth date, 3-digit sequence, check digit."""
    first17 = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_digit(first17)
