"""Text clean-up before parsing: encoding, traditional → simplified, pinyin
annotations, page furniture and mojibake runs.

Everything removed here is reported back so the import ledger can show it:
nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

import charset_normalizer

TONE = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN = re.compile(rf"[(（](?=[a-zü{TONE}]*[{TONE}])[a-zü{TONE}]{{1,7}}[)）]")
TOC_CODE = re.compile(r"TOC\s*\\o\s*\"[\d\-]+\"\s*(?:\\[a-z]\s*)*", re.IGNORECASE)
FURNITURE_LINE = re.compile(
    r"^\s*(?:.*_第\s*\d+\s*页\s*$|已阅读\d+页.*|下载本文档|版权说明[:：].*|文档简介|温馨提示"
    r"|[•·]\s*\d+\s*[.．].*|评论|\d+/\d+|提交评论|第\s*\d+\s*页\s*(?:共\s*\d+\s*页)?|[-–—]\s*\d+\s*[-–—]"
    r"|.*(?:本站|人人文库|文库网|免费阅读|下载.{0,6}文档|侵权).*)\s*$"
)
SUSPICIOUS = re.compile(
    r"[\ue000-\uf8ff\ufffd?€⒈-⒛ㄅ-ㄩ\u0400-\u04ff\u0370-\u03ff]"
    r"|(?<=[\u4e00-\u9fff])[A-Za-z](?=[\u4e00-\u9fff])"
)


@dataclass
class Cleaned:
    text: str
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (kind, excerpt)


def decode(data: bytes) -> str:
    """Bytes → text: BOM first, then UTF-8, then charset-normalizer's best guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return data.decode("gb18030", errors="replace")
    encoding = best.encoding
    # GB2312/GBK guesses are widened to GB18030, their superset.
    if encoding.replace("_", "").lower() in {"gb2312", "gbk", "cp936", "hz"}:
        encoding = "gb18030"
    return data.decode(encoding, errors="replace")


@cache
def _converter() -> object:
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    return str(_converter().convert(text))  # type: ignore[attr-defined]


def mojibake_spans(text: str, max_gap: int = 5) -> list[tuple[int, int]]:
    """Spans of text that look like bytes decoded with the wrong codec.

    A run starts at a suspicious character (private-use code points, ``?`` inside
    Chinese text, Cyrillic/bopomofo/enclosed numerals, a lone Latin letter between
    Chinese characters) and takes in neighbours up to ``max_gap`` characters away.
    One isolated Latin letter is not enough: it must sit near another suspect.
    """
    hits = [m.start() for m in SUSPICIOUS.finditer(text)]
    spans: list[tuple[int, int]] = []
    for pos in hits:
        if spans and pos - spans[-1][1] <= max_gap:
            spans[-1] = (spans[-1][0], pos + 1)
        else:
            spans.append((pos, pos + 1))
    return [(a, b) for a, b in spans if _is_run(text[a:b])]


def _is_run(chunk: str) -> bool:
    strong = sum(1 for c in chunk if c in "?\ufffd€" or "\ue000" <= c <= "\uf8ff")
    return strong >= 1 and len(chunk) >= 2


def clean(raw: str) -> Cleaned:
    """Normalise a whole document; report furniture and mojibake removed."""
    out = Cleaned(text="")
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u3000", " ")
    text = PINYIN.sub("", text)
    text = to_simplified(text)
    for code in TOC_CODE.findall(text):
        out.dropped.append(("furniture", code))
    text = TOC_CODE.sub("", text)
    kept: list[str] = []
    for line in text.split("\n"):
        if line.strip() and FURNITURE_LINE.match(line):
            out.dropped.append(("furniture", line.strip()))
            continue
        kept.append(line)
    out.text = "\n".join(kept)
    return out


def strip_mojibake(fragment: str) -> tuple[str, list[str]]:
    """Remove mojibake runs from one fragment; returns the text and the runs removed."""
    spans = mojibake_spans(fragment)
    if not spans:
        return fragment, []
    pieces, runs, last = [], [], 0
    for a, b in spans:
        pieces.append(fragment[last:a])
        runs.append(fragment[a:b])
        last = b
    pieces.append(fragment[last:])
    return "".join(pieces), runs
