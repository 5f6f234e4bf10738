from __future__ import annotations

from pathlib import Path

import pytest

from pcrm.training.models import QuestionBank
from pcrm.training.services.banks import bank_import, bank_publish

FILES = Path(__file__).with_name("files")


@pytest.fixture
def bank(personas) -> QuestionBank:  # type: ignore[no-untyped-def]
    """The messy fixture imported by the branch head and published."""
    imported = bank_import(
        actor=personas.head,
        name="网点服务",
        filename="messy-bank.txt",
        data=(FILES / "messy-bank.txt").read_bytes(),
    )
    return bank_publish(actor=personas.head, bank=imported)
