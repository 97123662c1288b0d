"""Aligning OCR output with the true text: lines, tokens, and segments inside tokens.

Used to learn the OCR confusion (channel) model from synthetic (OCR, truth) pairs and to
measure it. Three levels:

- :func:`align_lines`: OCR lines of a page against its true lines (skips and 1:1 matches),
- :func:`align_tokens`: the whitespace tokens of a line pair, with 1:1, merge (one OCR token
  for two true ones: a lost space), split (two OCR tokens for one true one), insertion and
  deletion steps,
- :func:`segment_viterbi`: the most likely partition of an (intended, observed) token pair
  into segment rewrites ``alpha -> beta`` (``len(alpha)`` 1-2, ``len(beta)`` 0-3) under a
  segment log-probability function,
- :class:`SegmentTable`: smoothed segment log probabilities from counts, with a fast
  scoring version of the same recursion (the core of the channel model).

Comparisons of tokens and lines are on skeletons (marks off, lower case), so that OCR that lost
every mark still lines up with the true text. Nothing here does I/O.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz.distance import Levenshtein

from pipeline.correct.orthography import skeleton
from pipeline.correct.segment import IN_WORD_JUNK

try:
    from pipeline.correct import _segments
except ImportError:  # installed without a C compiler: SegmentTable scores in Python
    _segments = None

COMPILED = _segments is not None  # tests switch it off to run the Python DP

NEG_INF = -math.inf
MAX_ALPHA = 2  # longest intended segment
MAX_BETA = 3  # longest observed segment

# OCR junk that stands for a letter ("s&" for "sở", "&" for "ở") is part of a token, not its edge
_EDGE_PUNCT = re.compile(rf"^[^\w{re.escape(IN_WORD_JUNK)}]+|[^\w{re.escape(IN_WORD_JUNK)}]+$", re.UNICODE)

# Costs of the token alignment (a 1:1 pair costs its normalised skeleton distance, 0..1).
_TOKEN_INDEL = 0.75
# A merge or split costs this many times its distance plus a constant, so that only close
# ones beat a match and an insertion or deletion.
_TOKEN_MERGE_FACTOR = 2.0
_TOKEN_MERGE_EXTRA = 0.15
# Line pairs further apart than this (normalised skeleton distance) are not aligned.
MAX_LINE_DISTANCE = 0.45

StepKind = Literal["match", "merge", "split", "insert", "delete"]
SegmentLogprob = Callable[[str, str], float]


@dataclass(frozen=True, slots=True)
class TokenStep:
    """One step of a token alignment: observed (OCR) tokens for intended (true) tokens.

    ``match``: 1 observed for 1 intended; ``merge``: 1 for 2 (a space lost); ``split``: 2 for 1
    (a space inserted); ``insert``: 1 for 0 (OCR noise); ``delete``: 0 for 1 (a word lost).
    """

    kind: StepKind
    observed: tuple[str, ...]
    intended: tuple[str, ...]


def strip_edge_punct(token: str) -> str:
    """The token without leading and trailing punctuation ("(của)," -> "của")."""
    return _EDGE_PUNCT.sub("", token)


def _distance(a: str, b: str) -> float:
    """Normalised Levenshtein distance of two strings' skeletons (0 same, 1 nothing shared)."""
    return Levenshtein.normalized_distance(skeleton(a), skeleton(b))


def align_lines(
    observed: Sequence[str], intended: Sequence[str], max_distance: float = MAX_LINE_DISTANCE
) -> list[tuple[int, int]]:
    """Index pairs (observed line, intended line) of a monotone alignment of two line lists.

    A pair costs the normalised skeleton distance of the two lines and is allowed only when
    that is below ``max_distance``; skipping a line costs 1.
    """
    n, m = len(observed), len(intended)
    cost = [[0.0] * (m + 1) for _ in range(n + 1)]
    back = [[0] * (m + 1) for _ in range(n + 1)]  # 1 pair, 2 skip observed, 3 skip intended
    for i in range(n + 1):
        for j in range(m + 1):
            if i == 0 and j == 0:
                continue
            options = []
            if i and j:
                distance = _distance(observed[i - 1], intended[j - 1])
                if distance < max_distance:  # a worse pair would cost less than two skips
                    options.append((cost[i - 1][j - 1] + distance, 1))
            if i:
                options.append((cost[i - 1][j] + 1.0, 2))
            if j:
                options.append((cost[i][j - 1] + 1.0, 3))
            cost[i][j], back[i][j] = min(options)
    pairs = []
    i, j = n, m
    while i or j:
        step = back[i][j]
        if step == 1:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif step == 2:
            i -= 1
        else:
            j -= 1
    return pairs[::-1]


def _merge_cost(observed: str, intended: str) -> float:
    return _TOKEN_MERGE_FACTOR * _distance(observed, intended) + _TOKEN_MERGE_EXTRA


def _token_options(
    obs: Sequence[str], ref: Sequence[str], i: int, j: int
) -> list[tuple[float, int, int, StepKind]]:
    """Candidate last steps (cost, observed used, intended used, kind) ending at (i, j)."""
    options: list[tuple[float, int, int, StepKind]] = []
    if i and j:
        options.append((_distance(obs[i - 1], ref[j - 1]), 1, 1, "match"))
    if i and j >= 2:
        joined = ref[j - 2] + ref[j - 1]
        options.append((_merge_cost(obs[i - 1], joined), 1, 2, "merge"))
    if i >= 2 and j:
        joined = obs[i - 2] + obs[i - 1]
        options.append((_merge_cost(joined, ref[j - 1]), 2, 1, "split"))
    if i:
        options.append((_TOKEN_INDEL, 1, 0, "insert"))
    if j:
        options.append((_TOKEN_INDEL, 0, 1, "delete"))
    return options


def align_tokens(observed: Sequence[str], intended: Sequence[str]) -> list[TokenStep]:
    """Monotone alignment of two token lists with match, merge, split, insert and delete steps."""
    n, m = len(observed), len(intended)
    cost = [[math.inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int, StepKind] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            for step_cost, di, dj, kind in _token_options(observed, intended, i, j):
                total = cost[i - di][j - dj] + step_cost
                if total < cost[i][j]:
                    cost[i][j], back[i][j] = total, (di, dj, kind)
    steps = []
    i, j = n, m
    while i or j:
        pointer = back[i][j]
        assert pointer is not None
        di, dj, kind = pointer
        steps.append(TokenStep(kind, tuple(observed[i - di : i]), tuple(intended[j - dj : j])))
        i, j = i - di, j - dj
    return steps[::-1]


def segment_viterbi(
    intended: str,
    observed: str,
    seg_logprob: SegmentLogprob,
    pair_logprob: SegmentLogprob | None = None,
) -> tuple[float, list[tuple[str, str]]]:
    """Best log probability of ``observed`` given ``intended`` and its segment partition.

    Every intended character is rewritten by one segment ``alpha -> beta`` with ``alpha`` one
    character (scored by ``seg_logprob``) or two characters (scored by ``pair_logprob`` when
    given; it returns ``-inf`` for pairs it does not know) and ``beta`` 0 to 3 characters.
    Returns ``(-inf, [])`` when no partition exists (an empty ``intended`` with something
    observed, or far more observed than intended characters).
    """
    n, m = len(intended), len(observed)
    best = [[NEG_INF] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int]]] = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    best[0][0] = 0.0
    max_alpha = MAX_ALPHA if pair_logprob is not None else 1
    for i in range(1, n + 1):
        for a in range(1, min(max_alpha, i) + 1):
            alpha = intended[i - a : i]
            score = seg_logprob if a == 1 else pair_logprob
            assert score is not None
            prev_row = best[i - a]
            row = best[i]
            for j in range(m + 1):
                for b in range(min(MAX_BETA, j) + 1):
                    start = prev_row[j - b]
                    if start == NEG_INF:
                        continue
                    total = start + score(alpha, observed[j - b : j])
                    if total > row[j]:
                        row[j] = total
                        back[i][j] = (a, b)
    if best[n][m] == NEG_INF:
        return NEG_INF, []
    segments = []
    i, j = n, m
    while i:
        a, b = back[i][j]
        segments.append((intended[i - a : i], observed[j - b : j]))
        i, j = i - a, j - b
    return best[n][m], segments[::-1]


MAX_TRAIN_TOKEN = 24  # longer tokens are not used for training
MAX_TRAIN_DISTANCE = 0.7  # nor token pairs whose skeletons are further apart than this


def line_tokens(line: str) -> list[str]:
    """Lower-case whitespace tokens of a line with edge punctuation stripped; empty ones dropped."""
    return [t for t in (strip_edge_punct(raw) for raw in line.lower().split()) if t]


def step_pair(step: TokenStep) -> tuple[str, str] | None:
    """(observed, intended) training string of a match, merge or split step, or None.

    A merge becomes ("20thang", "20 tháng") and a split ("cô ng", "công"): the space is a
    character that the channel learns to lose or to add.
    """
    if step.kind not in ("match", "merge", "split"):
        return None
    observed, intended = " ".join(step.observed), " ".join(step.intended)
    if len(observed) > MAX_TRAIN_TOKEN or len(intended) > MAX_TRAIN_TOKEN:
        return None
    if _distance(observed, intended) > MAX_TRAIN_DISTANCE:
        return None
    return observed, intended


def count_token_pairs(
    line_pairs: Iterable[tuple[str, str]],
) -> tuple[Counter[tuple[str, str]], Counter[str]]:
    """Counts of (observed, intended) token strings and of step kinds over (OCR, true) lines."""
    pairs: Counter[tuple[str, str]] = Counter()
    kinds: Counter[str] = Counter()
    for observed_line, intended_line in line_pairs:
        for step in align_tokens(line_tokens(observed_line), line_tokens(intended_line)):
            kinds[step.kind] += 1
            pair = step_pair(step)
            if pair is not None:
                pairs[pair] += 1
    return pairs, kinds


# Back-off classes of a one-character rewrite alpha -> beta and how many betas each holds.
CLASS_SIZES = {"same": 1, "mark": 8, "char": 60, "delete": 1, "two": 3600, "three": 216_000}
# Class shares before any training (the first round of estimation starts from these).
INITIAL_CLASS_PROBS = {
    "same": 0.85, "mark": 0.06, "char": 0.04, "delete": 0.02, "two": 0.025, "three": 0.005,
}
MIN_PAIR_COUNT = 3  # two-character segments seen fewer times are not kept
_ROW_LIMIT = 20_000  # cached log probabilities per intended character
_PREFIX_LIMIT = 5_000  # DP rows kept for the intended prefixes of one observed token


def rewrite_class(alpha: str, beta: str) -> str:
    """Back-off class of a one-character rewrite (see :data:`CLASS_SIZES`)."""
    if beta == alpha:
        return "same"
    if not beta:
        return "delete"
    if len(beta) == 1:
        return "mark" if skeleton(beta) == skeleton(alpha) else "char"
    return "two" if len(beta) == 2 else "three"


def class_probs(single: Mapping[str, Mapping[str, int]]) -> dict[str, float]:
    """Shares of the back-off classes over all one-character rewrites (add-one smoothed)."""
    totals = Counter({name: 1.0 for name in CLASS_SIZES})
    for alpha, betas in single.items():
        for beta, count in betas.items():
            totals[rewrite_class(alpha, beta)] += count
    grand = sum(totals.values())
    return {name: totals[name] / grand for name in CLASS_SIZES}


@dataclass(slots=True)
class SegmentTable:
    """Smoothed log P(beta | alpha) for one-character ``alpha`` and learned two-character ones.

    ``single[alpha][beta]`` and ``pairs[alpha2][beta]`` are counts; ``pair_totals[alpha2]`` is
    how often ``alpha2`` occurred in the intended text. Log probabilities are computed on first
    use and kept per ``alpha``, DP rows per intended prefix of the last observed token (the
    only mutable state).
    """

    single: dict[str, dict[str, int]]
    pairs: dict[str, dict[str, int]] = field(default_factory=dict)
    pair_totals: dict[str, int] = field(default_factory=dict)
    backoff: dict[str, float] = field(default_factory=lambda: dict(INITIAL_CLASS_PROBS))
    _totals: dict[str, tuple[int, int]] = field(default_factory=dict)
    _shares: dict[str, float] = field(default_factory=dict)  # back-off class -> P(one of its betas)
    _rows: dict[str, dict[str, float]] = field(default_factory=dict)
    _pair_rows: dict[str, dict[str, float]] = field(default_factory=dict)
    _prefix_observed: str | None = None
    _prefix_rows: dict[str, list[float]] = field(default_factory=dict)
    _ends: list[list[tuple[int, str]]] = field(default_factory=list)
    _lattice: object = None
    _lattice_observed: str | None = None

    def __post_init__(self) -> None:
        self._totals = {a: (sum(b.values()), len(b)) for a, b in self.single.items()}
        self._shares = {name: self.backoff[name] / size for name, size in CLASS_SIZES.items()}
        self._pair_rows = {
            alpha: {beta: math.log(c / self.pair_totals[alpha]) for beta, c in betas.items()}
            for alpha, betas in self.pairs.items()
            if self.pair_totals.get(alpha)
        }

    @classmethod
    def from_counts(cls, single: dict, pairs: dict | None = None, totals: dict | None = None):
        """A table whose back-off class shares are estimated from the same counts."""
        return cls(single, pairs or {}, totals or {}, class_probs(single))

    def _backoff(self, alpha: str, beta: str) -> float:
        return self._shares[rewrite_class(alpha, beta)]

    def _row(self, alpha: str) -> dict[str, float]:
        row = self._rows.get(alpha)
        if row is None:
            row = self._rows[alpha] = {}
        elif len(row) > _ROW_LIMIT:
            row.clear()
        return row

    def lp(self, alpha: str, beta: str) -> float:
        """log P(beta | alpha) for a one-character ``alpha`` (Witten-Bell smoothed)."""
        row = self._row(alpha)
        value = row.get(beta)
        if value is None:
            total, types = self._totals.get(alpha, (0, 0))
            backoff = self._backoff(alpha, beta)
            if total:
                backoff = (self.single[alpha].get(beta, 0) + types * backoff) / (total + types)
            value = row[beta] = math.log(backoff)
        return value

    def pair_lp(self, alpha: str, beta: str) -> float:
        """log P(beta | alpha) for a learned two-character ``alpha``; -inf when not learned."""
        return self._pair_rows.get(alpha, {}).get(beta, NEG_INF)

    def score(self, intended: str, observed: str) -> float:
        """log P(observed | intended) of the best partition into segments.

        The same recursion as :func:`segment_viterbi`, unrolled for speed: one-character
        segments read up to :data:`MAX_BETA` observed characters, learned pairs their own.
        Rows are kept per intended prefix while ``observed`` stays the same, so candidates
        for one observed token share the work on their common prefixes. Where vanthu was built
        with a C compiler, the compiled DP (:mod:`pipeline.correct._segments`) gives the same
        scores.
        """
        lattice = self.lattice(observed)
        if lattice is not None:
            return lattice.score(intended)
        if observed != self._prefix_observed or len(self._prefix_rows) > _PREFIX_LIMIT:
            self._prefix_observed = observed
            self._prefix_rows = {"": [0.0] + [NEG_INF] * len(observed)}
            m = len(observed)
            self._ends = [[(j - b, observed[j - b : j]) for b in range(min(MAX_BETA, j) + 1)]
                          for j in range(m + 1)]
        cache = self._prefix_rows
        rows = [cache[""]]
        for i in range(1, len(intended) + 1):
            row = cache.get(intended[:i])
            if row is None:
                row = cache[intended[:i]] = self._next_row(intended, i, rows, observed)
            rows.append(row)
        return rows[-1][-1]

    def lattice(self, observed: str):
        """The compiled scorer of intended strings given ``observed`` (kept while ``observed``
        stays the same), or None where it was not built."""
        if not COMPILED:
            return None
        if observed != self._lattice_observed:
            self._lattice, self._lattice_observed = _segments.Lattice(self, observed), observed
        return self._lattice

    def _next_row(
        self, intended: str, i: int, rows: list[list[float]], observed: str
    ) -> list[float]:
        """DP row after the first ``i`` intended characters, from the rows before it."""
        alpha = intended[i - 1]
        lps, prev = self._row(alpha), rows[i - 1]
        row = []
        for options in self._ends:
            best = NEG_INF
            for k, beta in options:
                start = prev[k]
                if start != NEG_INF:
                    lp = lps.get(beta)
                    if lp is None:
                        lp = self.lp(alpha, beta)
                    if start + lp > best:
                        best = start + lp
            row.append(best)
        if i >= 2 and intended[i - 2 : i] in self._pair_rows:
            self._add_pairs(self._pair_rows[intended[i - 2 : i]], rows[i - 2], row, observed)
        return row

    @staticmethod
    def _add_pairs(
        betas: dict[str, float], prev: list[float], row: list[float], observed: str
    ) -> None:
        for beta, lp in betas.items():
            for j in range(len(beta), len(observed) + 1):
                start = prev[j - len(beta)]
                if start + lp > row[j] and observed.startswith(beta, j - len(beta)):
                    row[j] = start + lp
