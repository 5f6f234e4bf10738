"""Moodle XML (read with defusedxml: uploaded XML is never trusted)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import defusedxml.ElementTree as SafeET

from pcrm.training.parsing.records import LETTERS, ParsedQuestion, ParseResult, QType


def _text(parent: ET.Element, tag: str, value: str) -> None:
    node = ET.SubElement(parent, tag)
    ET.SubElement(node, "text").text = value


def to_moodle(questions: list[ParsedQuestion]) -> str:
    quiz = ET.Element("quiz")
    section = None
    for q in questions:
        if q.section != section:
            section = q.section
            category = ET.SubElement(quiz, "question", type="category")
            _text(category, "category", f"$course$/{section or '题库'}")
        kind = "truefalse" if q.qtype == "true_false" else "multichoice"
        node = ET.SubElement(quiz, "question", type=kind)
        _text(node, "name", f"{q.number}")
        text = ET.SubElement(node, "questiontext", format="plain_text")
        ET.SubElement(text, "text").text = q.stem
        if q.qtype == "true_false":
            for value in ("true", "false"):
                right = (value == "true") == (q.answer is True)
                answer = ET.SubElement(node, "answer", fraction="100" if right else "0")
                ET.SubElement(answer, "text").text = value
            continue
        letters = q.answer_letters()
        ET.SubElement(node, "single").text = "true" if q.qtype == "single" else "false"
        share = 100 / max(1, len(letters))
        for index, option in enumerate(q.options):
            good = LETTERS[index] in letters
            fraction = (100 if q.qtype == "single" else share) if good else 0
            answer = ET.SubElement(node, "answer", fraction=f"{fraction:g}")
            ET.SubElement(answer, "text").text = option
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode")


def from_moodle(data: bytes | str) -> ParseResult:
    result = ParseResult()
    root = SafeET.fromstring(data)
    section = ""
    for node in root.iter("question"):
        kind = node.get("type", "")
        if kind == "category":
            section = (node.findtext("category/text") or "").rsplit("/", 1)[-1]
            continue
        stem = (node.findtext("questiontext/text") or "").strip()
        answers = [
            (a.findtext("text") or "", float(a.get("fraction", "0")))
            for a in node.findall("answer")
        ]
        number = len(result.questions) + 1
        if kind == "truefalse":
            right = next((text for text, fraction in answers if fraction > 0), "")
            result.questions.append(
                ParsedQuestion(number, section, "true_false", stem, [], right == "true")
            )
        elif kind == "multichoice":
            letters = "".join(
                LETTERS[i] for i, (_, f) in enumerate(answers) if f > 0 and i < len(LETTERS)
            )
            single = (node.findtext("single") or "true").strip() == "true"
            qtype: QType = "single" if single and len(letters) == 1 else "multiple"
            options = [text for text, _ in answers]
            result.questions.append(ParsedQuestion(number, section, qtype, stem, options, letters))
        else:
            result.add("unparsed", stem or kind, f"不支持的Moodle题型：{kind}")
    return result
