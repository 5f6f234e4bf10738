"""Reading interchange files: CSV (UTF-8, UTF-8-BOM, GB18030, UTF-16) or XLSX, streamed.

Hostile files are refused *before* parsing, from cheap facts: the file size,
the zip directory of an XLSX (declared uncompressed sizes and ratios), and the
head of every XML part (no DTD, so no entity expansion). Refusals raise
:class:`FileRefused` with a message in Chinese; nothing else escapes as a
traceback.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import charset_normalizer
import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from pcrm.ingest.policy import IngestPolicy

_SNIFF_BYTES = 64 * 1024
_XML_HEAD = 4096
_SMALL_XML = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"


class FileRefused(ValueError):
    """The file is not imported at all; the message says why (Chinese)."""


@dataclass(frozen=True)
class OpenedFile:
    header: list[str]
    rows: Iterator[list[str]]
    file_format: str
    encoding: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def open_table(path: Path, policy: IngestPolicy, *, max_bytes: int | None = None) -> OpenedFile:
    """Check the file, then return its header and a lazy iterator over its rows."""
    limit = max_bytes or policy.max_file_bytes
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise FileRefused(f"无法读取文件：{path.name}") from exc
    if size > limit:
        raise FileRefused(f"文件过大（{size // 1_048_576} MB），上限为 {limit // 1_048_576} MB")
    if size == 0:
        raise FileRefused("文件为空")
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if head.startswith(_ZIP_MAGIC):
        check_xlsx(path, policy)
        return _open_xlsx(path)
    if path.suffix.lower() in {".xlsx", ".xls", ".xlsm"}:
        raise FileRefused("不是有效的 XLSX 文件（请另存为 .xlsx 或 CSV）")
    return _open_csv(path, head)


# --- CSV -------------------------------------------------------------------------------


def detect_encoding(head: bytes) -> str:
    """BOMs first; then strict UTF-8; then charset-normalizer (GB2312/GBK read as GB18030)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[: head.rfind(b"\n") + 1] or head
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(sample).best()
    guess = (best.encoding if best else "gb18030").lower().replace("-", "_")
    if guess in {"gb2312", "gbk", "gb18030", "big5", "cp936", "hz"} or guess.startswith("cp"):
        return "gb18030"
    return guess


def _open_csv(path: Path, head: bytes) -> OpenedFile:
    encoding = detect_encoding(head)
    try:
        first_line = head.decode(encoding, errors="replace").splitlines()[0]
    except IndexError as exc:
        raise FileRefused("文件为空") from exc
    if "\x00" in first_line:
        raise FileRefused("文件不是文本表格（CSV）或 XLSX")
    delimiter = max(",\t;|", key=first_line.count)
    handle = io.TextIOWrapper(path.open("rb"), encoding=encoding, newline="", errors="strict")
    reader = csv.reader(handle, delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:
        handle.close()
        raise FileRefused("文件为空") from exc
    except (UnicodeDecodeError, csv.Error) as exc:
        handle.close()
        raise FileRefused("无法读取表头（编码或格式有误）") from exc
    return OpenedFile(header, _csv_rows(reader, handle), "csv", encoding)


def _csv_rows(reader: Any, handle: io.TextIOWrapper) -> Iterator[list[str]]:
    try:
        yield from reader
    except UnicodeDecodeError as exc:
        raise FileRefused(
            f"第 {reader.line_num + 1} 行附近含有无法识别的字符（文件编码不一致）"
        ) from exc
    except csv.Error as exc:
        raise FileRefused(f"第 {reader.line_num} 行 CSV 格式有误：{exc}") from exc
    finally:
        handle.close()


# --- XLSX ------------------------------------------------------------------------------


def check_xlsx(path: Path, policy: IngestPolicy) -> None:
    """Refuse zip bombs and XML entity tricks from the zip directory and the XML heads."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRefused("XLSX 文件已损坏，无法打开") from exc
    with archive:
        members = archive.infolist()
        if len(members) > 10_000:
            raise FileRefused("XLSX 文件结构异常（部件过多）")
        declared = sum(m.file_size for m in members)
        if declared > policy.max_xlsx_uncompressed_bytes:
            raise FileRefused("XLSX 解压后过大，疑似压缩炸弹，已拒绝")
        for member in members:
            ratio = member.file_size / max(member.compress_size, 1)
            if member.file_size > _SMALL_XML and ratio > policy.max_xlsx_ratio:
                raise FileRefused("XLSX 压缩比异常，疑似压缩炸弹，已拒绝")
        names = {m.filename for m in members}
        if "xl/workbook.xml" not in names:
            raise FileRefused("不是有效的 XLSX 文件（缺少工作簿）")
        for member in members:
            if member.filename.endswith((".xml", ".rels")):
                _check_xml_part(archive, member)


def _check_xml_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """A DTD can only come before the root element, so the head of a part tells."""
    try:
        with archive.open(member) as part:
            head = part.read(_XML_HEAD)
            if member.file_size <= _SMALL_XML:
                SafeET.fromstring(head + part.read(_SMALL_XML))
    except DefusedXmlException as exc:
        raise FileRefused("XLSX 含有不安全的 XML 定义（实体/DTD），已拒绝") from exc
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise FileRefused("XLSX 文件已损坏，无法打开") from exc
    except SafeET.ParseError as exc:
        raise FileRefused(f"XLSX 部件 {member.filename} 格式有误") from exc
    if b"<!doctype" in head.lower() or b"<!entity" in head.lower():
        raise FileRefused("XLSX 含有不安全的 XML 定义（实体/DTD），已拒绝")


def cell_text(value: Any) -> str:
    """A typed spreadsheet cell as the text staff would have typed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _open_xlsx(path: Path) -> OpenedFile:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        rows = workbook.get_sheet_by_index(0).iter_rows()
        header = [cell_text(c) for c in next(rows)]
    except StopIteration as exc:
        raise FileRefused("工作表为空") from exc
    except Exception as exc:  # calamine raises its own error types for broken workbooks
        raise FileRefused("XLSX 文件无法解析") from exc
    return OpenedFile(header, ([cell_text(c) for c in row] for row in rows), "xlsx", "")
