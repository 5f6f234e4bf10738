"""Importing, correcting and publishing question banks."""

from __future__ import annotations

import itertools
from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pcrm.audit.services import audit_record
from pcrm.org.roles import can
from pcrm.training.choices import BankStatus, QuestionType
from pcrm.training.models import LETTERS, LedgerEntry, Question, QuestionBank
from pcrm.training.parsing.choices import clean_option
from pcrm.training.parsing.files import guess_format, parse_file
from pcrm.training.parsing.normalize import decode
from pcrm.training.parsing.records import ParseResult
from pcrm.training.policy import low_confidence, topics_for

MANAGE = "training.manage"


def require_manager(actor: Any) -> None:
    """Banks, papers and results belong to heads (and the command line, actor None)."""
    if actor is not None and not can(actor, MANAGE):
        raise PermissionDenied("training.manage")


def summary_of(bank: QuestionBank) -> dict[str, Any]:
    questions = list(bank.questions.all())
    by_type = Counter(q.qtype for q in questions)
    return {
        "bank": bank.name,
        "status": bank.status,
        "questions": len(questions),
        "by_type": {t.value: by_type.get(t.value, 0) for t in QuestionType},
        "low_confidence": sum(1 for q in questions if q.confidence < low_confidence()),
        "ledger_entries": bank.ledger.count(),
        "ledger_by_kind": dict(Counter(bank.ledger.values_list("kind", flat=True))),
    }


@transaction.atomic
def bank_import(
    *, actor: Any, name: str, filename: str, data: bytes, fmt: str | None = None
) -> QuestionBank:
    """Parse a source into a draft bank (replacing a bank of that name) with its ledger."""
    require_manager(actor)
    fmt = fmt or guess_format(filename, data)
    result = parse_file(filename, data, fmt)
    bank, _ = QuestionBank.objects.get_or_create(name=name)
    bank.questions.all().delete()
    bank.ledger.all().delete()
    bank.status = BankStatus.DRAFT
    bank.source_name, bank.source_format = filename[:255], fmt
    bank.source_text = decode(data) if fmt in {"text", "gift", "aiken"} else ""
    bank.created_by = actor if getattr(actor, "pk", None) else None
    bank.published_at = bank.published_by = None
    bank.save()
    _store(bank, result)
    audit_record(
        actor=actor,
        action="training.bank_import",
        target=bank,
        data={k: v for k, v in summary_of(bank).items() if k != "ledger_by_kind"},
    )
    return bank


def _store(bank: QuestionBank, result: ParseResult) -> None:
    Question.objects.bulk_create(
        Question(
            bank=bank,
            number=number,
            section=q.section,
            qtype=q.qtype,
            stem=q.stem,
            options=q.options,
            answer=q.answer,
            confidence=q.confidence,
            source_excerpt=q.source_excerpt,
            options_source=q.options_source,
            boundaries=q.boundaries,
            explanation=q.explanation,
            chapter=q.chapter,
            difficulty=q.difficulty,
            tags=topics_for(q.stem + "".join(q.options)),
        )
        for number, q in enumerate(result.questions, start=1)
    )
    LedgerEntry.objects.bulk_create(
        LedgerEntry(bank=bank, kind=e.kind, excerpt=e.excerpt, detail=e.detail[:200])
        for e in result.ledger
    )


@transaction.atomic
def question_move_boundary(*, actor: Any, question: Question, index: int, delta: int) -> Question:
    """Move one option boundary of a run-together split by ``delta`` characters."""
    require_manager(actor)
    cuts = list(question.boundaries)
    source = question.options_source
    if not source or not 0 <= index < len(cuts):
        raise ValidationError("这道题没有可调整的切分位置")
    moved = cuts[index] + delta
    low = cuts[index - 1] + 1 if index > 0 else 1
    high = cuts[index + 1] - 1 if index + 1 < len(cuts) else len(source) - 1
    if not low <= moved <= high:
        raise ValidationError("切分位置超出范围")
    cuts[index] = moved
    edges = [0, *cuts, len(source)]
    question.boundaries = cuts
    question.options = [
        clean_option(source[a:b], i) for i, (a, b) in enumerate(itertools.pairwise(edges))
    ]
    question.reviewed = True
    question.save(update_fields=["boundaries", "options", "reviewed"])
    audit_record(
        actor=actor, action="training.question_split", target=question, data={"cuts": cuts}
    )
    return question


@transaction.atomic
def question_correct(
    *,
    actor: Any,
    question: Question,
    stem: str | None = None,
    answer: Any = None,
    options: list[str] | None = None,
) -> Question:
    """Fix a stem, the options or the answer by hand; the question counts as reviewed."""
    require_manager(actor)
    if stem is not None:
        question.stem = stem.strip()
    if options is not None:
        question.options = [o.strip() for o in options if o.strip()]
    if answer is not None:
        question.answer = _valid_answer(question, answer)
    question.reviewed = True
    question.confidence = max(question.confidence, 1.0)
    question.save()
    audit_record(actor=actor, action="training.question_correct", target=question, data={})
    return question


def _valid_answer(question: Question, answer: Any) -> Any:
    if question.qtype == QuestionType.TRUE_FALSE:
        if isinstance(answer, bool):
            return answer
        return str(answer).strip() in {"true", "True", "1", "对", "正确", "V", "√"}
    letters = "".join(
        sorted({c for c in str(answer).upper() if c in LETTERS[: len(question.options)]})
    )
    if not letters:
        raise ValidationError("答案必须是选项字母")
    if question.qtype == QuestionType.SINGLE and len(letters) != 1:
        raise ValidationError("单选题只能有一个答案")
    return letters


@transaction.atomic
def bank_publish(*, actor: Any, bank: QuestionBank) -> QuestionBank:
    """A person accepts the import: the bank becomes available for practice and papers."""
    require_manager(actor)
    if actor is None:
        raise PermissionDenied("publishing needs a person")
    if not bank.questions.exists():
        raise ValidationError("题库没有题目，不能发布")
    bank.status = BankStatus.PUBLISHED
    bank.published_by, bank.published_at = actor, timezone.now()
    bank.save(update_fields=["status", "published_by", "published_at"])
    bank.ledger.update(resolved=True)
    audit_record(actor=actor, action="training.bank_publish", target=bank, data={})
    return bank
