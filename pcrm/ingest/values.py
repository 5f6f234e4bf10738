"""Cell values as branch staff type them, turned into clean values (DESIGN §4.2).

Each parser takes the cell text and returns the clean value, or raises
:class:`BadValue` with the reason in Chinese. Parsers keep a fast path for the
canonical form because they run once per cell of files with millions of rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from operator import mul
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import TextChoices

from pcrm.lib import idcard

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Full-width ASCII (０-９, Ａ-Ｚ, ａ-ｚ, punctuation) and the ideographic space to half-width.
_HALF = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_WIDE = re.compile("[\uff01-\uff5e\u3000]")


class BadValue(ValueError):
    """A cell that cannot be read; the message is the reason shown to staff."""


Parser = Callable[[str], Any]


def half_width(text: str) -> str:
    # translate() is slow on non-ASCII text; most Chinese cells hold no full-width character.
    if text.isascii() or _WIDE.search(text) is None:
        return text
    return text.translate(_HALF)


def text(value: str) -> str:
    return value.strip()


def limited(max_length: int) -> Parser:
    def parse(value: str) -> str:
        value = value.strip()
        if len(value) > max_length:
            raise BadValue(f"内容过长（最多 {max_length} 个字）")
        return value

    return parse


def code(value: str) -> str:
    """Keys and codes: half-width, no surrounding or inner spaces."""
    value = "".join(half_width(value).split())
    if len(value) > 64:
        raise BadValue("编号过长")
    return value


_TRUE = frozenset({"1", "是", "y", "yes", "true", "t", "√", "✓", "对", "有"})
_FALSE = frozenset({"0", "否", "n", "no", "false", "f", "×", "✗", "无", "不是"})


def flag(value: str) -> bool | None:
    """是/否, 1/0, Y/N, true/false; empty is None (the column's default applies)."""
    value = half_width(value).strip().lower()
    if not value:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise BadValue("应为 是/否 或 1/0")


def choice(choices: type[TextChoices], extra: dict[str, str] | None = None) -> Parser:
    """An enum given as its value, its Chinese label, or one of ``extra``'s synonyms."""
    table: dict[str, str] = {}
    for member in choices:
        table[member.value.lower()] = member.value
        table[str(member.label).lower()] = member.value
    for alias, target in (extra or {}).items():
        table[alias.lower()] = target
    allowed = "、".join(str(m.label) for m in choices)

    def parse(value: str) -> str:
        value = half_width(value).strip()
        if not value:
            return ""
        found = table.get(value.lower())
        if found is None:
            raise BadValue(f"取值无效，应为：{allowed}")
        return found

    return parse


_DATE_CN = re.compile(r"^(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?$")


def date(value: str) -> dt.date | None:
    """2026-01-05, 2026/1/5, 2026.1.5, 2026年1月5日, 20260105; empty is None."""
    value = half_width(value).strip()
    if not value:
        return None
    try:
        if len(value) == 10 and value[4] == "-":
            return dt.date.fromisoformat(value)
        if len(value) == 8 and value.isdigit():
            return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
        if len(value) >= 19 and value[10] in "T ":  # a spreadsheet date with a midnight time
            return dt.datetime.fromisoformat(value).date()
        match = _DATE_CN.match(value)
        if match:
            return dt.date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise BadValue("日期不存在") from exc
    raise BadValue("日期格式无效，应为 2026-01-05、2026/1/5 或 2026年1月5日")


def moment(value: str) -> dt.datetime | None:
    """ISO 8601 date-time (also with '/' or Chinese dates); naive means Asia/Shanghai."""
    value = half_width(value).strip()
    if not value:
        return None
    normal = value.replace("/", "-").replace("年", "-").replace("月", "-").replace("日", " ")
    try:
        parsed = dt.datetime.fromisoformat(normal.strip())
    except ValueError:
        head, _, tail = normal.strip().partition(" ")
        day = date(head)
        if day is None:
            raise BadValue("时间格式无效，应为 2026-01-05T10:00:00") from None
        try:
            clock = dt.time.fromisoformat(tail.strip()) if tail.strip() else dt.time()
        except ValueError as exc:
            raise BadValue("时间格式无效，应为 2026-01-05T10:00:00") from exc
        parsed = dt.datetime.combine(day, clock)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=SHANGHAI)
    return parsed.astimezone(dt.UTC)


_MONEY_LIMIT = Decimal("1e16")
_CENT = Decimal("0.01")


def amount(value: str) -> Decimal | None:
    """Yuan: '1,234.5', '¥1234', '1234元', '(500)' for −500; at most 2 decimals."""
    value = half_width(value).strip()
    if not value:
        return None
    if not value.replace(".", "", 1).lstrip("-").isdigit():
        value = value.replace(",", "").replace("¥", "").replace("￥", "").replace("元", "")
        value = value.replace(" ", "").replace("RMB", "").replace("CNY", "")
        if value.startswith("(") and value.endswith(")"):
            value = "-" + value[1:-1]
    try:
        number = Decimal(value)
    except InvalidOperation as exc:
        raise BadValue("金额格式无效") from exc
    if not number.is_finite() or abs(number) >= _MONEY_LIMIT:
        raise BadValue("金额超出范围")
    if number != number.quantize(_CENT):
        raise BadValue("金额最多两位小数")
    return number.quantize(_CENT)


def potential(value: str) -> int | None:
    value = half_width(value).strip().rstrip("%")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError as exc:
        raise BadValue("增长潜力应为 0–100 的数字") from exc
    if not 0 <= number <= 100 or number != int(number):
        raise BadValue("增长潜力应为 0–100 的整数")
    return int(number)


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{9,11}$")


def phone(value: str) -> str:
    """Mobile (11 digits from 13–19) or landline with area code; +86, spaces, dashes dropped."""
    value = "".join(half_width(value).split()).replace("-", "")
    if not value:
        return ""
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    if not (_MOBILE.match(value) or _LANDLINE.match(value)):
        raise BadValue("手机号码无效")
    return value


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def email(value: str) -> str:
    value = half_width(value).strip()
    if value and (len(value) > 120 or not _EMAIL.match(value)):
        raise BadValue("电子邮箱格式无效")
    return value


def id_no(value: str) -> str:
    """The number as given (half-width, upper case); the row check depends on id_type."""
    value = "".join(half_width(value).split()).upper()
    if len(value) > 32:
        raise BadValue("证件号码过长")
    return value


def resident_id_problem(number: str) -> str:
    """Why a resident ID number is invalid (GB 11643), or '' when it is valid."""
    if len(number) != 18:
        return "身份证号码应为 18 位"
    if not _valid_resident_id(number):
        return "身份证号码校验位不正确或出生日期无效"
    return ""


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_ASCII_OFFSET = ord("0") * sum(_ID_WEIGHTS)


def _valid_resident_id(number: str) -> bool:
    """``idcard.is_valid`` for an 18-character number, in one pass of C-level maps.

    The first 17 characters must be ASCII digits (a superscript or other Unicode
    digit is not a digit of an ID number).
    """
    head = number[:17]
    if not (head.isascii() and head.isdigit()) or number[17] not in "0123456789X":
        return False
    if idcard.birth_date_of(number) is None:
        return False
    # The bytes of ASCII digits are the digits plus 48: one C-level pass, no int() per digit.
    weighted = sum(map(mul, head.encode(), _ID_WEIGHTS)) - _ID_ASCII_OFFSET
    return _ID_CHECK[weighted % 11] == number[17]
