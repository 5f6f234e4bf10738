"""Name search keys: full pinyin and initials, every reading of a heteronym surname.

A surname such as 曾 (zeng/ceng), 单 (shan/dan) or 查 (zha/cha) is looked up by
staff under whichever reading they know, so every reading is indexed.
"""

from __future__ import annotations

from itertools import product

from pypinyin import Style, lazy_pinyin, pinyin

from pcrm.lib.masking import surname


def _readings(chars: str) -> list[list[str]]:
    return [
        sorted(set(r)) for r in pinyin(chars, style=Style.NORMAL, heteronym=True, errors="ignore")
    ]


def name_search_keys(name: str) -> tuple[str, str]:
    """Return ('|full1|full2|', '|ini1|ini2|'): delimited so 'contains' finds a prefix."""
    name = "".join(name.split())
    family = surname(name)
    given = [p.lower() for p in lazy_pinyin(name[len(family) :], errors="ignore")]
    fulls: set[str] = set()
    initials: set[str] = set()
    for reading in product(*_readings(family)):
        syllables = [s.lower() for s in reading] + given
        fulls.add("".join(syllables))
        initials.add("".join(s[:1] for s in syllables))
    return "|" + "|".join(sorted(fulls)) + "|", "|" + "|".join(sorted(initials)) + "|"
