"""Pages: practice home, practice with feedback, review page actions, exam, heads' pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from pcrm.training.models import Attempt, QuestionBank
from pcrm.training.services.exams import assignment_create, paper_create, paper_sections

FILES = Path(__file__).with_name("files")


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_staff_pages_render(personas, bank) -> None:  # type: ignore[no-untyped-def]
    client = _client(personas.teller)
    home = client.get("/training/")
    assert home.status_code == 200
    assert bank.name in home.content.decode()
    for mode in ("sequential", "random", "wrong"):
        assert client.get(f"/training/bank/{bank.pk}/practice/?mode={mode}").status_code == 200
    assert client.get("/training/review/").status_code == 200
    assert client.get("/training/wrong/").status_code == 200
    assert client.get("/training/manage/").status_code == 403


def test_practice_answer_gives_immediate_feedback(personas, bank) -> None:  # type: ignore[no-untyped-def]
    question = bank.questions.get(number=2)  # a false statement
    response = _client(personas.teller).post(
        f"/training/question/{question.pk}/answer/",
        {"choice": "true", "shown_at": "0"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "回答错误" in body
    assert "错误" in body


def test_head_imports_reviews_and_publishes(personas) -> None:  # type: ignore[no-untyped-def]
    client = _client(personas.head)
    with (FILES / "messy-bank.txt").open("rb") as upload:
        response = client.post("/training/manage/import/", {"name": "上传题库", "file": upload})
    bank = QuestionBank.objects.get(name="上传题库")
    assert response.status_code == 302
    assert bank.status == "draft"
    page = client.get(f"/training/manage/bank/{bank.pk}/").content.decode()
    assert "导入台账" in page
    assert "分界" in page
    client.post(f"/training/manage/bank/{bank.pk}/publish/", {})
    bank.refresh_from_db()
    assert bank.status == "draft"  # not without the confirmation
    client.post(f"/training/manage/bank/{bank.pk}/publish/", {"confirm": "yes"})
    bank.refresh_from_db()
    assert bank.status == "published"
    export = client.get(f"/training/manage/bank/{bank.pk}/export/?format=gift")
    assert export.status_code == 200
    assert b"::1::" in export.content


def test_pasted_text_import(personas) -> None:  # type: ignore[no-untyped-def]
    text = "一、判断题\n柜员应当核对客户身份证件。(V)\n"
    _client(personas.head).post("/training/manage/import/", {"name": "粘贴", "text": text})
    assert QuestionBank.objects.get(name="粘贴").questions.count() == 1


def test_teller_sits_an_assigned_exam(personas, bank) -> None:  # type: ignore[no-untyped-def]
    paper = paper_create(
        actor=personas.head,
        name="柜员考试",
        bank=bank,
        sections=paper_sections({"true_false": 2}),
        time_limit_minutes=5,
    )
    assignment_create(actor=personas.head, paper=paper, role="teller")
    client = _client(personas.teller)
    start = client.post(f"/training/paper/{paper.pk}/start/")
    attempt = Attempt.objects.get(staff=personas.teller)
    assert start.url == f"/training/attempt/{attempt.pk}/"
    assert "countdown" in client.get(start.url).content.decode()
    form = {
        f"q{row.question_id}": "true" if row.question.answer else "false"
        for row in attempt.answers.all()
    }
    done = client.post(f"/training/attempt/{attempt.pk}/submit/", form)
    result = client.get(done.url).content.decode()
    assert "及格" in result
    assert "打印成绩单" in result
    heads_view = _client(personas.head).get(f"/training/manage/paper/{paper.pk}/").content.decode()
    assert personas.teller.name in heads_view
    assert _client(personas.manager).post(f"/training/paper/{paper.pk}/start/").status_code == 404


@pytest.mark.parametrize("path", ["/training/", "/training/manage/"])
def test_nav_has_training_entries(personas, path) -> None:  # type: ignore[no-untyped-def]
    page = _client(personas.head).get(path).content.decode()
    assert "培训学习" in page
    assert "培训管理" in page


def test_review_page_moves_a_boundary_and_fixes_an_answer(personas, bank) -> None:  # type: ignore[no-untyped-def]
    question = bank.questions.filter(qtype="multiple").order_by("number").first()
    before = list(question.options)
    client = _client(personas.head)
    card = client.post(
        f"/training/manage/question/{question.pk}/cut/",
        {"index": "0", "delta": "1"},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    question.refresh_from_db()
    assert question.options[0] == before[0] + before[1][0]
    assert f'id="q{question.pk}"' in card
    client.post(f"/training/manage/question/{question.pk}/fix/", {"answer": "BC"})
    question.refresh_from_db()
    assert question.answer == "BC"
    assert (
        _client(personas.teller).post(f"/training/manage/question/{question.pk}/fix/").status_code
        == 403
    )
