"""Parser units for every source form, on the project's own messy fixtures."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pcrm.training.parsing.files import parse_file, parse_xlsx
from pcrm.training.parsing.messy import parse_text
from pcrm.training.parsing.normalize import clean, decode, mojibake_spans

FILES = Path(__file__).with_name("files")


def _parse(name: str):  # type: ignore[no-untyped-def]
    return parse_file(name, (FILES / name).read_bytes())


def _kinds(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [entry.kind for entry in result.ledger]


def test_true_false_marks_of_every_form_and_clean_up() -> None:
    result = _parse("messy-bank.txt")
    tf = [q for q in result.questions if q.qtype == "true_false"]
    answers = [q.answer for q in tf]
    # V, x, √, ×, 对, 错误, numbered "1." and "2、" with V and v, then the repeated statement.
    assert answers == [True, False, True, False, True, False, True, True, True]
    stems = " ".join(q.stem for q in tf)
    assert "(tǒng)" not in stems
    assert "系统中登记" in stems
    assert "辦理" not in stems
    assert "办理" in stems
    assert all(q.stem.endswith("（ ）") for q in tf)
    assert not any(q.stem[0].isdigit() for q in tf)  # numbering stripped


def test_ledger_keeps_furniture_fragments_duplicates_and_unclear_answers() -> None:
    result = _parse("messy-bank.txt")
    kinds = _kinds(result)
    assert kinds.count("furniture") == 5  # 2 page banners, the read-more line, download, TOC code
    assert "fragment" in kinds
    assert "duplicate" in kinds
    assert "missing_answer" in kinds  # the "(。)" bracket cannot be resolved with four options
    duplicate = next(e for e in result.ledger if e.kind == "duplicate")
    assert "分层维护" in duplicate.excerpt


def test_interleaved_fragment_is_doubted_not_kept() -> None:
    text = (
        "一、判断题柜员应当按规定核对客户有效身份证件。(V)拜访为辅。(V)"
        "拜访为辅客户经理应每月整理名下客户的联系记录。(V)"
    )
    result = parse_text(text)
    assert [q.answer for q in result.questions] == [True]
    assert {"fragment", "interleaved"} <= set(_kinds(result))


def test_single_choice_brackets_ocr_and_markers() -> None:
    result = _parse("messy-bank.txt")
    single = [q for q in result.questions if q.qtype == "single"]
    assert [q.answer for q in single] == ["A", "B", "C", "D", "C"]
    first = single[0]
    assert first.options == ["安抚客户情绪", "调查事实经过", "提出解决方案", "回访客户满意度"]
    assert first.stem == "网点处理客户投诉的第一步是（ ）。"
    ocr = single[2]  # "(0" read as C, options marked 入/B./C./D.
    assert ocr.options == ["立即推荐给客户经理", "要求客户离开", "拒绝办理业务", "自行销售产品"]
    assert ocr.confidence < 1.0


def test_multiple_choice_answers_and_run_together_options() -> None:
    result = _parse("messy-bank.txt")
    multi = [q for q in result.questions if q.qtype == "multiple"]
    assert [q.answer for q in multi] == ["ABC", "ABCD", "ACD"]
    assert multi[0].options == ["电话问候", "短信提醒", "上门拜访", "强行推销"]
    assert multi[1].options == ["资产状况", "投资经验", "风险偏好", "收益预期"]
    assert all(0.0 <= q.confidence <= 1.0 for q in result.questions)


def test_two_brackets_in_one_multiple_choice_stem_merge() -> None:
    text = (
        "多选题客户经理应按照客户的(A)与(C)两个维度进行客户分层。存款余额资产规模增长潜力居住区域"
    )
    result = parse_text(text)
    assert [q.answer for q in result.questions] == ["AC"]
    assert result.questions[0].stem.count("（ ）") == 2


def test_answer_key_and_any_numbering() -> None:
    result = _parse("keyed-bank.txt")
    assert [q.answer for q in result.questions] == ["A", "A", "A", "ABC", "ABC"]
    assert [q.qtype for q in result.questions] == ["single"] * 3 + ["multiple"] * 2
    assert result.questions[2].options[0] == "陪同演示"  # "（3）" numbering, "A、" inline options


def test_answer_lines_and_explanations() -> None:
    result = _parse("answer-lines.txt")
    assert [q.answer for q in result.questions] == [True, False, "A", "ABC"]
    assert result.questions[2].explanation.startswith("回访是客户经理")
    assert [q.section for q in result.questions] == ["判断题", "判断题", "单选题", "多选题"]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-8"])
def test_text_in_any_common_encoding(encoding: str) -> None:
    raw = (FILES / "answer-lines.txt").read_text(encoding="utf-8")
    data = raw.encode(encoding)
    assert decode(data) == raw
    assert len(parse_file("bank.txt", data).questions) == 4


def test_mojibake_run_is_found_and_dropped() -> None:
    text = "与客户保持联络的方式有赠送??\ue1d6⒌狡谔嵝?、节日祝福"
    spans = mojibake_spans(text)
    assert spans
    assert "节日祝福" not in text[spans[0][0] : spans[0][1]]
    assert "赠送" in text[: spans[0][0]]


def test_page_furniture_lines_are_reported() -> None:
    cleaned = clean("题库汇总_第3页\n评论\n0/150\n一、判断题\n柜员应核对身份。(V)")
    assert [kind for kind, _ in cleaned.dropped] == ["furniture"] * 3
    assert "判断题" in cleaned.text


def test_docx_answers_marked_red_or_bold() -> None:
    import docx
    from docx.shared import RGBColor

    document = docx.Document()
    document.add_paragraph("单选题")
    document.add_paragraph("1. 客户投诉登记后应在（ ）内联系客户。")
    for letter, text, mark in [
        ("A", "一个工作日", "red"),
        ("B", "一个月", ""),
        ("C", "半年", ""),
        ("D", "一年", ""),
    ]:
        run = document.add_paragraph().add_run(f"{letter}. {text}")
        if mark:
            run.font.color.rgb = RGBColor(0xFF, 0, 0)
    document.add_paragraph("2. 多选：客户经理回访时应记录（ ）。")
    for letter, text, bold in [
        ("A", "回访时间", True),
        ("B", "客户意见", True),
        ("C", "天气", False),
        ("D", "路况", False),
    ]:
        document.add_paragraph().add_run(f"{letter}. {text}").bold = bold
    buffer = io.BytesIO()
    document.save(buffer)
    result = parse_file("bank.docx", buffer.getvalue())
    assert [q.answer for q in result.questions] == ["A", "AB"]
    assert result.questions[1].qtype == "multiple"


def test_pdf_with_a_text_layer() -> None:
    result = parse_file("bank.pdf", (FILES / "bank.pdf").read_bytes())
    assert [q.answer for q in result.questions] == [True, False, "B"]


def test_xlsx_practice_app_template() -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        ["题干", "题型", "选项A", "选项B", "选项C", "选项D", "正确答案", "解析", "章节", "难度"]
    )
    sheet.append(["柜員應核對客戶身份。", "判断题", "", "", "", "", "正确", "", "柜面", "易"])
    sheet.append(
        [
            "客户投诉的第一步是（ ）。",
            "单选题",
            "安抚情绪",
            "调查",
            "赔偿",
            "结案",
            "A",
            "先安抚",
            "投诉",
            "中",
        ]
    )
    sheet.append(
        ["回访应记录（ ）。", "多选题", "时间", "意见", "天气", "", "AB", "", "维护", "难"]
    )
    sheet.append(["没有答案的题目", "单选题", "甲", "乙", "", "", "", "", "", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    result = parse_xlsx(buffer.getvalue())
    assert [q.answer for q in result.questions] == [True, "A", "AB"]
    assert result.questions[0].stem == "柜员应核对客户身份。"  # simplified
    assert result.questions[1].explanation == "先安抚"
    assert result.questions[1].chapter == "投诉"
    assert result.questions[2].options == ["时间", "意见", "天气"]
    assert _kinds(result) == ["missing_answer"]
