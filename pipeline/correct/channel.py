"""The OCR confusion (channel) model: P(observed OCR token | intended token).

A token is rewritten segment by segment: every intended character ``alpha`` (or, where the
model learned it, a pair of characters) becomes an observed string ``beta`` of 0 to 3
characters ("ủ" -> "ti", "ư" -> "u", "ợ" -> "g", "đ" -> "p", "ố" -> "6", "l" -> "1"). The
probability of a token pair is that of its best partition (:func:`align.segment_viterbi`).
Segment probabilities are counts from synthetic (OCR, truth) pairs (``scripts/make_pairs.py``,
``scripts/build_channel.py``), smoothed Witten-Bell style towards a back-off by *kind of
rewrite* (same character, same letter with other marks, another character, deletion, one
character read as two or three).

A space inside the intended string stands for a word boundary: ``logprob("20thang",
"20 tháng")`` is the probability of the lost space and of the letters. The model also keeps
how often a space is lost or inserted per token (:attr:`ChannelModel.merge_logprob`,
:attr:`ChannelModel.split_logprob`).

:meth:`ChannelModel.rewrites` runs the model backwards: the likeliest *skeletons* (marks off,
lower case) of the syllables that an observed token was printed as, found by a beam search
over a trie of syllable skeletons with their corpus frequencies as prior.

One model file holds counts per OCR engine ("eng": Tesseract's English model, the legacy
damage; "vie": our own OCR); ``engine="mix"`` pools them. Loading does the only I/O.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.correct.align import NEG_INF, segment_viterbi
from pipeline.correct.orthography import skeleton
from pipeline.errors import ModelError

FORMAT = "vanthu-channel/1"
MODELS_DIR = Path(__file__).resolve().parents[2] / "models"
ENGINES = ("eng", "vie")

# Back-off classes of a one-character rewrite alpha -> beta and how many betas each holds.
CLASS_SIZES = {"same": 1, "mark": 8, "char": 60, "delete": 1, "two": 3600, "three": 216_000}
# Class shares before any training (the first round of estimation starts from these).
INITIAL_CLASS_PROBS = {
    "same": 0.85, "mark": 0.06, "char": 0.04, "delete": 0.02, "two": 0.025, "three": 0.005,
}
MIN_PAIR_COUNT = 3  # two-character segments seen fewer times are not kept
_CACHE_LIMIT = 1_000_000


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
    how often ``alpha2`` occurred in the intended text. Results are cached (mutable cache only).
    """

    single: dict[str, dict[str, int]]
    pairs: dict[str, dict[str, int]] = field(default_factory=dict)
    pair_totals: dict[str, int] = field(default_factory=dict)
    backoff: dict[str, float] = field(default_factory=lambda: dict(INITIAL_CLASS_PROBS))
    _totals: dict[str, tuple[int, int]] = field(default_factory=dict)
    _cache: dict[tuple[str, str], float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._totals = {a: (sum(b.values()), len(b)) for a, b in self.single.items()}

    @classmethod
    def from_counts(cls, single: dict, pairs: dict | None = None, totals: dict | None = None):
        """A table whose back-off class shares are estimated from the same counts."""
        return cls(single, pairs or {}, totals or {}, class_probs(single))

    def _backoff(self, alpha: str, beta: str) -> float:
        name = rewrite_class(alpha, beta)
        return self.backoff[name] / CLASS_SIZES[name]

    def lp(self, alpha: str, beta: str) -> float:
        """log P(beta | alpha) for a one-character ``alpha`` (Witten-Bell smoothed)."""
        key = (alpha, beta)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        total, types = self._totals.get(alpha, (0, 0))
        count = self.single[alpha].get(beta, 0) if total else 0
        prob = (count + types * self._backoff(alpha, beta)) / (total + types) if total else (
            self._backoff(alpha, beta)
        )
        value = math.log(prob)
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = value
        return value

    def pair_lp(self, alpha: str, beta: str) -> float:
        """log P(beta | alpha) for a learned two-character ``alpha``; -inf when not learned."""
        count = self.pairs.get(alpha, {}).get(beta, 0)
        if not count:
            return NEG_INF
        return math.log(count / self.pair_totals[alpha])

    def score(self, intended: str, observed: str) -> float:
        """log P(observed | intended) of the best partition into segments."""
        pair = self.pair_lp if self.pairs else None
        return segment_viterbi(intended, observed, self.lp, pair)[0]


def add_counts(*tables: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Sum nested count tables."""
    out: dict[str, Counter] = {}
    for table in tables:
        for alpha, betas in table.items():
            out.setdefault(alpha, Counter()).update(betas)
    return {alpha: dict(betas) for alpha, betas in out.items()}


def to_skeleton_counts(table: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Counts re-keyed by the skeleton of ``alpha`` ("ủ" and "u" both count as "u")."""
    out: dict[str, Counter] = {}
    for alpha, betas in table.items():
        out.setdefault(skeleton(alpha), Counter()).update(betas)
    return {alpha: dict(betas) for alpha, betas in out.items()}


def sum_totals(*totals: Mapping[str, int], by_skeleton: bool = False) -> dict[str, int]:
    """Sum occurrence counts, optionally re-keyed by skeleton."""
    out: Counter = Counter()
    for table in totals:
        for key, count in table.items():
            out[skeleton(key) if by_skeleton else key] += count
    return dict(out)


def default_model_path(models_dir: Path = MODELS_DIR) -> Path:
    """The newest ``channel*.json.gz`` in ``models/`` (names carry the build date)."""
    found = sorted(models_dir.glob("channel*.json.gz"))
    if not found:
        raise ModelError(
            f"no channel model (channel*.json.gz) in {models_dir}",
            hint="rebuild it with scripts/make_pairs.py and scripts/build_channel.py",
        )
    return found[-1]


def read_model_file(path: Path) -> dict[str, Any]:
    """The parsed JSON of a model file, checked for its format tag."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
    except (OSError, EOFError, json.JSONDecodeError) as exc:
        raise ModelError(f"cannot read channel model {path}: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ModelError(f"{path} is not a {FORMAT} model file")
    return data


def engine_counts(data: Mapping[str, Any], engine: str) -> list[Mapping[str, Any]]:
    """The per-engine count blocks that make up ``engine`` ("mix" pools all of them)."""
    engines = data["engines"]
    if engine == "mix":
        return list(engines.values())
    if engine not in engines:
        raise ModelError(f"channel model has no engine {engine!r}; it has {sorted(engines)}")
    return [engines[engine]]


def token_logprobs(blocks: Iterable[Mapping[str, Any]]) -> tuple[float, float]:
    """(log P(space lost after a token), log P(space inserted in a token)), add-one smoothed."""
    steps: Counter = Counter()
    for block in blocks:
        steps.update(block["token_steps"])
    tokens = max(1, steps["match"] + 2 * steps["merge"] + steps["split"] + steps["delete"])
    return math.log((steps["merge"] + 1) / (tokens + 2)), math.log((steps["split"] + 1) / (tokens + 2))


def build_tables(blocks: list[Mapping[str, Any]]) -> tuple[SegmentTable, SegmentTable]:
    """(intended-level table, skeleton-level table) from the count blocks of some engines."""
    single = add_counts(*(b["single"] for b in blocks))
    pairs = add_counts(*(b["pairs"] for b in blocks))
    totals = sum_totals(*(b["pair_totals"] for b in blocks))
    full = SegmentTable.from_counts(single, pairs, totals)
    skel = SegmentTable.from_counts(
        to_skeleton_counts(single),
        to_skeleton_counts(pairs),
        sum_totals(*(b["pair_totals"] for b in blocks), by_skeleton=True),
    )
    return full, skel


BEAM = 24  # hypotheses kept per observed position in :meth:`ChannelModel.rewrites`
BEAM_MARGIN = 14.0  # ... and only those within this many nats of the best one
CANDIDATES_PER_SEGMENT = 10  # reverse rewrites kept per observed segment
PRIOR_FLOOR = -20.0


class SkeletonSearch:
    """Backward search: observed token -> likeliest syllable skeletons that produced it.

    Hypotheses are skeleton prefixes (a trie as a set of prefixes); each step consumes an
    observed segment of 0-3 characters and appends an intended skeleton segment of 1-2
    characters with its log probability from the skeleton-level table.
    """

    def __init__(self, table: SegmentTable, skeleton_counts: Mapping[str, int]) -> None:
        total = sum(skeleton_counts.values()) or 1
        self.prior = {
            s: max(PRIOR_FLOOR, math.log(c / total)) for s, c in skeleton_counts.items() if c > 0
        }
        self.prefixes = frozenset(s[:k] for s in self.prior for k in range(1, len(s) + 1))
        self.alphabet = sorted({ch for s in self.prior for ch in s})
        self.table = table
        self.reverse = self._reverse_index()
        self._cache: dict[str, list[tuple[str, float]]] = {}

    def _reverse_index(self) -> dict[str, list[tuple[str, float]]]:
        index: dict[str, list[tuple[str, float]]] = {}
        for sigma in self.alphabet:
            for beta in set(self.table.single.get(sigma, {})) | {sigma}:
                index.setdefault(beta, []).append((sigma, self.table.lp(sigma, beta)))
        for sigma, betas in self.table.pairs.items():
            if all(ch in self.alphabet for ch in sigma):
                for beta in betas:
                    index.setdefault(beta, []).append((sigma, self.table.pair_lp(sigma, beta)))
        for beta, cands in index.items():
            cands.sort(key=lambda c: -c[1])
            del cands[CANDIDATES_PER_SEGMENT:]
        return index

    def candidates(self, beta: str) -> list[tuple[str, float]]:
        """Intended skeleton segments for an observed segment, back-off ones for unseen ones."""
        found = self.reverse.get(beta)
        if found is not None or len(beta) != 1:
            return found or []
        fallback = [(sigma, self.table.lp(sigma, beta)) for sigma in self.alphabet]
        fallback.sort(key=lambda c: -c[1])
        self.reverse[beta] = fallback[:CANDIDATES_PER_SEGMENT]
        return self.reverse[beta]

    def _extend(self, layer: dict[str, float], target: dict[str, float], beta: str) -> None:
        cands = self.candidates(beta)
        for prefix, score in layer.items():
            for sigma, lp in cands:
                word = prefix + sigma
                if word in self.prefixes and score + lp > target.get(word, NEG_INF):
                    target[word] = score + lp

    @staticmethod
    def _prune(layer: dict[str, float]) -> dict[str, float]:
        if not layer:
            return layer
        best = max(layer.values())
        kept = sorted(((s, p) for p, s in layer.items() if s > best - BEAM_MARGIN), reverse=True)
        return {p: s for s, p in kept[:BEAM]}

    def search(self, observed: str) -> list[tuple[str, float]]:
        """All complete skeletons found, best first, scored log P(obs | s) + log P(s), normalised."""
        cached = self._cache.get(observed)
        if cached is not None:
            return cached
        m = len(observed)
        layers: list[dict[str, float]] = [{} for _ in range(m + 1)]
        layers[0][""] = 0.0
        for j in range(m + 1):
            self._extend(dict(layers[j]), layers[j], "")  # intended letters OCR dropped
            layers[j] = self._prune(layers[j])
            for b in range(1, min(3, m - j) + 1):
                self._extend(layers[j], layers[j + b], observed[j : j + b])
        finals = [(s + self.prior[p], p) for p, s in layers[m].items() if p in self.prior]
        finals.sort(reverse=True)
        norm = _logsumexp([s for s, _ in finals]) if finals else 0.0
        result = [(p, s - norm) for s, p in finals]
        if len(self._cache) > _CACHE_LIMIT // 10:
            self._cache.clear()
        self._cache[observed] = result
        return result


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    return top + math.log(sum(math.exp(v - top) for v in values))


class ChannelModel:
    """P(observed OCR token | intended token) and its backward search (see module doc)."""

    __slots__ = ("engine", "info", "merge_logprob", "split_logprob", "_table", "_search", "_cache")

    def __init__(self, data: Mapping[str, Any], engine: str = "mix") -> None:
        blocks = engine_counts(data, engine)
        self.engine = engine
        self.info = {k: data.get(k) for k in ("built", "script", "pairs")}
        self._table, skeleton_table = build_tables(blocks)
        self.merge_logprob, self.split_logprob = token_logprobs(blocks)
        self._search = SkeletonSearch(skeleton_table, data["skeletons"])
        self._cache: dict[tuple[str, str], float] = {}

    @classmethod
    def load(cls, path: Path | None = None, engine: str = "mix") -> ChannelModel:
        """Load a model file (default: the newest ``models/channel*.json.gz``)."""
        return cls(read_model_file(path or default_model_path()), engine)

    def logprob(self, observed: str, intended: str) -> float:
        """log P(observed | intended) for lower-case NFC tokens; a space in ``intended`` is a
        word boundary that the OCR may have lost. ``-inf`` only for an empty ``intended`` with
        a non-empty ``observed``."""
        key = (observed, intended)
        value = self._cache.get(key)
        if value is None:
            value = self._table.score(intended, observed)
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = value
        return value

    def rewrites(self, observed: str, limit: int = 20) -> list[tuple[str, float]]:
        """Likeliest syllable skeletons behind an observed token, best first, with log
        posteriors (channel times skeleton frequency, normalised over the hypotheses found):
        "ctia" -> [("cua", ...), ...]."""
        return self._search.search(observed.lower())[:limit]


def _pair_counts(
    alignments: list[tuple[list[tuple[str, str]], int]],
) -> tuple[dict[str, dict[str, int]], dict[str, int]]:
    """Two-character segments: adjacent rewrites (not both identities) merged, and how often
    each character bigram occurs in the intended strings."""
    pairs: dict[str, Counter] = {}
    totals: Counter = Counter()
    for segments, n in alignments:
        intended = "".join(alpha for alpha, _ in segments)
        for k in range(len(intended) - 1):
            totals[intended[k : k + 2]] += n
        for (a1, b1), (a2, b2) in zip(segments, segments[1:]):
            if (a1 != b1 or a2 != b2) and len(b1) + len(b2) <= 3:
                pairs.setdefault(a1 + a2, Counter())[b1 + b2] += n
    kept = {
        alpha: {beta: c for beta, c in betas.items() if c >= MIN_PAIR_COUNT}
        for alpha, betas in pairs.items()
    }
    kept = {alpha: betas for alpha, betas in kept.items() if betas}
    return kept, {bigram: c for bigram, c in totals.items() if c >= MIN_PAIR_COUNT}


def estimate_counts(
    token_pairs: Mapping[tuple[str, str], int], iterations: int = 3
) -> dict[str, Any]:
    """Segment counts from (observed, intended) token counts by hard (Viterbi) EM.

    Round one aligns with the back-off classes alone; every later round realigns with the
    table estimated in the round before. Two-character segments come from the last round.
    """
    table = SegmentTable({})
    alignments: list[tuple[list[tuple[str, str]], int]] = []
    for _ in range(iterations):
        single: dict[str, Counter] = {}
        alignments = []
        for (observed, intended), n in token_pairs.items():
            _, segments = segment_viterbi(intended, observed, table.lp)
            for alpha, beta in segments:
                single.setdefault(alpha, Counter())[beta] += n
            alignments.append((segments, n))
        table = SegmentTable.from_counts({a: dict(c) for a, c in single.items()})
    pairs, totals = _pair_counts(alignments)
    return {"single": table.single, "pairs": pairs, "pair_totals": totals}
