"""Header aliases and value forms as branch staff type them."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from pcrm.ingest import values as v
from pcrm.ingest.aliases import canonical_header
from pcrm.ingest.schemas import _GENDER, _ORIENTATION, _PREFERENCE, _RATING


@pytest.mark.parametrize(
    ("header", "canonical"),
    [
        ("客户号", "customer_no"),
        ("客户编号", "customer_no"),
        (" Customer No ", "customer_no"),
        ("\ufeffcustomer_no", "customer_no"),
        ("证件号码（必填）", "id_no"),
        ("手机号码", "phone"),
        ("客户经理", "manager_code"),
        ("产品类型", "product_type"),
        ("到期日", "matures_on"),
        ("本金(元)", "principal"),
        ("网点名称", "name"),
        ("ｐｈｏｎｅ", "phone"),
        ("不认识的列", None),
    ],
)
def test_header_aliases(header: str, canonical: str | None) -> None:
    assert canonical_header(header) == canonical


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-05", dt.date(2026, 1, 5)),
        ("2026/1/5", dt.date(2026, 1, 5)),
        ("2026年1月5日", dt.date(2026, 1, 5)),
        ("２０２６年１月５日", dt.date(2026, 1, 5)),
        ("20260105", dt.date(2026, 1, 5)),
        ("2026-01-05 00:00:00", dt.date(2026, 1, 5)),
        ("", None),
    ],
)
def test_dates(text: str, expected: dt.date | None) -> None:
    assert v.date(text) == expected


@pytest.mark.parametrize("text", ["2026-02-30", "05/01/2026", "明天", "2026年13月1日"])
def test_bad_dates_say_why_in_chinese(text: str) -> None:
    with pytest.raises(v.BadValue, match="日期"):
        v.date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1,234.50", Decimal("1234.50")),
        ("¥300,000.00", Decimal("300000.00")),
        ("￥400000", Decimal("400000.00")),
        ("５０００元", Decimal("5000.00")),
        ("-80,000", Decimal("-80000.00")),
        ("(500)", Decimal("-500.00")),
        ("", None),
    ],
)
def test_amounts(text: str, expected: Decimal | None) -> None:
    assert v.amount(text) == expected


@pytest.mark.parametrize("text", ["1.234", "abc", "1e30", "NaN"])
def test_bad_amounts(text: str) -> None:
    with pytest.raises(v.BadValue):
        v.amount(text)


def test_times_naive_means_shanghai() -> None:
    moment = v.moment("2026-08-01T10:00:00")
    assert moment == dt.datetime(2026, 8, 1, 2, 0, tzinfo=dt.UTC)
    assert v.moment("2026/8/1 10:00") == moment
    assert v.moment("2026-08-01T10:00:00+08:00") == moment
    assert v.moment("2026年8月1日 10:00") == moment


@pytest.mark.parametrize(
    ("text", "expected"),
    [("是", True), ("否", False), ("1", True), ("Y", True), ("n", False), ("", None)],
)
def test_flags(text: str, expected: bool | None) -> None:
    assert v.flag(text) is expected


def test_enums_in_chinese() -> None:
    assert _ORIENTATION("关系取向") == "relationship"
    assert _ORIENTATION("价值取向") == "value"
    assert _ORIENTATION("服务取向") == "service"
    assert _PREFERENCE("免打扰") == "do_not_disturb"
    assert _PREFERENCE("常联系") == "frequent"
    assert _PREFERENCE("适度联系") == "moderate"
    assert _GENDER("男") == "M"
    assert _GENDER("女") == "F"
    assert _RATING("c3") == "C3"
    assert _RATING("稳健型") == "C2"
    with pytest.raises(v.BadValue, match="取值无效"):
        _ORIENTATION("随便")


def test_phones() -> None:
    assert v.phone("１３９１２３４５６０１") == "13912345601"
    assert v.phone("+86 139-1234-5601") == "13912345601"
    assert v.phone("021-12345678") == "02112345678"
    with pytest.raises(v.BadValue, match="手机号码"):
        v.phone("12345")


def test_resident_id_check_digit() -> None:
    assert v.resident_id_problem("310115197504121012") == ""
    assert "校验位" in v.resident_id_problem("310115197504121013")
    assert "18" in v.resident_id_problem("3101151975")
