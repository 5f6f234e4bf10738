"""Reading uploaded files: txt (any common encoding), docx, pdf, xlsx, GIFT, Aiken, Moodle XML."""

from __future__ import annotations

import io
from pathlib import Path

from pcrm.training.parsing.blocks import OPTION_LINE, QUESTION_NUMBER
from pcrm.training.parsing.interchange import from_aiken, from_gift
from pcrm.training.parsing.messy import parse_text
from pcrm.training.parsing.moodle import from_moodle
from pcrm.training.parsing.normalize import decode, to_simplified
from pcrm.training.parsing.records import LETTERS, ParsedQuestion, ParseResult, QType

XLSX_TYPES: dict[str, QType] = {
    "判断": "true_false",
    "判断题": "true_false",
    "单选": "single",
    "单选题": "single",
    "单项选择题": "single",
    "多选": "multiple",
    "多选题": "multiple",
    "多项选择题": "multiple",
}
FORMATS = ("text", "gift", "aiken", "moodle-xml", "docx", "pdf", "xlsx")


def guess_format(name: str, data: bytes) -> str:
    suffix = Path(name).suffix.lower()
    if suffix in {".docx", ".pdf", ".xlsx"}:
        return suffix[1:]
    if suffix == ".xml" or data.lstrip().startswith(b"<?xml") or b"<quiz" in data[:200]:
        return "moodle-xml"
    if suffix == ".gift":
        return "gift"
    if suffix == ".aiken":
        return "aiken"
    text = decode(data[:4000])
    if "::" in text and "{" in text:
        return "gift"
    if "ANSWER:" in text:
        return "aiken"
    return "text"


def parse_file(name: str, data: bytes, fmt: str | None = None) -> ParseResult:
    """Parse an uploaded file of any supported format into questions and a ledger."""
    fmt = fmt or guess_format(name, data)
    if fmt == "docx":
        return parse_text(docx_text(data))
    if fmt == "pdf":
        return parse_text(pdf_text(data))
    if fmt == "xlsx":
        return parse_xlsx(data)
    if fmt == "moodle-xml":
        return from_moodle(data)
    if fmt == "gift":
        return from_gift(decode(data))
    if fmt == "aiken":
        return from_aiken(decode(data))
    return parse_text(decode(data))


def _marked(run: object) -> bool:
    """A run written in red or bold marks the right option in many Word banks."""
    font = getattr(run, "font", None)
    if font is None:
        return False
    color = font.color.rgb if font.color is not None and font.color.type is not None else None
    red = color is not None and color[0] >= 0xC0 and color[1] < 0x60 and color[2] < 0x60
    return bool(red or run.bold)  # type: ignore[attr-defined]


def docx_text(data: bytes) -> str:
    """Paragraph text; options marked red/bold become an ``答案：`` line."""
    import docx

    document = docx.Document(io.BytesIO(data))
    lines: list[str] = []
    marked = ""
    for paragraph in document.paragraphs:
        text = paragraph.text
        option = OPTION_LINE.match(text)
        if QUESTION_NUMBER.match(text) and not option and marked:
            lines.append(f"答案：{marked}")
            marked = ""
        if option and any(_marked(run) for run in paragraph.runs if run.text.strip()):
            marked += option[1].upper()
        lines.append(text)
    if marked:
        lines.append(f"答案：{marked}")
    return "\n".join(lines)


def pdf_text(data: bytes) -> str:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def parse_xlsx(data: bytes) -> ParseResult:
    """The practice-app template: 题干, 题型, 选项A–H, 正确答案, 解析, 章节, 难度."""
    import openpyxl

    result = ParseResult()
    sheet = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
    rows = list(sheet.iter_rows(values_only=True)) if sheet is not None else []
    if not rows:
        return result
    header = [str(cell or "").strip() for cell in rows[0]]
    col = {name: i for i, name in enumerate(header)}
    for row in rows[1:]:
        cells = ["" if c is None else to_simplified(str(c)).strip() for c in row]

        def get(name: str, cells: list[str] = cells) -> str:
            return cells[col[name]] if name in col and col[name] < len(cells) else ""

        stem = get("题干")
        if not stem:
            continue
        options = [get(f"选项{letter}") for letter in LETTERS]
        options = [o for o in options if o]
        qtype = XLSX_TYPES.get(get("题型"), "true_false" if not options else "single")
        answer = _xlsx_answer(get("正确答案"), qtype)
        excerpt = " | ".join(c for c in cells if c)
        if answer is None:
            result.add("missing_answer", excerpt, "表格中的正确答案无法识别")
            continue
        if qtype != "true_false" and isinstance(answer, str) and len(answer) > 1:
            qtype = "multiple"
        number = len(result.questions) + 1
        question = ParsedQuestion(
            number, get("章节"), qtype, stem, [] if qtype == "true_false" else options, answer
        )
        question.explanation, question.chapter, question.difficulty = (
            get("解析"),
            get("章节"),
            get("难度"),
        )
        question.source_excerpt = excerpt[:600]
        result.questions.append(question)
    return result


def _xlsx_answer(text: str, qtype: QType) -> str | bool | None:
    text = text.strip().upper()
    if qtype == "true_false":
        if text in {"正确", "对", "√", "A", "T", "TRUE", "V", "是"}:
            return True
        if text in {"错误", "错", "×", "B", "F", "FALSE", "X", "否"}:
            return False
        return None
    letters = "".join(sorted({c for c in text if c in LETTERS}))
    return letters or None


def to_xlsx(questions: list[ParsedQuestion]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    if sheet is None:  # a new workbook always has one; keeps the type checker honest
        sheet = book.create_sheet()
    names = {"true_false": "判断题", "single": "单选题", "multiple": "多选题"}
    sheet.append(
        ["题干", "题型", *[f"选项{c}" for c in LETTERS], "正确答案", "解析", "章节", "难度"]
    )
    for q in questions:
        answer = ("正确" if q.answer else "错误") if q.qtype == "true_false" else q.answer_letters()
        options = (q.options + [""] * len(LETTERS))[: len(LETTERS)]
        sheet.append(
            [
                q.stem,
                names[q.qtype],
                *options,
                answer,
                q.explanation,
                q.section or q.chapter,
                q.difficulty,
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
