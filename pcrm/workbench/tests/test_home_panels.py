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


@pytest.mark.django_db
def test_customer_page_links_to_value_and_retention_work(client, personas):
    client.force_login(personas.manager)
    page = client.get(reverse("workbench:customer", args=["C1"])).content.decode()
    for name in (
        "value:diagnoses",
        "value:recommendations",
        "value:opportunity_new",
        "retention:customer",
    ):
        assert reverse(name, args=["C1"]) in page
    for href in ('href="/value/customers/C1/', 'href="/retention/c/C1/'):
        assert href in page


@pytest.mark.django_db
def test_teller_gets_no_value_links(client, personas):
    client.force_login(personas.teller)
    page = client.get(reverse("workbench:customer", args=["C1"])).content.decode()
    assert 'data-testid="customer-actions"' not in page
