"""The English catalog is complete, consistent with its placeholders, compiled, and used.

UI text is written in Simplified Chinese as the msgid; pcrm/locale/en holds the English.
The catalog is parsed here directly (no polib dependency) so a missing, empty or fuzzy
translation fails the suite instead of silently showing Chinese to an English user.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOG.with_suffix(".mo")

# %(name)s, %s, %d, %% (python-format) and {name} (brace-format) must survive translation.
PYTHON_PLACEHOLDER = re.compile(r"%(?:\([^)]+\))?[-#0 +]*\d*(?:\.\d+)?[sdifgeEGxXrc%]")
BRACE_PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}")
ESCAPES = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    """One catalog entry: flags, msgid (and plural) and its translations."""

    flags: set[str] = field(default_factory=set)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstrs: list[str] = field(default_factory=list)
    line: int = 0


def _unquote(text: str) -> str:
    body = text.strip()[1:-1]
    return re.sub(r"\\(.)", lambda m: ESCAPES.get(m.group(1), "\\" + m.group(1)), body)


def parse_po(path: Path) -> list[Entry]:
    """Parse a gettext .po file into entries (header excluded, obsolete entries skipped)."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] = ("msgid", 0)
    keyword = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")$")
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            current = None
            continue
        if current is None:
            current = Entry(line=number)
            entries.append(current)
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            current.flags |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif match := keyword.match(line):
            name, value = match.group(1), _unquote(match.group(2))
            if name.startswith("msgstr"):
                current.msgstrs.append(value)
                target = ("msgstr", len(current.msgstrs) - 1)
            else:
                setattr(current, name, value)
                target = (name, 0)
        elif line.startswith('"'):
            value = _unquote(line)
            if target[0] == "msgstr":
                current.msgstrs[target[1]] += value
            else:
                setattr(current, target[0], (getattr(current, target[0]) or "") + value)
    return [e for e in entries if e.msgid and e.msgstrs]


def placeholders(text: str) -> Counter[str]:
    """The placeholders a string uses, counted (order may change in translation)."""
    return Counter(PYTHON_PLACEHOLDER.findall(text) + BRACE_PLACEHOLDER.findall(text))


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    assert CATALOG.exists(), f"missing {CATALOG}: run makemessages -l en"
    return parse_po(CATALOG)


def test_catalog_is_substantial_and_compiled(entries: list[Entry]) -> None:
    assert len(entries) > 1000
    assert COMPILED.exists(), "run compilemessages"
    assert COMPILED.stat().st_mtime >= CATALOG.stat().st_mtime - 1, ".mo older than .po"


def test_every_entry_has_a_translation_and_none_is_fuzzy(entries: list[Entry]) -> None:
    empty = [e.msgid for e in entries if any(not s.strip() for s in e.msgstrs)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]
    plural_short = [e.msgid for e in entries if e.msgid_plural and len(e.msgstrs) < 2]
    assert empty == []
    assert fuzzy == []
    assert plural_short == []


def test_translations_are_english(entries: list[Entry]) -> None:
    # A msgstr still containing Chinese was copied, not translated (language names excepted).
    han = re.compile(r"[\u4e00-\u9fff]")
    left = [e.msgid for e in entries if any(han.search(s) for s in e.msgstrs)]
    assert left == []


def test_placeholders_match(entries: list[Entry]) -> None:
    mismatched = []
    for e in entries:
        for i, msgstr in enumerate(e.msgstrs):
            source = e.msgid_plural if (e.msgid_plural and i > 0) else e.msgid
            # A singular form may drop the count (e.g. "one item"); the plural may not.
            if placeholders(msgstr) != placeholders(source) and not (e.msgid_plural and i == 0):
                mismatched.append((e.msgid, msgstr))
    assert mismatched == []


def test_compiled_catalog_answers_every_msgid(entries: list[Entry]) -> None:
    """The .mo is current: Django returns the .po's English for every entry."""
    stale = []
    with translation.override("en"):
        for e in entries:
            if e.msgid_plural:
                got = translation.ngettext(e.msgid, e.msgid_plural, 2)
                want = e.msgstrs[1]
            elif e.msgctxt is not None:
                got, want = translation.pgettext(e.msgctxt, e.msgid), e.msgstrs[0]
            else:
                got, want = translation.gettext(e.msgid), e.msgstrs[0]
            if got != want:
                stale.append((e.msgid, got, want))
    assert stale == []


@pytest.mark.django_db
def test_login_page_in_english_and_chinese(client) -> None:  # type: ignore[no-untyped-def]
    english = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Staff sign-in" in english
    assert "Staff code" in english
    assert "Sign in" in english
    assert "员工登录" not in english

    chinese = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = chinese.content.decode()
    assert "员工登录" in text
    assert "员工号" in text
    assert "Staff sign-in" not in text

    default = client.get(reverse("account_login")).content.decode()
    assert "员工登录" in default


def test_workbench_in_english_for_a_signed_in_user(client, personas) -> None:  # type: ignore[no-untyped-def]
    client.force_login(personas.manager)
    english = client.get(reverse("workbench:home"), HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
    text = english.content.decode()
    assert f"Hello, {personas.manager.name}" in text
    assert "Find a customer" in text
    assert "Sign out" in text
    assert "查找客户" not in text

    chinese = client.get(reverse("workbench:home")).content.decode()
    assert "查找客户" in chinese
    assert "Find a customer" not in chinese


@pytest.mark.django_db
def test_language_switch_sticks(client) -> None:  # type: ignore[no-untyped-def]
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    text = client.get(reverse("account_login")).content.decode()
    assert "Staff sign-in" in text
