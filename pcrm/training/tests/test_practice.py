"""Practice feedback, the wrong-answer book and FSRS schedule moves."""

from __future__ import annotations

import datetime as dt

from fsrs import Rating

from pcrm.training.models import ReviewCard, WrongAnswer
from pcrm.training.policy import review_thresholds
from pcrm.training.selectors import review_due_count_for, wrong_book_for
from pcrm.training.services.practice import practice_answer, rating_for, schedule

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_rating_from_correctness_and_time() -> None:
    easy, good = review_thresholds()
    assert rating_for(False, 1) == Rating.Again
    assert rating_for(True, easy) == Rating.Easy
    assert rating_for(True, good) == Rating.Good
    assert rating_for(True, good + 1) == Rating.Hard


def test_fsrs_schedule_moves() -> None:
    _again, again_due = schedule(None, Rating.Again, NOW)
    good, good_due = schedule(None, Rating.Good, NOW)
    _easy, easy_due = schedule(None, Rating.Easy, NOW)
    assert NOW < again_due <= good_due < easy_due
    card = ReviewCard(card=good, due=good_due)
    second, second_due = schedule(card, Rating.Good, good_due)
    assert second_due - good_due > good_due - NOW  # the interval grows after a good review
    assert second["state"] >= good["state"]
    lapsed_card = ReviewCard(card=second, due=second_due)
    _lapsed, lapsed_due = schedule(lapsed_card, Rating.Again, second_due)
    assert lapsed_due - second_due < second_due - good_due  # a lapse brings it back sooner


def test_wrong_answer_goes_to_book_and_review(personas, bank) -> None:  # type: ignore[no-untyped-def]
    question = bank.questions.get(number=1)  # true statement
    record = practice_answer(
        actor=personas.teller, question=question, chosen="false", seconds=5, now=NOW
    )
    assert record.correct is False
    assert list(wrong_book_for(user=personas.teller).values_list("question", flat=True)) == [
        question.pk
    ]
    card = ReviewCard.objects.get(staff=personas.teller, question=question)
    assert card.due <= NOW + dt.timedelta(minutes=10)
    assert review_due_count_for(user=personas.teller, now=NOW + dt.timedelta(hours=1)) == 1
    assert review_due_count_for(user=personas.manager, now=NOW + dt.timedelta(hours=1)) == 0
    practice_answer(
        actor=personas.teller,
        question=question,
        chosen="true",
        seconds=3,
        now=NOW + dt.timedelta(hours=1),
    )
    assert WrongAnswer.objects.get(staff=personas.teller, question=question).cleared
    card.refresh_from_db()
    assert card.reviews == 2
    assert card.due > NOW + dt.timedelta(hours=1)


def test_multiple_choice_practice_feedback(personas, bank) -> None:  # type: ignore[no-untyped-def]
    question = bank.questions.filter(qtype="multiple").order_by("number").first()
    assert question is not None
    assert practice_answer(
        actor=personas.manager, question=question, chosen=["C", "A", "B"], seconds=12
    ).correct
    assert not practice_answer(
        actor=personas.manager, question=question, chosen="AB", seconds=12
    ).correct
