"""GIFT and Aiken, the plain-text interchange formats of Moodle and most quiz apps."""

from __future__ import annotations

import re

from pcrm.training.parsing.records import LETTERS, ParsedQuestion, ParseResult, QType

BLANK = "（ ）"
GIFT_SPECIAL = re.compile(r"([~=#{}:\\])")
TRUE_FALSE_OPTIONS = ["正确", "错误"]


def _esc(text: str) -> str:
    return GIFT_SPECIAL.sub(r"\\\1", text)


def _unesc(text: str) -> str:
    return re.sub(r"\\([~=#{}:\\])", r"\1", text).strip()


def to_gift(questions: list[ParsedQuestion]) -> str:
    out: list[str] = []
    for q in questions:
        out.append(f"// section: {q.section}" if q.section else "// section:")
        title = f"::{q.number}::"
        if q.qtype == "true_false":
            out.append(f"{title}{_esc(q.stem)} {{{'TRUE' if q.answer is True else 'FALSE'}}}")
        elif q.qtype == "single":
            marks = [
                ("=" if LETTERS[i] == q.answer else "~") + _esc(o) for i, o in enumerate(q.options)
            ]
            out.append(f"{title}{_esc(q.stem)} {{{' '.join(marks)}}}")
        else:
            right = q.answer_letters()
            share = round(100 / max(1, len(right)), 5)
            marks = [
                (f"~%{share:g}%" if LETTERS[i] in right else "~%-100%") + _esc(o)
                for i, o in enumerate(q.options)
            ]
            out.append(f"{title}{_esc(q.stem)} {{{' '.join(marks)}}}")
        out.append("")
    return "\n".join(out)


def from_gift(text: str) -> ParseResult:
    result = ParseResult()
    section = ""
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = []
        for line in chunk.splitlines():
            if line.startswith("// section:"):
                section = line.split(":", 1)[1].strip()
            elif not line.startswith("//") and not line.startswith("$CATEGORY"):
                lines.append(line)
        body = "\n".join(lines).strip()
        if not body:
            continue
        question = _gift_question(body, section, len(result.questions) + 1)
        if question is None:
            result.add("unparsed", body, "无法识别的GIFT题目")
        else:
            result.questions.append(question)
    return result


def _gift_question(body: str, section: str, number: int) -> ParsedQuestion | None:
    title = re.match(r"^::(.*?)::", body)
    if title:
        body = body[title.end() :]
    match = re.search(r"(?<!\\)\{(.*?)(?<!\\)\}", body, re.DOTALL)
    if not match:
        return None
    before, inside, after = body[: match.start()], match[1].strip(), body[match.end() :]
    stem = _unesc(before) + (BLANK + _unesc(after) if after.strip() else "")
    if inside.upper() in {"T", "TRUE", "F", "FALSE"}:
        return ParsedQuestion(
            number, section, "true_false", stem, [], inside.upper().startswith("T")
        )
    parts = re.findall(r"(?<!\\)([=~])((?:%-?[\d.]+%)?)((?:\\.|[^=~\\])*)", inside)
    options, right, weighted = [], "", False
    for index, (mark, weight, text) in enumerate(parts):
        options.append(_unesc(text.split("#")[0]))
        value = float(weight.strip("%")) if weight else (100.0 if mark == "=" else 0.0)
        weighted = weighted or bool(weight)
        if value > 0 and index < len(LETTERS):
            right += LETTERS[index]
    kind: QType = "multiple" if weighted or len(right) > 1 else "single"
    return ParsedQuestion(number, section, kind, stem, options, right)


def to_aiken(questions: list[ParsedQuestion]) -> str:
    out: list[str] = []
    for q in questions:
        options = TRUE_FALSE_OPTIONS if q.qtype == "true_false" else q.options
        answer = (
            ("A" if q.answer is True else "B") if q.qtype == "true_false" else q.answer_letters()
        )
        out.append(q.stem.replace("\n", " "))
        out.extend(f"{LETTERS[i]}. {option}" for i, option in enumerate(options))
        out.append(f"ANSWER: {answer}")
        out.append("")
    return "\n".join(out)


def from_aiken(text: str) -> ParseResult:
    result = ParseResult()
    for chunk in re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        options = [m[2] for line in lines if (m := re.match(r"^([A-H])[.)]\s*(.*)$", line))]
        answer = next(
            (line.split(":", 1)[1].strip() for line in lines if line.startswith("ANSWER")), ""
        )
        stem_lines = [line for line in lines if not re.match(r"^([A-H])[.)]\s|^ANSWER", line)]
        if not options or not answer or not stem_lines:
            result.add("unparsed", chunk, "不完整的Aiken题目")
            continue
        number = len(result.questions) + 1
        stem = " ".join(stem_lines)
        if options == TRUE_FALSE_OPTIONS:
            result.questions.append(
                ParsedQuestion(number, "", "true_false", stem, [], answer == "A")
            )
            continue
        kind: QType = "multiple" if len(answer) > 1 else "single"
        result.questions.append(ParsedQuestion(number, "", kind, stem, options, answer))
    return result
