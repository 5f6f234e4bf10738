"""The parser for messy question-bank text (DOMAIN §8).

Sections (判断题/单选题/多选题) set the type; answers sit in the stem's brackets;
choice options are often run together with the next stem.  See ``splitter`` for
how options are cut, ``blocks`` for sources laid out one option per line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pcrm.training.parsing import blocks
from pcrm.training.parsing.normalize import clean, strip_mojibake
from pcrm.training.parsing.records import (
    SECTION_TYPES,
    TF_FALSE,
    TF_TRUE,
    ParsedQuestion,
    ParseResult,
    QType,
)
from pcrm.training.parsing.splitter import Context

BLANK = "（ ）"
NUMERALS = "一二三四五六七八九十"
HEADING = re.compile(
    rf"(?:[{NUMERALS}]+\s*[、.．]\s*|第[{NUMERALS}]+部分\s*|^[ \t]*)"
    r"(判断题|单项选择题|单选题|多项选择题|多选题)(?:\s*[（(][^)）\n]{0,30}[)）])?\s*[:：]?",
    re.MULTILINE,
)
TF_MARK = r"V|v|X|x|√|×|✓|✔|✗|✘|对|错|正确|错误"
TF_ANSWER = re.compile(rf"[（(]\s*({TF_MARK})\s*[)）]")
# Letters, or the OCR slips seen in scans: 0/O/o for C, 入/人 for A, 。/○ unknown.
CHOICE_ANSWER = re.compile(
    r"[（(]\s*([A-Ha-h]{1,8}|[0Oo入人。○])\s*[)）]|[（(]\s*(0|入)(?=[^\sA-Za-z)）])"
)
OCR_LETTER = {"0": "C", "O": "C", "o": "C", "入": "A", "人": "A"}
OCR_UNSURE = {"。": "CD", "○": "CD"}
NUMBERING = re.compile(r"^\s*(?:\d{1,3}|[（(]\d{1,3}[)）])\s*[.、．)）:：]?\s*(?=\S)")
TERMINATORS = "。？?！!°"
MIN_STATEMENT = 8
KNOWN_CONFIDENCE = 0.9


@dataclass
class Section:
    name: str
    qtype: QType | None
    body: str


def parse_text(raw: str) -> ParseResult:
    """Parse a whole document: clean it, find sections, parse each."""
    result = ParseResult()
    cleaned = clean(raw)
    for kind, excerpt in cleaned.dropped:
        result.add(kind, excerpt, "页面杂项已删除")
    text, key = blocks.split_key(cleaned.text)
    sections = split_sections(text)
    statements = tuple(
        strip_number(q.stem.removesuffix(BLANK))
        for section in sections
        if section.qtype == "true_false"
        for q in parse_true_false(section.body, section.name).questions
    )
    ctx = Context.build(cleaned.text, sentence_openings(cleaned.text), statements)
    parts = _parse_sections(sections, ctx, key)
    # Second pass: options cut with high confidence are evidence for the same options
    # elsewhere (banks repeat a question's options in the single and multiple sections).
    known = {
        option
        for part in parts
        for q in part.questions
        if q.confidence >= KNOWN_CONFIDENCE
        for option in q.options
        if len(option) >= 2
    }
    if known and any(q.options for part in parts for q in part.questions):
        ctx.known = frozenset(known)
        parts = _parse_sections(sections, ctx, key)
    number = 0
    for part in parts:
        for question in part.questions:
            number += 1
            question.number = number
        result.extend(part)
    return result


def _parse_sections(
    sections: list[Section], ctx: Context, key: dict[int, str]
) -> list[ParseResult]:
    return [
        parse_section(section, ctx, key)
        for section in sections
        if section.qtype is not None or section.body.strip()
    ]


def split_sections(text: str) -> list[Section]:
    marks = list(HEADING.finditer(text))
    if not marks:
        return [Section("", None, text)]
    sections = [Section("", None, text[: marks[0].start()])]
    for mark, following in zip(marks, [*marks[1:], None], strict=False):
        end = following.start() if following else len(text)
        name = mark.group(1)
        sections.append(Section(name, SECTION_TYPES[name], text[mark.end() : end]))
    return sections


def sentence_openings(text: str) -> set[str]:
    """Four-character openings of sentences, used as evidence of where stems start."""
    openings: set[str] = set()
    pattern = rf"(?:^|{TF_ANSWER.pattern}\s*)(?:\d{{1,3}}\s*[.、．]?\s*)?([^\s(（]{{12}})"
    for match in re.finditer(pattern, text, re.MULTILINE):
        head = match.group(match.lastindex or 1)
        openings.update(head[:k] for k in range(4, 13))
    return openings


def parse_section(section: Section, ctx: Context, key: dict[int, str] | None = None) -> ParseResult:
    if blocks.looks_structured(section.body) or (key and not CHOICE_ANSWER.search(section.body)):
        return blocks.parse(section.body, section.name, section.qtype, key or {})
    if section.qtype is None:
        return _parse_untyped(section, ctx)
    if section.qtype == "true_false":
        return parse_true_false(section.body, section.name)
    return parse_choices(section.body, section.name, section.qtype, ctx)


def _parse_untyped(section: Section, ctx: Context) -> ParseResult:
    """Text before any heading: statements with (V)/(X) or choice brackets, else ledger."""
    result = ParseResult()
    body = section.body
    if TF_ANSWER.search(body) and not CHOICE_ANSWER.search(body):
        return parse_true_false(body, "")
    if CHOICE_ANSWER.search(body):
        return parse_choices(body, "", None, ctx)
    if body.strip():
        for line in body.strip().splitlines():
            if line.strip():
                result.add("unparsed", line.strip(), "标题之前的文字，没有题目")
    return result


def strip_number(text: str) -> str:
    return NUMBERING.sub("", text, count=1).strip()


def tf_value(mark: str) -> bool | None:
    if mark in TF_TRUE:
        return True
    if mark in TF_FALSE:
        return False
    return None


def parse_true_false(body: str, section: str) -> ParseResult:
    """Statements each ending with an answer bracket: ``……。(V)``."""
    result = ParseResult()
    seen: dict[str, ParsedQuestion] = {}
    fragments: list[str] = []
    last = 0
    for match in TF_ANSWER.finditer(body):
        raw = body[last : match.start()]
        last = match.end()
        excerpt = (raw + match.group(0)).strip()
        stem = strip_number(raw.replace("\n", " ").strip())
        _add_statement(result, seen, fragments, stem, tf_value(match.group(1)), excerpt, section)
    tail = body[last:].strip()
    if tail:
        result.add("unparsed", tail, "判断题末尾没有答案的文字")
    return result


def _add_statement(
    result: ParseResult,
    seen: dict[str, ParsedQuestion],
    fragments: list[str],
    stem: str,
    answer: bool | None,
    excerpt: str,
    section: str,
) -> None:
    stem, runs = strip_mojibake(stem)
    letters = sum(1 for c in stem if "\u4e00" <= c <= "\u9fff")
    if letters < MIN_STATEMENT:
        fragments.append(stem.rstrip("。.,，;； "))
        result.add("fragment", excerpt, "过短的残句，不像完整的题目")
        return
    if any(len(f) >= 3 and stem.startswith(f) for f in fragments):
        result.add("interleaved", excerpt, "与前面的残句交错，无法确定题干")
        return
    key = _key(stem)
    if key in seen:
        same = seen[key].answer == answer
        result.add("duplicate", excerpt, "重复的题目" if same else "重复的题目，答案不一致")
        return
    confidence = 1.0 if stem[-1] in TERMINATORS + ".;；”" else 0.8
    question = ParsedQuestion(0, section, "true_false", f"{stem}{BLANK}", [], answer)
    question.source_excerpt = excerpt
    if runs:
        confidence = min(confidence, 0.4)
        result.add("mojibake", excerpt, "乱码已删除：" + "".join(runs))
    question.confidence = confidence
    seen[key] = question
    result.questions.append(question)


def _key(stem: str) -> str:
    return re.sub(r"[\s\W_]", "", stem)


def answer_letters(content: str) -> tuple[str, str]:
    """Bracket content → (letters, problem). OCR slips map to a letter when sure."""
    content = content.strip()
    if content in OCR_LETTER:
        return OCR_LETTER[content], "ocr"
    if content in OCR_UNSURE:
        return "", "ocr_unsure"
    return "".join(sorted(set(content.upper()))), ""


from pcrm.training.parsing.choices import parse_choices  # noqa: E402
