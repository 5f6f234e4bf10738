"""Plain data produced by the parsers: a parsed question and a ledger entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

QType = Literal["true_false", "single", "multiple"]
Answer = str | bool | None


@dataclass
class ParsedQuestion:
    """One question as read from a source, before it is stored."""

    number: int
    section: str
    qtype: QType
    stem: str
    options: list[str] = field(default_factory=list)
    answer: Answer = None
    confidence: float = 1.0
    source_excerpt: str = ""
    explanation: str = ""
    chapter: str = ""
    difficulty: str = ""
    notes: list[str] = field(default_factory=list)
    # Offsets of the option boundaries inside ``options_source`` (the run-together
    # text the options were cut from) so the review page can move one boundary.
    options_source: str = ""
    boundaries: list[int] = field(default_factory=list)

    def answer_letters(self) -> str:
        return self.answer if isinstance(self.answer, str) else ""


@dataclass
class LedgerEntry:
    """A fragment the import could not parse, or parsed but doubts."""

    kind: str
    excerpt: str
    detail: str = ""
    number: int | None = None


@dataclass
class ParseResult:
    questions: list[ParsedQuestion] = field(default_factory=list)
    ledger: list[LedgerEntry] = field(default_factory=list)

    def add(self, kind: str, excerpt: str, detail: str = "", number: int | None = None) -> None:
        self.ledger.append(LedgerEntry(kind, excerpt[:400], detail, number))

    def extend(self, other: ParseResult) -> None:
        self.questions.extend(other.questions)
        self.ledger.extend(other.ledger)


LETTERS = "ABCDEFGH"
SECTION_TYPES: dict[str, QType] = {
    "判断题": "true_false",
    "单选题": "single",
    "单项选择题": "single",
    "多选题": "multiple",
    "多项选择题": "multiple",
}
TF_TRUE = {"V", "v", "√", "✓", "✔", "对", "正确", "T", "t", "true", "TRUE", "True"}
TF_FALSE = {"X", "x", "×", "✗", "✘", "错", "错误", "F", "f", "false", "FALSE", "False"}
