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
  evidence for where the next stem starts; so are clause openings seen after a comma
  elsewhere when the text here runs on without one (``…为辅个人客户经理…``);
* a general dictionary (jieba, dictionary only): a cut or a stem start inside one of
  its words costs more, and the word just before a likely stem start is tried too;
* the shape of each option: one character, a colon or a full stop inside, or an
  opening particle (``起来``) make it unlikely;
* a full stop followed by bracket debris (``…等。),向…``) marks an orphan statement
  that lost its answer bracket: the options end before it and it goes to the ledger;
  a known sentence opening after the last options is a tail the source cut off.

The gap between the best and the runner-up gives the split's confidence.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

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
ORPHAN_COST = 1.0  # an orphan fragment between the options and the next stem
ORPHAN_MIN = 2  # characters per option before a full stop for an orphan to be tried
UNMATCHED_COST = 3.0  # a stem holding a closing bracket it never opened
SEGMENTER_COST = 1.0  # cutting inside a word of the general dictionary
SHORT_COST = 1.5  # a one-character option
TAIL_OPENING = 4  # characters of a known sentence opening that mark a cut-off tail
TAIL_COST = 0.5  # a cut-off tail after the last options
JOIN_START_COST = 1.0  # a stem starting right after a list separator
CLAUSE_BONUS = 1.5  # a stem start that reads like a clause opening elsewhere
COLON_COST = 2.0  # an option holding a colon
SENTENCE_COST = 2.5  # an option holding a full stop
# Particles and verb complements that never open an option (``…高兴|起来…``).
NEVER_OPENS = ("的", "了", "着", "过", "地", "得", "起来", "下来", "出来", "上来", "过来", "下去")
CLAUSE = re.compile(r"[。；;，,、：:（）()“”\n?？!！和及与或]")
SENTENCE = re.compile(r"[。；;\n?？!！]")
CLAUSE_MARK = re.compile(r"[，,；;]")
STOP = re.compile(r"[\s(（)）。；;，,、：:?？!！]")
CLAUSE_OPENING = 8  # characters of a clause opening that count as evidence
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


@cache
def _segmenter() -> Any:
    import jieba  # type: ignore[import-untyped]

    jieba.setLogLevel(logging.WARNING)  # it announces loading its dictionary on stderr
    return jieba


@lru_cache(maxsize=4096)
def word_edges(text: str) -> frozenset[int]:
    """Word boundaries of ``text`` by a dictionary segmenter (jieba, without its HMM guess
    at unknown words): general vocabulary beyond the document's own statistics."""
    edges, at = {0}, 0
    for word in _segmenter().cut(text, HMM=False):
        at += len(word)
        edges.add(at)
    return frozenset(edges)


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
    # Long openings of clauses after a comma or a semicolon: a stem that continues a
    # sentence elsewhere (``…为主，<stem>``) shows where it starts.
    clause_openings: frozenset[str] = frozenset()

    @classmethod
    def build(cls, text: str, openings: set[str], statements: tuple[str, ...] = ()) -> Context:
        grams: Counter[str] = Counter(text[i : i + 2] for i in range(len(text) - 1))
        phrases = {p.strip() for p in CLAUSE.split(text)} | {
            p.strip() for p in SENTENCE.split(text)
        }
        phrases = {p for p in phrases if 2 <= len(p) <= 60}
        clauses = [p.strip() for p in CLAUSE.split(text) if len(p.strip()) >= EDGE]
        heads = {
            text[m.end() : m.end() + k]
            for m in CLAUSE_MARK.finditer(text)
            for k in range(CLAUSE_OPENING, 13)
        }
        return cls(
            grams,
            frozenset(openings),
            statements,
            frozenset(phrases),
            clause_ends=frozenset(c[-EDGE:] for c in clauses),
            clause_starts=frozenset(c[:EDGE] for c in clauses),
            clause_openings=frozenset(h for h in heads if not STOP.search(h)),
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
    # Where the options end: before ``stem_start`` when an orphan fragment (a statement
    # that lost its answer bracket, and its options) sits between them and the next stem.
    options_end: int | None = None

    @property
    def end(self) -> int:
        return self.stem_start if self.options_end is None else self.options_end


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
    return cost + _segment_shape(segment, ctx)


def _segment_shape(segment: str, ctx: Context) -> float:
    """The part of a segment's cost that does not depend on the target length."""
    size = len(segment)
    cost = 0.0
    bare = segment.strip("；;，,、 ")
    if size >= PHRASE_MIN and bare in ctx.phrases:
        cost -= PHRASE_BONUS
    if bare in ctx.known:
        cost -= KNOWN_BONUS
    inner = segment[:-1]
    if ";" in inner or "；" in inner:
        cost += 2.0
    if size == 1 and not segment.isdigit():
        cost += SHORT_COST  # one-character options are rare outside numeric lists
    if ":" in segment or "：" in segment:
        cost += COLON_COST  # a colon introduces a stem's list, not an option
    if "。" in inner:
        cost += SENTENCE_COST
    if segment.startswith(NEVER_OPENS):
        cost += WEAK_COST  # an option does not open on a particle or a complement
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
    edges = word_edges(region)
    for p in range(1, size):
        cut_costs[p] = _cut_cost(region, p, 0, ctx, first, last, local)
        if p not in edges:
            cut_costs[p] += SEGMENTER_COST
    for hint in hints:
        at = region.find(hint)
        if hint and at >= 0:
            # The twin's wording may end sooner than the option (``客户活动`` + ``为主``).
            for p, bonus in ((at, 1.5), (at + len(hint), 0.8)):
                if 0 < p < size:
                    cut_costs[p] -= bonus
    inf = float("inf")
    segments = _segment_table(region, target, ctx)
    markers = [
        [_marker_bonus(region, i, k) if 0 < i < size else 0.0 for i in range(size + 1)]
        for k in range(n)
    ]
    # best[k][j]: cheapest cut of region[:j] into k options; back[k][j]: where the k-th began.
    best = [[inf] * (size + 1) for _ in range(n + 1)]
    back = [[0] * (size + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    for k in range(1, n + 1):
        previous, marker = best[k - 1], markers[k - 1]
        for j in range(k, size + 1):
            low = max(k - 1, j - MAX_OPTION)
            row = segments[j]
            for i in range(low, j):
                prev = previous[i]
                if prev == inf:
                    continue
                cost = prev + row[i]
                if i > 0:
                    cost += cut_costs[i] + marker[i]
                if cost < best[k][j]:
                    best[k][j], back[k][j] = cost, i
    if best[n][size] == inf:
        return None
    cuts, j = [], size
    for k in range(n, 0, -1):
        j = back[k][j]
        cuts.append(j)
    cuts = sorted(cuts)[1:]
    return Split(_pieces(region, cuts), cuts, size, best[n][size])


def _pieces(region: str, cuts: list[int]) -> list[str]:
    edges = [0, *cuts, len(region)]
    return [region[a:b] for a, b in itertools.pairwise(edges)]


def _segment_table(region: str, target: float, ctx: Context) -> list[dict[int, float]]:
    """``table[j][i]``: the cost of ``region[i:j]`` as one option."""
    size = len(region)
    table: list[dict[int, float]] = [{} for _ in range(size + 1)]
    for j in range(1, size + 1):
        row = table[j]
        for i in range(max(0, j - MAX_OPTION), j):
            row[i] = _segment_cost(region[i:j], target, ctx)
    return table


def _stem_start_cost(region: str, s: int, ctx: Context) -> float:
    if s == len(region):
        return 0.9
    cost = 1.6 * ctx.cohesion(region[s - 1], region[s])
    if inside_word(region, s):
        cost += 1.2
    if s not in word_edges(region):
        cost += SEGMENTER_COST
    char = region[s]
    if char.isdigit() and not region[s - 1].isdigit():
        cost -= 3.0
    if char in NO_CUT_BEFORE or region[s - 1] in NO_CUT_AFTER:
        cost += 3.0
    if char in STEM_NEVER_OPENS:
        cost += 1.0
    matched = _opening_length(region, s, ctx)
    bonus = 0.6 + 0.15 * matched if matched else 0.0
    if (
        not CLAUSE_MARK.match(region[s - 1])
        and region[s : s + CLAUSE_OPENING] in ctx.clause_openings
    ):
        # Evidence from elsewhere: here the clause runs on without its comma.
        bonus = max(bonus, CLAUSE_BONUS)
    cost -= bonus
    if region[s - 1] in JOINING:
        cost += JOIN_START_COST  # a list separator continues the options
    if len(region) - s < 3:
        cost += 1.0
    if _unmatched_close(region[s:]):
        cost += UNMATCHED_COST  # debris of a lost answer bracket (``…等。),向…``)
    return cost


def _unmatched_close(text: str) -> bool:
    depth = 0
    for char in text:
        if char in "(（":
            depth += 1
        elif char in ")）":
            if depth == 0:
                return True
            depth -= 1
    return False


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
        tail = _trailing_fragment(region, n, ctx, hints)
        if tail is not None and (found is None or tail.cost < found.cost):
            found = tail
        if found:
            found.confidence = _confidence(found, None)
            if not _balanced(found.options):
                found.confidence = min(found.confidence, 0.5)
        return found
    ranked: list[Split] = []
    twins = {s for s in range(n, len(region) - TWIN_MIN + 1) if _twin_at(region, s, ctx)}
    starts = sorted(range(n, len(region) + 1), key=lambda s: _stem_start_cost(region, s, ctx))
    top = set(starts[:CANDIDATE_STARTS])
    # The stem may open one word earlier than a likely start (``…卡|客户把资产…``).
    edges = word_edges(region)
    top |= {max(e for e in edges if e < s) for s in top if s > 0 and any(e < s for e in edges)}
    top = {s for s in top if s >= n}
    for s in sorted(top | twins):
        found = _cut_before(region[:s], n, ctx, hints)
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


def _trailing_fragment(region: str, n: int, ctx: Context, hints: tuple[str, ...]) -> Split | None:
    """Options followed by the opening of a sentence that the source cut off (the last
    page ends mid-question): the opening is known from elsewhere in the document."""
    best: Split | None = None
    for s in range(n, len(region) - TAIL_OPENING + 1):
        if _opening_length(region, s, ctx) < TAIL_OPENING or SENTENCE.search(region[s:]):
            continue
        found = best_cut(region[:s], n, ctx, hints)
        if found is None:
            continue
        found.cost += _stem_start_cost(region, s, ctx) + TAIL_COST
        found.stem_start = s
        if best is None or found.cost < best.cost:
            best = found
    return best


def _cut_before(head: str, n: int, ctx: Context, hints: tuple[str, ...]) -> Split | None:
    """Options filling ``head``, or — when ``head`` holds a full stop — options followed by
    an orphan fragment: a statement whose answer bracket was lost, with its options."""
    end = head.find("。", 0, len(head) - 1)
    if end >= ORPHAN_MIN * n:
        inner = split_region(head[:end], n, ctx, True, hints)
        if (
            inner is not None
            and inner.stem_start < end
            and _unmatched_close(head[inner.stem_start :])
        ):
            inner.options_end = inner.stem_start
            inner.stem_start = len(head)
            inner.cost += ORPHAN_COST
            return inner
    return best_cut(head, n, ctx, hints)


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


def unsure_boundary(options: list[str]) -> bool:
    """A boundary that reads as well one word over: the options were cut by length.

    ``…客户关系和|维护…`` ends an option on a conjunction; ``社区居民户高档|社区居民户``
    leaves on one option the word another option opens with (``高档商业区商户``)."""
    for i, (left, right) in enumerate(itertools.pairwise(options)):
        if left[-1:] in WEAK_START and left[-2:] not in lexicon():
            return True
        others = [option for k, option in enumerate(options) if k not in (i, i + 1)]
        last = _words(left)[-1]
        moved_right = 2 <= len(last) < len(left) and not right.startswith(last)
        if moved_right and any(option.startswith(last) for option in others):
            return True
        first = _words(right)[0]
        moved_left = 2 <= len(first) < len(right) and not left.endswith(first)
        if moved_left and any(option.endswith(first) for option in others):
            return True
    return False


def _words(text: str) -> list[str]:
    return [word for word in _segmenter().cut(text, HMM=False) if word.strip()] or [text]


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
