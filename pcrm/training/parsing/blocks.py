"""Sources laid out one option per line (``A. …``), with ``答案：`` lines or a key
(``1-5 ABCDA``) at the end, numbered in any of the usual ways or not at all."""

from __future__ import annotations

import re

from pcrm.training.parsing.records import (
    LETTERS,
    TF_FALSE,
    TF_TRUE,
    ParsedQuestion,
    ParseResult,
    QType,
)

OPTION_LINE = re.compile(r"^\s*([A-Ha-h])\s*[.、．:：)）]\s*(.*)$")
INLINE_OPTION = re.compile(r"(?:^|\s+)([A-H])\s*[.、．:：)）]\s*")
ANSWER_LINE = re.compile(r"^\s*(?:【?(?:参考)?答案】?|正确答案)\s*[:：]?\s*(.+?)\s*$")
EXPLAIN_LINE = re.compile(r"^\s*【?解析】?\s*[:：]\s*(.*)$")
QUESTION_NUMBER = re.compile(
    r"^\s*(?:第\s*)?[（(]?(\d{1,4})\s*(?:题)?\s*(?:[.、．:：]|[)）]\s*[.、．]?)\s*(.*)$"
)
KEY_HEADING = re.compile(r"^\s*(?:参考)?答案\s*[:：]?\s*$")
KEY_RANGE = re.compile(r"(\d{1,4})\s*[-–~～—]\s*(\d{1,4})\s*[:：]?\s*([A-Ha-h对错√×VX]+)")
KEY_SINGLE = re.compile(r"(\d{1,4})\s*[.、．:：]?\s*([A-H]{1,8}|对|错|√|×|正确|错误)(?![A-Za-z])")
BRACKET = re.compile(r"[（(]\s*([A-H]{1,8}|V|v|X|x|√|×|对|错|正确|错误)\s*[)）]")


def looks_structured(body: str) -> bool:
    lines = body.splitlines()
    options = sum(1 for line in lines if OPTION_LINE.match(line))
    answers = sum(1 for line in lines if ANSWER_LINE.match(line))
    keyed = any(KEY_RANGE.search(line) for line in lines)
    return options >= 2 or answers >= 1 or keyed


def split_key(body: str) -> tuple[str, dict[int, str]]:
    """Separate an answer key (``1-5 ABCDA`` or a ``答案`` block) from the questions."""
    lines = body.splitlines()
    key: dict[int, str] = {}
    kept: list[str] = []
    in_key = False
    for line in lines:
        if KEY_HEADING.match(line):
            in_key = True
            continue
        ranges = list(KEY_RANGE.finditer(line))
        if ranges and not OPTION_LINE.match(line):
            for match in ranges:
                first, last, letters = int(match[1]), int(match[2]), match[3]
                for offset, letter in enumerate(letters):
                    if first + offset <= last:
                        key[first + offset] = letter
            continue
        if in_key and line.strip():
            for match in KEY_SINGLE.finditer(line):
                key[int(match[1])] = match[2]
            continue
        kept.append(line)
    return "\n".join(kept), key


def _blocks(body: str) -> list[tuple[int | None, list[str]]]:
    blocks: list[tuple[int | None, list[str]]] = []
    current: list[str] = []
    number: int | None = None
    numbered = any(QUESTION_NUMBER.match(line) for line in body.splitlines())
    for line in body.splitlines():
        match = QUESTION_NUMBER.match(line)
        if numbered and match and not OPTION_LINE.match(line):
            if current:
                blocks.append((number, current))
            number, current = int(match[1]), [match[2]]
            continue
        if not numbered and not line.strip():
            if current:
                blocks.append((None, current))
            current = []
            continue
        if line.strip():
            current.append(line)
    if current:
        blocks.append((number, current))
    return blocks


def parse(
    body: str, section: str, qtype: QType | None, key: dict[int, str] | None = None
) -> ParseResult:
    result = ParseResult()
    text, own_key = split_key(body)
    key = {**(key or {}), **own_key}
    for position, (number, lines) in enumerate(_blocks(text), start=1):
        question = _parse_block(lines, section, qtype, key.get(number or position))
        if isinstance(question, str):
            result.add(
                "missing_answer" if question == "no answer" else "unparsed",
                "\n".join(lines),
                question,
            )
            continue
        if question.qtype != "true_false" and len(question.options) < 2:
            result.add("unparsed", "\n".join(lines), "选择题没有找到选项")
            continue
        result.questions.append(question)
    return result


def _parse_block(
    lines: list[str], section: str, qtype: QType | None, keyed: str | None
) -> ParsedQuestion | str:
    stem_parts: list[str] = []
    options: list[str] = []
    answer_text, explanation = keyed or "", ""
    for line in lines:
        if match := ANSWER_LINE.match(line):
            answer_text = match[1]
        elif match := EXPLAIN_LINE.match(line):
            explanation = match[1]
        elif OPTION_LINE.match(line):
            options.extend(_inline_options(line))
        elif options:
            options[-1] += line.strip()
        else:
            stem_parts.append(line.strip())
    stem = " ".join(part for part in stem_parts if part)
    bracket = BRACKET.search(stem)
    if bracket and not answer_text:
        answer_text = bracket[1]
    if bracket:
        stem = stem[: bracket.start()] + "（ ）" + stem[bracket.end() :]
    if not stem:
        return "empty stem"
    kind: QType = qtype or ("true_false" if not options else "single")
    answer = _answer(answer_text, kind)
    if answer is None or answer == "":
        return "no answer"
    if kind != "true_false" and isinstance(answer, str) and len(answer) > 1:
        kind = "multiple"
    if kind == "true_false" and not stem.endswith("（ ）"):
        stem = f"{stem}（ ）"
    question = ParsedQuestion(
        0, section, kind, stem, [] if kind == "true_false" else options, answer
    )
    question.explanation = explanation
    question.source_excerpt = "\n".join(lines)[:600]
    question.confidence = 1.0 if keyed is None or bracket or answer_text != keyed else 0.95
    return question


def _inline_options(line: str) -> list[str]:
    parts = INLINE_OPTION.split(line.strip())
    # split() gives ['', 'A', 'text', 'B', 'text', …]
    return [parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)]


def _answer(text: str, kind: QType) -> str | bool | None:
    text = text.strip().rstrip("。.")
    if kind == "true_false":
        if text in TF_TRUE:
            return True
        if text in TF_FALSE:
            return False
        return None
    letters = "".join(sorted({c for c in text.upper() if c in LETTERS}))
    return letters or None
