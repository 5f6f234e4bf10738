"""Run-together choice sections: ``stem(C)。option option option option next stem(B)…``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pcrm.training.parsing.normalize import mojibake_spans
from pcrm.training.parsing.records import LETTERS, ParsedQuestion, ParseResult, QType
from pcrm.training.parsing.splitter import Context, Split, split_region, unsure_boundary

HIDDEN = "\u2063"  # stands in for a removed mojibake run while the section is parsed
MARKER = re.compile(r"^\s*([A-H])\s*[-.．、:：■)）]\s*")
BARE_LETTER = re.compile(r"^([A-H])(?=[“\"\u4e00-\u9fff])")
DEFAULT_OPTIONS = 4
LOW = 0.6


@dataclass
class Anchor:
    start: int
    end: int  # end of the stem's tail (after the sentence's full stop)
    letters: str
    problem: str
    brackets: list[tuple[int, int]] = field(default_factory=list)


def parse_choices(body: str, section: str, qtype: QType | None, ctx: Context) -> ParseResult:
    from pcrm.training.parsing.messy import CHOICE_ANSWER, answer_letters

    result = ParseResult()
    body = _hide_mojibake(body)
    anchors: list[Anchor] = []
    for match in CHOICE_ANSWER.finditer(body):
        letters, problem = answer_letters(match.group(1) or match.group(2))
        span = (match.start(), match.end())
        if anchors and qtype != "single" and _same_stem(body, anchors[-1], match.start()):
            anchors[-1].letters = "".join(sorted(set(anchors[-1].letters + letters)))
            anchors[-1].brackets.append(span)
            anchors[-1].end = _tail_end(body, match.end())
            continue
        anchors.append(Anchor(span[0], _tail_end(body, span[1]), letters, problem, [span]))
    if not anchors:
        if body.strip():
            result.add("unparsed", body.strip(), "选择题部分没有找到答案括号")
        return result
    prefix_start = 0
    hints: tuple[str, ...] = ()
    for index, anchor in enumerate(anchors):
        following = anchors[index + 1] if index + 1 < len(anchors) else None
        region = body[anchor.end : following.start if following else len(body)]
        prefix = body[prefix_start : anchor.start]
        stem = _stem_text(body, prefix, anchor)
        n = _option_count(anchor.letters)
        clean_region = region.replace(HIDDEN, "").strip()
        if index == 0:
            hints = _twin_hint(ctx, prefix, body, anchor)
        split = split_region(clean_region, n, ctx, following is not None, hints)
        excerpt = (prefix + body[anchor.start : anchor.end] + region).replace(HIDDEN, "…").strip()
        if split is None:
            result.add("unparsed", excerpt.strip(), "选项文字太短，无法切分")
            prefix_start = anchor.end + len(region)
            continue
        prefix_start = anchor.end + _offset_in(region, clean_region) + split.stem_start
        if following is None and split.stem_start < len(clean_region):
            tail = clean_region[split.stem_start :]
            result.add("cut_off_tail", tail, "末尾的残句没有答案括号，已略过")
        if following is not None:
            hints = _twin_hint(ctx, clean_region[split.stem_start :], body, following)
        _emit(result, section, qtype, anchor, stem, split, clean_region, excerpt, region)
    return result


def _twin_hint(ctx: Context, prefix: str, body: str, anchor: Anchor) -> tuple[str, ...]:
    """One option's text, read off the true/false twin of this stem (see ``Context.twin``)."""
    from pcrm.training.parsing.messy import strip_number

    prefix = strip_number(prefix.replace("\n", " ").strip())
    twin = ctx.twin(prefix)
    if twin is None:
        return ()
    rest = twin[len(prefix) :]
    tail = body[anchor.brackets[-1][1] : anchor.end].strip().rstrip("。.o°")
    if tail:
        at = rest.find(tail)
        rest = rest[:at] if at > 0 else ""
    rest = rest.rstrip("。. ")
    return (rest,) if 2 <= len(rest) <= 40 else ()


def _hide_mojibake(body: str) -> str:
    spans = mojibake_spans(body)
    for a, b in reversed(spans):
        replacement = HIDDEN
        if re.match(r"\s*[A-H]{1,8}\s*[)）]", body[b:]):
            replacement = HIDDEN + "("  # the run swallowed the opening bracket
        body = body[:a] + replacement + body[b:]
    return body


def _offset_in(region: str, clean_region: str) -> int:
    """Where ``clean_region`` (stripped, without hidden marks) begins inside ``region``."""
    lead = len(region) - len(region.lstrip())
    return lead + region.count(HIDDEN)  # hidden marks are rare; they are only counted


def _same_stem(body: str, previous: Anchor, start: int) -> bool:
    """A second bracket before the first one's sentence ends: ``(B)与(D)两个维度``."""
    gap = body[previous.brackets[-1][1] : start]
    return len(gap) <= 40 and not any(c in "。？?！!" for c in gap)


def _tail_end(body: str, pos: int) -> int:
    if body[pos : pos + 1] in {"o", "°"}:
        return pos + 1
    limit = min(len(body), pos + 120)
    for i in range(pos, limit):
        char = body[i]
        if char in "。？?！!°":
            return i + 1
        if char == "." and (i == pos or not body[i - 1].isalnum()):
            return i + 1
        if char in "(（" and re.match(r"[（(]\s*[A-H0入。]", body[i:]):
            break
    return pos


def _stem_text(body: str, prefix: str, anchor: Anchor) -> str:
    from pcrm.training.parsing.messy import BLANK, strip_number

    pieces, last = [], anchor.start
    for a, b in anchor.brackets:
        pieces.append(body[last:a])
        pieces.append(BLANK)
        last = b
    pieces.append(body[last : anchor.end])
    stem = strip_number(prefix.replace("\n", " ").strip()) + "".join(pieces).lstrip()
    stem = stem.replace(HIDDEN, "")
    if stem.endswith("o") and stem[-2:-1] in ")）":
        stem = stem[:-1] + "。"
    return stem.strip()


def _option_count(letters: str) -> int:
    highest = max((LETTERS.index(c) + 1 for c in letters if c in LETTERS), default=0)
    return max(DEFAULT_OPTIONS, highest)


def clean_option(text: str, index: int) -> str:
    # A stray closing guillemet or full stop is OCR residue of a separator.
    text = text.strip().rstrip(";；,，、 ").lstrip("》。.")
    marker = MARKER.match(text)
    if marker:
        return text[marker.end() :].strip()
    if index == 0 and text.startswith("入") and len(text) > 2:
        return text[1:].strip()
    bare = BARE_LETTER.match(text)
    if bare and bare.group(1) == LETTERS[index]:
        return text[1:].strip()
    return text


def _emit(
    result: ParseResult,
    section: str,
    qtype: QType | None,
    anchor: Anchor,
    stem: str,
    split: Split,
    region: str,
    excerpt: str,
    raw_region: str,
) -> None:
    options = [clean_option(text, i) for i, text in enumerate(split.options)]
    kind: QType = "multiple" if len(anchor.letters) > 1 else "single"
    question = ParsedQuestion(0, section, kind, stem, options, anchor.letters)
    question.source_excerpt = excerpt.strip()[:600]
    question.options_source = region[: split.end]
    question.boundaries = list(split.boundaries)
    question.confidence = split.confidence
    if qtype == "single" and kind == "multiple":
        result.add("type_mismatch", excerpt, "单选题部分出现多个答案字母，按多选题处理")
    if anchor.problem == "ocr":
        question.confidence = min(question.confidence, 0.85)
        question.notes.append("答案括号有识别错误，已按选项推断")
    if anchor.problem == "ocr_unsure" or not anchor.letters:
        result.add("missing_answer", excerpt, "答案括号无法识别（如“(。)”），需要人工确认")
        return
    if HIDDEN in excerpt or HIDDEN in raw_region or "…" in excerpt:
        question.confidence = min(question.confidence, 0.4)
        result.add("mojibake", excerpt, "题目中的乱码已删除，选项可能不完整")
    if ")" in stem.split(BLANK_MARK)[0] and "(" not in stem.split(BLANK_MARK)[0]:
        question.confidence = min(question.confidence, 0.4)
        result.add("broken_stem", excerpt, "题干前有残缺的括号，可能混入了别的题目")
    if split.end < split.stem_start:
        question.confidence = min(question.confidence, ORPHAN_CONFIDENCE)
        orphan = region[split.end : split.stem_start]
        result.add("orphan_statement", orphan, "选项与下一题之间夹着一段没有答案的题目，已略过")
    if unsure_boundary(options):
        question.confidence = min(question.confidence, UNSURE_CONFIDENCE)
    if _suspicious(options) or STRAY_LATIN.search(question.options_source):
        question.confidence = min(question.confidence, 0.45)
    if question.confidence < LOW:
        result.add("unsure_split", excerpt, "选项切分不确定，请核对", None)
    result.questions.append(question)


BLANK_MARK = "（ ）"
ORPHAN_CONFIDENCE = 0.5
UNSURE_CONFIDENCE = 0.55
NOISE = "^~`|\\"
STRAY_LATIN = re.compile(r"[\u4e00-\u9fff][A-Za-z][\u4e00-\u9fff]")  # ``f机银行``: a lost character


def _suspicious(options: list[str]) -> bool:
    """Options that swallowed a sentence end, a stray bracket or another question."""
    sizes = [len(option) for option in options]
    if any(size == 0 for size in sizes) or max(sizes) > 4 * max(2, min(sizes)):
        return True
    for option in options:
        if any(c in NOISE for c in option):
            return True  # OCR or codec debris (``FEl^``): the option's text is not reliable
        if "。" in option or option.count("(") != option.count(")"):
            return True
        if option.count("（") != option.count("）") or (
            option[-1:].isdigit() and not option.isdigit()
        ):
            return True
    return False
