"""Accuracy on the seed question bank (../shared/seeds/), when it is present.

No sentence of the seed is copied here: the test checks what the parser must hold for
any such document — every answer bracket accounted for (a question or a ledger entry),
answers within the options, doubtful splits in the ledger — and the share of choice
questions whose split the parser is confident about.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from pcrm.training.parsing.files import parse_file
from pcrm.training.parsing.messy import CHOICE_ANSWER, TF_ANSWER, split_sections
from pcrm.training.parsing.normalize import clean
from pcrm.training.parsing.records import LETTERS, ParsedQuestion
from pcrm.training.policy import low_confidence

ROOT = Path(__file__).resolve().parents[3]
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_FILES = sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
TF_DOUBTS = {"fragment", "interleaved", "duplicate"}
# Share of choice questions whose option split is confident (≥ the policy's threshold);
# the rest are listed in the ledger for a person to fix with one click per boundary.
CONFIDENT_SHARE = 0.6
# Exact option splits, checked against a key of hashes (no seed text in the repository):
# {sha256("<type>|<stem without spaces>")[:16]: sha256("\u241f".join(options)) | "ledger"}.
# The key was made by reading the seed; "ledger" marks options lost to mojibake or
# interleaving, which the import must leave to a person.
SPLIT_KEY = Path(__file__).parent / "files" / "seed-split-key.json"
# Issue 9 asks 90% exact splits; the splitter reaches 99 of 107 now. The floor keeps
# that from regressing and is raised as the splitter improves.
EXACT_FLOOR = 0.92
KEY_SEPARATOR = "\u241f"

pytestmark = pytest.mark.skipif(not SEED_FILES, reason="no ../shared/seeds/ next to the repository")


@pytest.fixture(scope="module", params=SEED_FILES, ids=lambda p: p.name)
def seed(request):  # type: ignore[no-untyped-def]
    path: Path = request.param
    data = path.read_bytes()
    sections = split_sections(clean(data.decode("utf-8", errors="replace")).text)
    return parse_file(path.name, data), sections


def test_every_true_false_bracket_is_a_question_or_in_the_ledger(seed) -> None:  # type: ignore[no-untyped-def]
    result, sections = seed
    brackets = sum(len(TF_ANSWER.findall(s.body)) for s in sections if s.qtype == "true_false")
    questions = [q for q in result.questions if q.qtype == "true_false"]
    doubts = [e for e in result.ledger if e.kind in TF_DOUBTS]
    assert brackets > 0
    assert len(questions) + len(doubts) == brackets
    assert all(isinstance(q.answer, bool) and q.stem.endswith("（ ）") for q in questions)
    assert len(questions) >= 0.85 * brackets


def test_every_choice_bracket_is_a_question_or_in_the_ledger(seed) -> None:  # type: ignore[no-untyped-def]
    result, sections = seed
    brackets = sum(
        len(CHOICE_ANSWER.findall(s.body)) for s in sections if s.qtype in {"single", "multiple"}
    )
    choice = [q for q in result.questions if q.qtype != "true_false"]
    blanks = sum(q.stem.count("（ ）") for q in choice)
    missing = [e for e in result.ledger if e.kind in {"missing_answer", "unparsed"}]
    assert brackets > 0
    assert blanks + len(missing) >= brackets
    for q in choice:
        assert q.answer, q.number
        assert set(q.answer) <= set(LETTERS[: len(q.options)]), q.number
        assert (len(q.answer) > 1) == (q.qtype == "multiple")


def test_doubtful_splits_are_in_the_ledger(seed) -> None:  # type: ignore[no-untyped-def]
    result, _ = seed
    choice = [q for q in result.questions if q.qtype != "true_false"]
    ledgered = {e.excerpt for e in result.ledger}
    doubtful = [q for q in choice if q.confidence < low_confidence()]
    assert all(q.source_excerpt[:400] in ledgered for q in doubtful)
    assert all(len(q.options) == 4 and all(q.options) for q in choice)
    confident = 1 - len(doubtful) / len(choice)
    assert confident >= CONFIDENT_SHARE, f"confident splits {confident:.0%}"


def test_clean_up_removed_furniture_and_traditional_script(seed) -> None:  # type: ignore[no-untyped-def]
    result, _ = seed
    text = " ".join(q.stem + "".join(q.options) for q in result.questions)
    assert "TOC" not in text
    assert "(tǒng)" not in text
    assert "關係" not in text
    assert "客戶" not in text


def _stem_id(qtype: str, stem: str) -> str:
    text = f"{qtype}|{re.sub(r'\s+', '', stem)}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _options_hash(options: list[str]) -> str:
    parts = [re.sub(r"\s+", "", o).strip(" ;；,，、。.．:：》") for o in options]
    return hashlib.sha256(KEY_SEPARATOR.join(parts).encode()).hexdigest()


def _options_of(choice: dict[str, ParsedQuestion], key: str) -> list[str]:
    return choice[key].options if key in choice else []


def _exact_rate(seed) -> float:  # type: ignore[no-untyped-def]
    result, _ = seed
    key: dict[str, str] = json.loads(SPLIT_KEY.read_text(encoding="utf-8"))
    choice = {_stem_id(q.qtype, q.stem): q for q in result.questions if q.qtype != "true_false"}
    keyed = {k: v for k, v in key.items() if v != "ledger"}
    exact = sum(
        1 for k, v in keyed.items() if k in choice and _options_hash(choice[k].options) == v
    )
    print(f"exact option splits: {exact}/{len(keyed)} = {exact / len(keyed):.1%}")
    return exact / len(keyed)


@pytest.mark.skipif(not SPLIT_KEY.exists(), reason="no split key")
def test_exact_splits_do_not_regress(seed) -> None:  # type: ignore[no-untyped-def]
    rate = _exact_rate(seed)
    assert rate >= EXACT_FLOOR, f"exact option splits {rate:.1%}"


@pytest.mark.skipif(not SPLIT_KEY.exists(), reason="no split key")
def test_unrecoverable_options_are_in_the_ledger(seed) -> None:  # type: ignore[no-untyped-def]
    result, _ = seed
    key: dict[str, str] = json.loads(SPLIT_KEY.read_text(encoding="utf-8"))
    choice = {_stem_id(q.qtype, q.stem): q for q in result.questions if q.qtype != "true_false"}
    ledgered = {e.excerpt for e in result.ledger}
    doubtful = [k for k, v in key.items() if v == "ledger"]
    assert doubtful
    for k in doubtful:
        if k in choice:  # else the stem itself was not recovered: its bracket is in the ledger
            assert choice[k].source_excerpt[:400] in ledgered, choice[k].number
