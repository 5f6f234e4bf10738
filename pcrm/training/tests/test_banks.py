"""Import, the review fixes and publishing; the `pcrm quiz` command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from pcrm.training.models import QuestionBank
from pcrm.training.services.banks import (
    bank_import,
    bank_publish,
    question_correct,
    question_move_boundary,
)

FILES = Path(__file__).with_name("files")
SAMPLE = Path(__file__).resolve().parents[3].parent / "shared" / "samples" / "question-bank.txt"


def test_import_is_a_draft_until_a_person_accepts(personas) -> None:  # type: ignore[no-untyped-def]
    bank = bank_import(
        actor=personas.head,
        name="草稿",
        filename="messy-bank.txt",
        data=(FILES / "messy-bank.txt").read_bytes(),
    )
    assert bank.status == "draft"
    assert bank.ledger.filter(kind="duplicate").exists()
    with pytest.raises(PermissionDenied):
        bank_publish(actor=None, bank=bank)
    with pytest.raises(PermissionDenied):
        bank_import(actor=personas.teller, name="x", filename="a.txt", data=b"")
    assert bank_publish(actor=personas.head, bank=bank).status == "published"


def test_one_click_per_boundary_and_fixes(personas, bank) -> None:  # type: ignore[no-untyped-def]
    question = bank.questions.filter(qtype="multiple").order_by("number").first()
    before = list(question.options)
    question_move_boundary(actor=personas.head, question=question, index=0, delta=1)
    assert question.options[0] == before[0] + before[1][0]
    question_move_boundary(actor=personas.head, question=question, index=0, delta=-1)
    assert question.options == before
    assert question.reviewed
    with pytest.raises(ValidationError):
        question_correct(actor=personas.head, question=question, answer="Z")
    question_correct(actor=personas.head, question=question, answer="ab", stem="改过的题干（ ）")
    question.refresh_from_db()
    assert question.answer == "AB"
    assert question.stem == "改过的题干（ ）"


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("quiz", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("source", "single"),
    [
        (FILES / "answer-lines.txt", "A"),
        pytest.param(
            SAMPLE, "B", marks=pytest.mark.skipif(not SAMPLE.exists(), reason="no shared sample")
        ),
    ],
)
def test_quiz_command_contract(tmp_path: Path, source: Path, single: str) -> None:
    out, _ = _run("import", str(source), "--bank", "smoke")
    summary = json.loads(out.strip().splitlines()[-1])
    assert summary["ok"]
    assert summary["questions"] == 4
    assert set(summary) >= {"by_type", "low_confidence", "ledger_entries"}
    target = tmp_path / "bank.json"
    _run("export", "--bank", "smoke", "--format", "json", "--out", str(target))
    items = json.loads(target.read_text(encoding="utf-8"))
    got = sorted((q["type"], json.dumps(q["answer"], ensure_ascii=False)) for q in items)
    assert got == sorted(
        [
            ("true_false", "true"),
            ("true_false", "false"),
            ("single", f'"{single}"'),
            ("multiple", '"ABC"'),
        ]
    )
    for item in items:
        assert set(item) == {
            "number",
            "section",
            "type",
            "stem",
            "options",
            "answer",
            "confidence",
            "source_excerpt",
        }
        assert "（ ）" in item["stem"]
        assert (item["options"] == []) == (item["type"] == "true_false")


@pytest.mark.django_db
def test_quiz_command_bad_input_exits_non_zero() -> None:
    with pytest.raises(SystemExit) as stop:
        _run("export", "--bank", "none-such")
    assert stop.value.code == 2
    assert not QuestionBank.objects.exists()
