"""Panels other features add to the workbench home."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from pcrm.training.models import Question, ReviewCard
from pcrm.training.services.banks import bank_import, bank_publish

FILES = Path(__file__).parents[2] / "training" / "tests" / "files"


@pytest.mark.django_db
def test_home_shows_training_reviews_due(client, personas):
    bank = bank_publish(
        actor=personas.head,
        bank=bank_import(
            actor=personas.head,
            name="复习",
            filename="messy-bank.txt",
            data=(FILES / "messy-bank.txt").read_bytes(),
        ),
    )
    questions = list(Question.objects.filter(bank=bank)[:3])
    now = timezone.now()
    for offset, question in zip((-2, -1, 5), questions, strict=True):
        ReviewCard.objects.create(
            staff=personas.teller,
            question=question,
            card={},
            due=now + timezone.timedelta(days=offset),
        )
    client.force_login(personas.teller)
    page = client.get(reverse("workbench:home")).content.decode()
    assert 'data-testid="reviews-due"' in page
    assert "有 2 道题今天该复习了" in page


@pytest.mark.django_db
def test_home_has_no_review_panel_when_nothing_is_due(client, personas):
    client.force_login(personas.manager)
    assert 'data-testid="reviews-due"' not in client.get(reverse("workbench:home")).content.decode()
