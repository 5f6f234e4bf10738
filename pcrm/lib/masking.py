"""Masking of personal data for display, exports and logs (DESIGN §5).

ID numbers and phones keep the first 3 and last 4 characters, card and
account numbers the first 6 and last 4, names keep the surname.
"""

from __future__ import annotations

import logging
import re

COMPOUND_SURNAMES = frozenset(
    [
        "欧阳",
        "司马",
        "诸葛",
        "上官",
        "东方",
        "皇甫",
        "尉迟",
        "公孙",
        "慕容",
        "长孙",
        "宇文",
        "司徒",
        "夏侯",
        "轩辕",
        "令狐",
        "钟离",
        "澹台",
        "公冶",
        "太史",
        "申屠",
        "端木",
        "西门",
        "南宫",
        "百里",
        "呼延",
        "独孤",
        "万俟",
        "闻人",
        "赫连",
    ]
)


def _keep(value: str, head: int, tail: int) -> str:
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[len(value) - tail :]


def surname(name: str) -> str:
    name = name.strip()
    return name[:2] if name[:2] in COMPOUND_SURNAMES else name[:1]


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    family = surname(name)
    return family + "*" * max(len(name.strip()) - len(family), 1)


def mask_id_no(value: str | None) -> str:
    return _keep(value, 3, 4) if value else ""


def mask_phone(value: str | None) -> str:
    return _keep(value, 3, 4) if value else ""


def mask_account(value: str | None) -> str:
    return _keep(value, 6, 4) if value else ""


def mask_email(value: str | None) -> str:
    if not value:
        return ""
    local, _, domain = value.partition("@")
    return (local[:1] + "***@" + domain) if domain else _keep(value, 1, 0)


def mask_address(value: str | None) -> str:
    """Keep the city-level prefix; drop street and number."""
    if not value:
        return ""
    return value[:6] + "****" if len(value) > 6 else "****"


# Logs: anything shaped like an ID number, a mobile number or a card number.
_ID_RE = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_CARD_RE = re.compile(r"(?<!\d)(\d{6})\d{6,9}(\d{4})(?!\d)")
_PHONE_RE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def mask_free_text(text: str) -> str:
    text = _ID_RE.sub(lambda m: m.group(1)[:3] + "*" * 11 + m.group(2), text)
    text = _CARD_RE.sub(lambda m: m.group(1) + "******" + m.group(2), text)
    return _PHONE_RE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


class MaskingLogFilter(logging.Filter):
    """Masks ID, card and phone numbers in every log record before it is written."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_free_text(record.getMessage())
        record.args = None
        return True
