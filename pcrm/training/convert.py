"""Between stored questions and the parser's plain records; export in every format."""

from __future__ import annotations

import json
from collections.abc import Iterable

from pcrm.training.models import Question
from pcrm.training.parsing.files import to_xlsx
from pcrm.training.parsing.interchange import to_aiken, to_gift
from pcrm.training.parsing.moodle import to_moodle
from pcrm.training.parsing.records import ParsedQuestion

EXPORT_FORMATS = ("json", "gift", "aiken", "moodle-xml", "xlsx")


def to_record(question: Question) -> ParsedQuestion:
    record = ParsedQuestion(
        question.number,
        question.section,
        question.qtype,  # type: ignore[arg-type]
        question.stem,
        list(question.options),
        question.answer,
    )
    record.confidence = question.confidence
    record.source_excerpt = question.source_excerpt
    record.explanation = question.explanation
    record.chapter = question.chapter
    record.difficulty = question.difficulty
    return record


def as_json_item(record: ParsedQuestion) -> dict[str, object]:
    """The contract shape of one exported question (issue 9 §4)."""
    return {
        "number": record.number,
        "section": record.section,
        "type": record.qtype,
        "stem": record.stem,
        "options": [] if record.qtype == "true_false" else list(record.options),
        "answer": record.answer,
        "confidence": round(record.confidence, 2),
        "source_excerpt": record.source_excerpt,
    }


def export(questions: Iterable[Question], fmt: str) -> bytes:
    """Serialise questions; text formats are UTF-8."""
    records = [to_record(q) for q in questions]
    if fmt == "json":
        items = [as_json_item(r) for r in records]
        return json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8")
    if fmt == "gift":
        return to_gift(records).encode("utf-8")
    if fmt == "aiken":
        return to_aiken(records).encode("utf-8")
    if fmt == "moodle-xml":
        return to_moodle(records).encode("utf-8")
    if fmt == "xlsx":
        return to_xlsx(records)
    raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
