"""Import → export → import keeps type, stem, options and answer, for every interchange format."""

from __future__ import annotations

import pytest

from pcrm.training.convert import export
from pcrm.training.parsing.files import parse_file

FORMATS = {
    "gift": "bank.gift",
    "aiken": "bank.aiken",
    "moodle-xml": "bank.xml",
    "xlsx": "bank.xlsx",
}


@pytest.mark.parametrize("fmt", list(FORMATS))
def test_round_trip(bank, fmt: str) -> None:  # type: ignore[no-untyped-def]
    questions = list(bank.questions.order_by("number"))
    data = export(questions, fmt)
    parsed = parse_file(FORMATS[fmt], data).questions
    assert [(q.qtype, q.stem, q.options, q.answer) for q in parsed] == [
        (q.qtype, q.stem, q.options, q.answer) for q in questions
    ]


def test_json_export_shape(bank) -> None:  # type: ignore[no-untyped-def]
    import json

    items = json.loads(export(bank.questions.order_by("number"), "json"))
    assert items[0]["type"] == "true_false"
    assert items[0]["answer"] is True
    assert all("（ ）" in item["stem"] for item in items)
