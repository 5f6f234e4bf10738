"""The bulk sealing and parsing fast paths give exactly what the one-value functions give."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

import pytest

from pcrm.customers.pii import customer_derived
from pcrm.ingest import values as v
from pcrm.ingest.engine import map_header
from pcrm.ingest.schemas import SPECS, ChunkParser
from pcrm.ingest.sealing import DERIVED, PROTECTED, Sealer, name_keys
from pcrm.lib import idcard
from pcrm.lib.crypto import BlindIndexer, blind_index, normalise_for_index, unseal
from pcrm.lib.pinyin import name_search_keys

IDENTITIES = [
    (
        "曾小明",
        idcard.make("310115", dt.date(1980, 2, 29), 7),
        "13812345678",
        "A.B@Mail.CN",
        "上海市浦东新区世纪大道100号",
    ),
    ("欧阳 华", "", "", "", ""),
    ("单丽", "310115198001010012", "021-12345678", "", "北京"),
    ("司马相如", "h12345678", "13900000000", "x@y.cn", ""),
    ("John Smith", "", "139 0000 0001", "", "上海"),
    ("查文", "", "", "c@d.com", ""),
]


@pytest.mark.parametrize(
    "name",
    ["曾小明", "单丽", "查文", "欧阳华", "司马相如", "张伟", "解放", "欧阳 华", "Li Lei", "曾"],
)
def test_composed_name_keys_equal_the_library(name: str) -> None:
    assert name_keys(name) == name_search_keys(name)


@pytest.mark.parametrize(("workers", "pool_min_values"), [(1, 0), (2, 0)])
def test_bulk_identities_equal_customer_derived_and_unseal(
    workers: int, pool_min_values: int
) -> None:
    sealer = Sealer(workers=workers, pool_min_values=pool_min_values)
    try:
        result = sealer.identities(IDENTITIES)
        later = sealer.identities_later(IDENTITIES)()
    finally:
        sealer.close()
    assert len(result) == len(IDENTITIES)
    for (name, *protected), (derived, sealed), (_, sealed_again) in zip(
        IDENTITIES, result, later, strict=True
    ):
        expected = customer_derived(name=name, **dict(zip(PROTECTED, protected, strict=True)))
        assert dict(zip(DERIVED, derived, strict=True)) == expected
        for plain, token, token_again in zip(protected, sealed, sealed_again, strict=True):
            if not plain:
                assert token == ""
                continue
            assert plain not in token
            assert unseal(token) == plain
            # A fresh nonce per seal: the same value never seals to the same text twice.
            assert token != token_again


def test_seal_one_and_seal_many_open_to_the_value() -> None:
    sealer = Sealer()
    tokens = sealer.seal_many(["6222020200112233", "", "6222020200112233"])
    assert tokens[1] == ""
    assert unseal(tokens[0]) == unseal(tokens[2]) == "6222020200112233"
    assert tokens[0] != tokens[2]
    assert unseal(sealer.seal_one("13812345678")) == "13812345678"
    assert sealer.seal_one("") == ""


@pytest.mark.parametrize(
    "number",
    [
        idcard.make("110101", dt.date(1990, 5, 17), 123),
        idcard.make("310115", dt.date(2000, 2, 29), 999),
        "11010119900517123X",
        "110101199005171230",
        "110101199002301231",  # 30 February
        "11010119900517123",
        "1101011990051712３4",
        "11010119900517²234",
        "ABCDEFGHIJKLMNOPQR",
    ],
)
def test_resident_id_check_agrees_with_the_library(number: str) -> None:
    library = idcard.is_valid(number) if number.isascii() else False
    assert (v.resident_id_problem(number) == "") == (library and len(number) == 18)


def test_a_bad_cell_in_a_large_chunk_is_reported_on_its_own_row() -> None:
    spec = SPECS["customers"]
    header = ["customer_no", "name", "id_no", "phone", "branch_code", "birth_date"]
    positions, _ = map_header(spec, header)
    parser = ChunkParser(spec, positions)
    good = idcard.make("310115", dt.date(1970, 1, 1), 5)
    rows = [[f"K{n:05d}", f"王{n}", good, f"139{n:08d}", "BB01", ""] for n in range(3000)]
    rows[1234][3] = "12345"  # a bad phone in a column of distinct values
    rows[2345][5] = "2026-02-30"  # a date that does not exist
    rows[2999][0] = " Ｋ 09 "  # a key with full-width letters and spaces parses slowly but right
    parsed, errors = parser.parse(list(range(2, 3002)), rows)
    assert {(e.line, e.column) for e in errors} == {(1236, "phone"), (2347, "birth_date")}
    assert len(parsed) == 2998
    assert parsed[-1].key == "K09"
    assert parsed[0].values["birth_date"] == dt.date(1970, 1, 1)


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        "31011519900101123x",
        "A-b c@Example.COM",
        " 138-0000 ",
        "张三",
        "ß",
        "",
        "x" * 300,
    ],
)
@pytest.mark.parametrize("key", [None, b"k" * 100, b"short"])
def test_blind_indexer_equals_blind_index(value: str, key: bytes | None) -> None:
    """The bulk indexer keeps the keyed state; the result must not change by a bit."""
    indexer = BlindIndexer(key)
    for purpose in ("id_no", "phone", "email"):
        if key is None:
            expected = blind_index(value, purpose=purpose)
        else:
            message = f"{purpose}:{normalise_for_index(value)}".encode()
            expected = hmac.new(key, message, hashlib.sha256).hexdigest()[:32] if value else ""
        assert indexer.index(value, purpose=purpose) == expected
