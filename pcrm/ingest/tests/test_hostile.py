"""Hostile input: refused fast, with a clear message, nothing written, no traceback."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from pcrm.ingest.models import ImportFingerprint
from pcrm.ingest.reader import FileRefused
from pcrm.ingest.tests.conftest import run
from pcrm.org.models import Branch

WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheets><sheet name="S" sheetId="1"/></sheets></workbook>'
)


def _refused(path: Path, match: str) -> None:
    started = time.monotonic()
    with pytest.raises(FileRefused, match=match):
        run("branches", path)
    assert time.monotonic() - started < 1.0
    assert not Branch.objects.exists()
    assert not ImportFingerprint.objects.exists()


@pytest.mark.django_db
def test_oversized_file_is_refused(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PCRM_INGEST_MAX_FILE_BYTES", "1000")
    path = tmp_path / "big.csv"
    path.write_text("branch_code,name\n" + "B,x\n" * 1000, encoding="utf-8")
    _refused(path, "文件过大")


@pytest.mark.django_db
def test_xlsx_zip_bomb_is_refused_from_its_directory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", WORKBOOK)
        # 40 MB of zeros compress to ~40 KB: a ratio of ~1000.
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            block = b"\0" * (1 << 20)
            for _ in range(40):
                member.write(block)
    assert path.stat().st_size < 1_000_000
    _refused(path, "压缩炸弹")


@pytest.mark.django_db
def test_xlsx_declaring_a_huge_total_is_refused(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PCRM_INGEST_MAX_XLSX_UNCOMPRESSED_BYTES", "10000")
    path = tmp_path / "many.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/worksheets/sheet1.xml", "x" * 20_000)
    _refused(path, "压缩炸弹")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "doctype",
    [
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>',
        '<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    ],
)
def test_xml_entity_tricks_are_refused(tmp_path, doctype) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "entities.xlsx"
    sheet = (
        f'<?xml version="1.0"?>{doctype}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row><c t="inlineStr"><is><t>&lol2;</t></is></c></row></sheetData>'
        "</worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    _refused(path, "不安全的 XML")


@pytest.mark.django_db
def test_broken_zip_and_binary_garbage_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04" + b"\xff" * 500)
    _refused(broken, "XLSX")
    garbage = tmp_path / "garbage.csv"
    garbage.write_bytes(b"\x00\x01\x02\x03" * 100)
    _refused(garbage, "CSV")


@pytest.mark.django_db
def test_inconsistent_encoding_mid_file_is_a_clear_refusal(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "mixed.csv"
    head = "branch_code,name\n" + "".join(f"M{i},网点{i}\n" for i in range(5000))
    path.write_bytes(head.encode("utf-8") + "Z1,坏编码\n".encode("gb18030"))
    with pytest.raises(FileRefused, match="编码"):
        run("branches", path)
