"""Cutting run-together option text (``全部客户高端客户潜在客户贵宾客户``) into options.

The region between one question's stem and the next question's answer bracket
holds the options of the first question and the opening of the next stem, with
no separators.  We score every place the next stem could start and, for each, the
best cut of the options by dynamic programming.  The scores combine:

* letter markers when present (``B.``, ``D-``, ``入`` read as ``A``);
* word boundaries, learnt from the document itself: a pair of characters that
  occurs often in the document (``客户``, ``营销``) is probably a word, so cutting
  between them costs more;
* parallel options: cuts before the same opening as the first option, or after
  the same ending as the last one, cost less;
* length balance around the mean option length;
* punctuation and function words: a comma, a conjunction (``和``) or a preposition
  (``到``) next to a cut makes it unlikely, a quoted term (``“红名单”``) or a run of
  consecutive numbers (``6789``) likely; clause edges seen elsewhere in the document
  (the same items listed with separators) vouch for a cut;
* question numbering and sentence openings seen elsewhere in the document, as
  evidence for where the next stem starts.

The gap between the best and the runner-up gives the split's confidence.
"""

from __future__ import annotations

import itertools
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pcrm.training.parsing.records import LETTERS

MARK_PUNCT = "-.．、:：■)）"
NO_CUT_BEFORE = "、,，。)）”’;；:：?？!！"
NO_CUT_AFTER = "“‘(（"
# Run-together options lose their separators, so a comma left in the text joins two
# parts of one option (``拆迁补偿户、专业市场商户``) far more often than it ends one.
JOINING = "、,，"
MAX_OPTION = 70
CANDIDATE_STARTS = 10
PHRASE_BONUS = 0.8
PHRASE_MIN = 4
KNOWN_BONUS = 0.6
TWIN_MIN = 6
EDGE = 3
EDGE_BONUS = 0.3
WEAK_START = "和与及"  # conjunctions join two parts of one option
# An option seldom ends on a conjunction or a preposition (``…客户关系和``, ``…力度到``).
WEAK_END = "和与及到在对从向把将给让被要"
STEM_NEVER_OPENS = "被和与及的了地得"  # particles that do not begin a question
BALANCE = 1.4  # weight of the length-balance term
WORD_COST = 1.2  # cutting inside a lexicon word
JOIN_COST = 2.0  # cutting right after a comma
WEAK_COST = 2.0  # cutting next to a conjunction or a preposition
CLAUSE = re.compile(r"[。；;，,、：:（）()“”\n?？!！和及与或]")
SENTENCE = re.compile(r"[。；;\n?？!！]")
NUMBER = re.compile(r"^\d{1,3}\s*[.、．]?\s*")


LEXICON_PATH = Path(__file__).resolve().parent.parent / "data" / "lexicon.txt"


@cache
def lexicon() -> frozenset[str]:
    """Domain words (data file) that a cut should not fall inside."""
    words: set[str] = set()
    for line in LEXICON_PATH.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words.update(line.split())
    return frozenset(words)


def inside_word(region: str, p: int) -> bool:
    """True when position ``p`` falls strictly inside a lexicon word of ``region``."""
    words = lexicon()
    for size in (2, 3, 4, 5):
        for start in range(max(0, p - size + 1), p):
            if region[start : start + size] in words and start + size <= len(region):
                return True
    return False


@dataclass
class Context:
    """Statistics of the whole document used by the splitter."""

    bigrams: Counter[str]
    openings: frozenset[str]
    # True/false statements of the same document: banks often state the same fact
    # there, which pins where a choice stem starts and what one of its options says.
    statements: tuple[str, ...] = ()
    # Clauses of the document between punctuation: an option that reads exactly like
    # one (``提升客户价值`` in ``…、提升客户价值。``) is probably cut right.
    phrases: frozenset[str] = frozenset()
    # Options cut with high confidence in a first pass over the same document.
    known: frozenset[str] = frozenset()
    # Three-character ends and openings of the document's clauses: the same items are
    # often listed with separators elsewhere (``…尊重和重视、平息…``), which marks the
    # places where an option may end and the next begin.
    clause_ends: frozenset[str] = frozenset()
    clause_starts: frozenset[str] = frozenset()

    @classmethod
    def build(cls, text: str, openings: set[str], statements: tuple[str, ...] = ()) -> Context:
        grams: Counter[str] = Counter(text[i : i + 2] for i in range(len(text) - 1))
        phrases = {p.strip() for p in CLAUSE.split(text)} | {
            p.strip() for p in SENTENCE.split(text)
        }
        phrases = {p for p in phrases if 2 <= len(p) <= 60}
        clauses = [p.strip() for p in CLAUSE.split(text) if len(p.strip()) >= EDGE]
        return cls(
            grams,
            frozenset(openings),
            statements,
            frozenset(phrases),
            clause_ends=frozenset(c[-EDGE:] for c in clauses),
            clause_starts=frozenset(c[:EDGE] for c in clauses),
        )

    def edge_bonus(self, region: str, p: int) -> float:
        """How strongly the document's clauses vouch for a cut at ``p``."""
        bonus = 0.0
        if p >= EDGE and region[p - EDGE : p] in self.clause_ends:
            bonus += EDGE_BONUS
        if region[p : p + EDGE] in self.clause_starts:
            bonus += EDGE_BONUS
        return bonus

    def twin(self, prefix: str) -> str | None:
        """The statement that begins with this whole stem prefix, if one does."""
        if len(prefix) < TWIN_MIN:
            return None
        return next((s for s in self.statements if s.startswith(prefix)), None)

    def cohesion(self, left: str, right: str, local: Counter[str] | None = None) -> float:
        """0 (cut here freely) … 1 (a word that is almost never cut).

        Pairs inside the region being cut are not counted: a run of parallel options
        (``每周一次每月一次``) would otherwise vouch for its own wrong cuts."""
        pair = left + right
        inside = local.get(pair, 0) if local is not None else 0
        freq = self.bigrams.get(pair, 0) - inside
        return min(1.0, math.log1p(max(0, freq)) / math.log1p(12))


@dataclass
class Split:
    options: list[str]
    boundaries: list[int]  # cut offsets inside ``region[:stem_start]``
    stem_start: int
    cost: float
    confidence: float = 0.0


def _cut_cost(
    region: str, p: int, index: int, ctx: Context, first: str, last: str, local: Counter[str]
) -> float:
    left, right = region[p - 1], region[p]
    cost = 1.6 * ctx.cohesion(left, right, local)
    if inside_word(region, p):
        cost += WORD_COST
    if right in NO_CUT_BEFORE or left in NO_CUT_AFTER:
        cost += 3.0
    if left.isascii() and left.isalnum() and right.isascii() and right.isalnum():
        cost += 3.0
    if left in ";；":
        cost -= 2.0
    if left in JOINING:
        cost += JOIN_COST
    if right in WEAK_START and region[p : p + 2] not in lexicon():
        cost += WEAK_COST
    if left in WEAK_END and region[p - 2 : p] not in lexicon():
        cost += WEAK_COST
    if right == "“":
        cost -= 0.8  # options often open on a quoted term
    cost -= ctx.edge_bonus(region, p)
    if left.isdigit() and right.isdigit() and int(right) == int(left) + 1:
        cost -= 4.5  # bare numeric options in sequence (``6789``)
    if len(first) >= 2 and region.startswith(first, p):
        cost -= 0.8
    if len(last) >= 2 and region.endswith(last, 0, p):
        cost -= 0.8
    if right == first[:1]:
        cost -= 0.4
    if left == last[-1:]:
        cost -= 0.4
    return cost


def _marker_bonus(region: str, p: int, index: int) -> float:
    """A letter marker (``B.``) right where option ``index`` should start."""
    if index < len(LETTERS) and region[p] == LETTERS[index] and region[p + 1 : p + 2] in MARK_PUNCT:
        return -3.0
    return 0.0


def _segment_cost(segment: str, target: float, ctx: Context) -> float:
    size = len(segment)
    cost = BALANCE * ((size - target) / max(target, 1.0)) ** 2
    bare = segment.strip("；;，,、 ")
    if size >= PHRASE_MIN and bare in ctx.phrases:
        cost -= PHRASE_BONUS
    if bare in ctx.known:
        cost -= KNOWN_BONUS
    if any(c in ";；" for c in segment[:-1]):
        cost += 2.0
    if size == 1 and target > 2:
        cost += 1.0
    return cost


def best_cut(region: str, n: int, ctx: Context, hints: tuple[str, ...] = ()) -> Split | None:
    """Best cut of the whole ``region`` into ``n`` options (no stem after them)."""
    size = len(region)
    if size < n:
        return None
    target = size / n
    first, last = region[:2], region[-2:]
    local: Counter[str] = Counter(region[i : i + 2] for i in range(size - 1))
    cut_costs = [0.0] * (size + 1)
    for p in range(1, size):
        cut_costs[p] = _cut_cost(region, p, 0, ctx, first, last, local)
    for hint in hints:
        at = region.find(hint)
        if hint and at >= 0:
            # The twin's wording may end sooner than the option (``客户活动`` + ``为主``).
            for p, bonus in ((at, 1.5), (at + len(hint), 0.8)):
                if 0 < p < size:
                    cut_costs[p] -= bonus
    inf = float("inf")
    # best[k][j]: cheapest cut of region[:j] into k options; back[k][j]: where the k-th began.
    best = [[inf] * (size + 1) for _ in range(n + 1)]
    back = [[0] * (size + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for k in range(1, n + 1):
        for j in range(k, size + 1):
            low = max(k - 1, j - MAX_OPTION)
            for i in range(low, j):
                prev = best[k - 1][i]
                if prev == inf:
                    continue
                cost = prev + _segment_cost(region[i:j], target, ctx)
                if i > 0:
                    cost += cut_costs[i] + _marker_bonus(region, i, k - 1)
                if cost < best[k][j]:
                    best[k][j], back[k][j] = cost, i
    if best[n][size] == inf:
        return None
    cuts, j = [], size
    for k in range(n, 0, -1):
        j = back[k][j]
        cuts.append(j)
    cuts = sorted(cuts)[1:]
    edges = [0, *cuts, size]
    options = [region[a:b] for a, b in itertools.pairwise(edges)]
    return Split(options, cuts, size, best[n][size])


def _stem_start_cost(region: str, s: int, ctx: Context) -> float:
    if s == len(region):
        return 0.9
    cost = 1.6 * ctx.cohesion(region[s - 1], region[s])
    if inside_word(region, s):
        cost += 1.2
    char = region[s]
    if char.isdigit() and not region[s - 1].isdigit():
        cost -= 3.0
    if char in NO_CUT_BEFORE or region[s - 1] in NO_CUT_AFTER:
        cost += 3.0
    if char in STEM_NEVER_OPENS:
        cost += 1.0
    matched = _opening_length(region, s, ctx)
    if matched:
        cost -= 0.6 + 0.15 * matched
    if len(region) - s < 3:
        cost += 1.0
    return cost


def _opening_length(region: str, s: int, ctx: Context) -> int:
    """How many characters from ``s`` match the opening of a sentence seen elsewhere."""
    size = 0
    for k in range(4, 13):
        if s + k > len(region) or region[s : s + k] not in ctx.openings:
            break
        size = k
    return size


def split_region(
    region: str, n: int, ctx: Context, stem_follows: bool, hints: tuple[str, ...] = ()
) -> Split | None:
    """Cut ``region`` into ``n`` options followed (if ``stem_follows``) by the next stem."""
    if not stem_follows:
        found = best_cut(region, n, ctx, hints)
        if found:
            found.confidence = _confidence(found, None)
            if not _balanced(found.options):
                found.confidence = min(found.confidence, 0.5)
        return found
    ranked: list[Split] = []
    twins = {s for s in range(n, len(region) - TWIN_MIN + 1) if _twin_at(region, s, ctx)}
    starts = sorted(range(n, len(region) + 1), key=lambda s: _stem_start_cost(region, s, ctx))
    for s in sorted(set(starts[:CANDIDATE_STARTS]) | twins):
        found = best_cut(region[:s], n, ctx, hints)
        if found is None:
            continue
        found.cost += _stem_start_cost(region, s, ctx) + _parallel_bonus(found.options)
        if s in twins:
            found.cost -= 3.0
        found.stem_start = s
        ranked.append(found)
    if not ranked:
        return None
    ranked.sort(key=lambda item: item.cost)
    winner = ranked[0]
    winner.confidence = _confidence(winner, ranked[1] if len(ranked) > 1 else None)
    return winner


def _twin_at(region: str, s: int, ctx: Context) -> bool:
    if region[s - 1].isdigit():
        return False
    text = region[s:]
    if text[:1].isdigit():
        text = NUMBER.sub("", text, count=1)
    return ctx.twin(text) is not None


def _parallel_bonus(options: list[str]) -> float:
    """Options written in parallel (same opening or ending) make a cut more likely right."""
    heads = Counter(option[:2] for option in options if len(option) >= 3)
    tails = Counter(option[-2:] for option in options if len(option) >= 3)
    shared = sum(c for c in heads.values() if c > 1) + sum(c for c in tails.values() if c > 1)
    return -0.5 * shared / len(options)


def _balanced(options: list[str]) -> bool:
    sizes = [len(option) for option in options]
    return max(sizes) <= 3 * max(2, min(sizes))


def _confidence(winner: Split, runner_up: Split | None) -> float:
    sizes = [len(option) for option in winner.options]
    mean = sum(sizes) / len(sizes)
    spread = (sum((x - mean) ** 2 for x in sizes) / len(sizes)) ** 0.5 / max(mean, 1.0)
    gap = 2.0 if runner_up is None else runner_up.cost - winner.cost
    score = 0.45 + 0.35 * min(1.0, gap / 1.5) + 0.2 * max(0.0, 1.0 - float(spread))
    return float(round(max(0.05, min(1.0, score)), 2))
