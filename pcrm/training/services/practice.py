"""Practice answers: immediate feedback, the wrong-answer book and FSRS review cards."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from fsrs import Card, Rating, Scheduler

from pcrm.audit.services import audit_record
from pcrm.training.choices import PracticeMode
from pcrm.training.models import PracticeRecord, Question, ReviewCard, WrongAnswer
from pcrm.training.policy import review_thresholds
from pcrm.training.scoring import is_correct, normalise_choice


def rating_for(correct: bool, seconds: float) -> Rating:
    """FSRS rating from correctness and answer time (thresholds are policy data)."""
    if not correct:
        return Rating.Again
    easy, good = review_thresholds()
    if seconds <= easy:
        return Rating.Easy
    if seconds <= good:
        return Rating.Good
    return Rating.Hard


def _scheduler() -> Scheduler:
    # No fuzzing: the same answers give the same schedule (reproducible, testable).
    return Scheduler(enable_fuzzing=False)


def schedule(
    card: ReviewCard | None, rating: Rating, now: dt.datetime
) -> tuple[dict[str, Any], dt.datetime]:
    """Apply one review to a card's FSRS state; returns the new state and due time."""
    state = Card.from_dict(card.card) if card else Card()
    new_state, _log = _scheduler().review_card(state, rating, now)
    return dict(new_state.to_dict()), new_state.due


@transaction.atomic
def practice_answer(
    *,
    actor: Any,
    question: Question,
    chosen: Any,
    seconds: float,
    mode: str = PracticeMode.SEQUENTIAL,
    now: dt.datetime | None = None,
) -> PracticeRecord:
    """Record an answer, update the wrong-answer book and the FSRS card; return the record."""
    now = now or timezone.now()
    value = normalise_choice(question.qtype, chosen)
    correct = is_correct(question.qtype, question.answer, value)
    record = PracticeRecord.objects.create(
        staff=actor,
        question=question,
        mode=mode,
        chosen=value,
        correct=correct,
        seconds=max(0.0, float(seconds)),
    )
    _wrong_book(actor, question, correct, now)
    card = ReviewCard.objects.select_for_update().filter(staff=actor, question=question).first()
    state, due = schedule(card, rating_for(correct, record.seconds), now)
    if card is None:
        ReviewCard.objects.create(staff=actor, question=question, card=state, due=due, reviews=1)
    else:
        card.card, card.due, card.reviews = state, due, card.reviews + 1
        card.save(update_fields=["card", "due", "reviews"])
    audit_record(
        actor=actor,
        action="training.practice_answer",
        target=question,
        data={"correct": correct, "mode": mode},
    )
    return record


def _wrong_book(actor: Any, question: Question, correct: bool, now: dt.datetime) -> None:
    entry = WrongAnswer.objects.filter(staff=actor, question=question).first()
    if not correct:
        entry = entry or WrongAnswer(staff=actor, question=question)
        entry.wrong_count += 1
        entry.last_wrong_at, entry.cleared = now, False
        entry.save()
    elif entry and not entry.cleared:
        # Answered right again from the book: it leaves the book (it stays in FSRS review).
        entry.cleared = True
        entry.save(update_fields=["cleared"])
