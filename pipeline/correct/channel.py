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
damage; "vie": our own OCR). ``engine="mix"`` scores with an equal mixture of both channels
and searches backwards with their pooled counts; :func:`engine_for_text` tells which engine
a text looks like. Loading does the only I/O.

Where vanthu was built with a C compiler, the DP (:mod:`pipeline.correct._segments`, through
:meth:`SegmentTable.lattice`) and the backward search (:mod:`pipeline.correct._search`) run
compiled, with the same scores; the Python code here is their reference and fallback.
"""

from __future__ import annotations

import gzip
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from pipeline.correct.align import MIN_PAIR_COUNT, NEG_INF, SegmentTable, _segments, segment_viterbi
from pipeline.correct.orthography import skeleton
from pipeline.errors import ModelError
from pipeline.paths import MODELS_DIR

try:
    from pipeline.correct import _search
except ImportError:  # installed without a C compiler: SkeletonSearch searches in Python
    _search = None

COMPILED = _search is not None  # tests switch it off to run the Python search

FORMAT = "vanthu-channel/1"
ENGINES = ("eng", "vie")
_CACHE_LIMIT = 300_000  # logprob results kept (~60 MB at most)
_SEARCH_CACHE_LIMIT = 20_000  # rewrites results kept, each at most MAX_REWRITES long
MAX_REWRITES = 40

__all__ = ["ChannelModel", "default_model_path", "engine_for_text", "estimate_counts",
           "read_model_file"]


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
    missing = {"engines", "skeletons"} - set(data)
    if missing:
        raise ModelError(f"channel model {path} lacks {sorted(missing)}")
    return data


def engine_counts(data: Mapping[str, Any], engine: str) -> list[Mapping[str, Any]]:
    """The per-engine count blocks that make up ``engine`` ("mix": all of them)."""
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
    merged, split = steps["merge"] + 1, steps["split"] + 1
    return math.log(merged / (tokens + 2)), math.log(split / (tokens + 2))


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


BEAM = 16  # hypotheses kept per observed position in :meth:`ChannelModel.rewrites`
BEAM_MARGIN = 14.0  # ... and only those within this many nats of the best one
GENERIC_BEAM = 2  # the best few also try every letter for an observed character
CANDIDATES_PER_SEGMENT = 12  # learned reverse rewrites kept per observed segment
PRIOR_FLOOR = -20.0
MAX_SEARCH_LEN = 32  # longer observed tokens get no rewrites (two syllables are ~14 letters)
MAX_SCORED_LEN = 48  # longer token pairs are scored by a plain edit distance
LONG_EDIT_LP = -8.0  # log probability of one edit in that approximation


def _last(word: str) -> str:
    """The syllable being spelled: the part after the (lost) space, if any."""
    return word[word.rfind(" ") + 1 :]


class SkeletonSearch:
    """Backward search: observed token -> likeliest syllable skeletons that produced it.

    Hypotheses are skeleton prefixes, checked against a trie (a set of prefixes) of syllable
    skeletons. A step consumes 0-3 observed characters and appends an intended skeleton
    segment of 1-2 characters, scored by the skeleton-level table; besides the learned
    rewrites, the best hypotheses also try any letter for one observed character (back-off)
    and may skip one observed character (an insertion). After a complete syllable a space may
    be added at the cost of a lost word boundary ("congtac" -> "cong tac"), once per token.
    """

    def __init__(
        self, table: SegmentTable, skeleton_counts: Mapping[str, int], merge_lp: float
    ) -> None:
        total = sum(skeleton_counts.values()) or 1
        self.prior = {
            s: max(PRIOR_FLOOR, math.log(c / total)) for s, c in skeleton_counts.items() if c > 0
        }
        self.prefixes = frozenset(s[:k] for s in self.prior for k in range(1, len(s) + 1))
        self.alphabet = sorted({ch for s in self.prior for ch in s})
        self.table = table
        self.merge_lp = merge_lp
        self.insert_lp = math.log(table.backoff["two"] / table.backoff["same"] / 60)
        self.reverse = self._reverse_index()
        self._generic: dict[str, list[tuple[str, float]]] = {}
        self._cache: dict[str, list[tuple[str, float]]] = {}
        self._compiled = None  # the compiled search, made on first use (see :meth:`search`)

    def _reverse_index(self) -> dict[str, list[tuple[str, float]]]:
        index: dict[str, list[tuple[str, float]]] = {}
        for sigma in self.alphabet:
            for beta in set(self.table.single.get(sigma, {})) | {sigma}:
                index.setdefault(beta, []).append((sigma, self.table.lp(sigma, beta)))
        for sigma, betas in self.table.pairs.items():
            if all(ch in self.alphabet for ch in sigma):
                for beta in betas:
                    index.setdefault(beta, []).append((sigma, self.table.pair_lp(sigma, beta)))
        for cands in index.values():
            cands.sort(key=lambda c: -c[1])
            del cands[CANDIDATES_PER_SEGMENT:]
        return index

    def generic(self, char: str) -> list[tuple[str, float]]:
        """Every letter as the source of one observed character, by smoothed probability."""
        found = self._generic.get(char)
        if found is None:
            found = [(s, self.table.lp(s, char)) for s in self.alphabet]
            found.sort(key=lambda c: -c[1])
            self._generic[char] = found
        return found

    def _extend(
        self, layer: dict[str, float], target: dict[str, float], cands: list[tuple[str, float]]
    ) -> None:
        prefixes = self.prefixes
        for prefix, score in layer.items():
            last = _last(prefix)
            for sigma, lp in cands:
                if last + sigma in prefixes and score + lp > target.get(prefix + sigma, NEG_INF):
                    target[prefix + sigma] = score + lp

    def _spaces(self, layer: dict[str, float]) -> bool:
        """Add a lost space after every complete first syllable; True if any was added."""
        added = False
        for word, score in list(layer.items()):
            if " " not in word and word in self.prior:
                spaced = word + " "
                value = score + self.prior[word] + self.merge_lp
                if value > layer.get(spaced, NEG_INF):
                    layer[spaced] = value
                    added = True
        return added

    def _step(
        self, layer: dict[str, float], layers: list[dict[str, float]], j: int, observed: str
    ) -> None:
        """All transitions that consume observed characters from position ``j``."""
        if j < len(observed):
            top = dict(list(layer.items())[:GENERIC_BEAM])
            self._extend(top, layers[j + 1], self.generic(observed[j]))
            for word, score in top.items():
                if score + self.insert_lp > layers[j + 1].get(word, NEG_INF):
                    layers[j + 1][word] = score + self.insert_lp
        for b in range(1, min(3, len(observed) - j) + 1):
            self._extend(layer, layers[j + b], self.reverse.get(observed[j : j + b], []))

    def search(self, observed: str) -> list[tuple[str, float]]:
        """All complete skeletons found, best first, scored log P(obs | s) + log P(s)."""
        cached = self._cache.get(observed)
        if cached is not None:
            return cached
        if not observed or len(observed) > MAX_SEARCH_LEN:
            return []
        result = self._search_compiled(observed) if COMPILED else self._search_python(observed)
        if len(self._cache) > _SEARCH_CACHE_LIMIT:
            self._cache.clear()
        self._cache[observed] = result
        return result

    def _search_compiled(self, observed: str) -> list[tuple[str, float]]:
        """:meth:`_search_python` in compiled code (:mod:`pipeline.correct._search`): the same
        skeletons and scores. Its trie is built on the first search, not at load."""
        if self._compiled is None:
            self._compiled = _search.CompiledSearch(self, BEAM, BEAM_MARGIN, GENERIC_BEAM, MAX_REWRITES,
                                                    MAX_SEARCH_LEN)
        return self._compiled.search(observed)

    def _search_python(self, observed: str) -> list[tuple[str, float]]:
        m = len(observed)
        layers: list[dict[str, float]] = [{} for _ in range(m + 1)]
        layers[0][""] = 0.0
        for j in range(m + 1):
            self._extend(dict(layers[j]), layers[j], self.reverse.get("", []))  # dropped letters
            layers[j] = _prune(layers[j])
            if self._spaces(layers[j]):
                layers[j] = _prune(layers[j])
            self._step(layers[j], layers, j, observed)
        prior = self.prior
        finals = [(s + prior[_last(w)], w) for w, s in layers[m].items() if _last(w) in prior]
        finals.sort(reverse=True)
        return [(w, s) for s, w in finals[:MAX_REWRITES]]


def _prune(layer: dict[str, float]) -> dict[str, float]:
    """The best :data:`BEAM` hypotheses within :data:`BEAM_MARGIN` of the best, best first."""
    if not layer:
        return layer
    best = max(layer.values())
    kept = sorted(((s, w) for w, s in layer.items() if s > best - BEAM_MARGIN), reverse=True)
    return {w: s for s, w in kept[:BEAM]}


class ChannelModel:
    """P(observed OCR token | intended token) and its backward search (see module doc)."""

    __slots__ = ("engine", "info", "merge_logprob", "split_logprob", "_tables", "_search", "_cache")

    def __init__(self, data: Mapping[str, Any], engine: str = "mix") -> None:
        blocks = engine_counts(data, engine)
        self.engine = engine
        self.info = {k: data.get(k) for k in ("built", "script", "pairs")}
        # "mix" scores with an equal mixture of the engines (each keeps its own sharp
        # estimates) and searches backwards with their pooled skeleton-level counts.
        weight = math.log(1 / len(blocks))
        self._tables = [(weight, build_tables([block])[0]) for block in blocks]
        skeleton_table = build_tables(blocks)[1]
        self.merge_logprob, self.split_logprob = token_logprobs(blocks)
        self._search = SkeletonSearch(skeleton_table, data["skeletons"], self.merge_logprob)
        self._cache: dict[tuple[str, str], float] = {}

    @classmethod
    def load(cls, path: Path | None = None, engine: str = "mix") -> ChannelModel:
        """Load a model file (default: the newest ``models/channel*.json.gz``)."""
        return cls(read_model_file(path or default_model_path()), engine)

    def logprob(self, observed: str, intended: str) -> float:
        """log P(observed | intended) for lower-case NFC tokens; a space in ``intended`` is a
        word boundary that the OCR may have lost. ``-inf`` only for an empty ``intended`` with
        a non-empty ``observed``; pairs longer than :data:`MAX_SCORED_LEN`, or with far more
        observed than intended characters, get :data:`LONG_EDIT_LP` per character edit."""
        key = (observed, intended)
        value = self._cache.get(key)
        if value is None:
            long_pair = max(len(observed), len(intended)) > MAX_SCORED_LEN
            value = NEG_INF if long_pair else self._score(observed, intended)
            if value == NEG_INF and intended:
                value = LONG_EDIT_LP * Levenshtein.distance(observed, intended)
            if len(self._cache) > _CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = value
        return value

    def logprobs(self, observed: str, intended: list[str]) -> list[float]:
        """:meth:`logprob` of ``observed`` for each of ``intended``, scored together in compiled
        code where it was built (the same values; not kept in the pair cache)."""
        lattices = [table.lattice(observed) for _, table in self._tables]
        if len(observed) > MAX_SCORED_LEN or any(lattice is None for lattice in lattices):
            return [self.logprob(observed, word) for word in intended]
        out = _segments.mixture_scores(lattices, [weight for weight, _ in self._tables], intended)
        for k, word in enumerate(intended):
            if len(word) > MAX_SCORED_LEN:
                out[k] = NEG_INF
            if out[k] == NEG_INF and word:
                out[k] = LONG_EDIT_LP * Levenshtein.distance(observed, word)
        return out

    def _score(self, observed: str, intended: str) -> float:
        if len(self._tables) == 1:
            return self._tables[0][1].score(intended, observed)
        scores = [w + table.score(intended, observed) for w, table in self._tables]
        top = max(scores)
        if top == NEG_INF:
            return NEG_INF
        return top + math.log(sum(math.exp(v - top) for v in scores))

    def rewrites(self, observed: str, limit: int = 20) -> list[tuple[str, float]]:
        """Likeliest syllable skeletons behind an observed token, best first, each with
        log P(observed | skeleton) + log P(skeleton) (the skeleton's corpus frequency):
        "ctia" -> [("cua", ...), ...]. A skeleton may hold one space where the OCR lost a
        word boundary ("congtac" -> "cong tac"). At most :data:`MAX_REWRITES`; none for an
        empty or very long token."""
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


PAIR_GAIN = math.log(2.0)  # a pair is kept only if it is this much likelier than its parts


def _informative_pairs(
    pairs: dict[str, dict[str, int]], totals: Mapping[str, int], table: SegmentTable
) -> dict[str, dict[str, int]]:
    """The two-character segments that context makes likelier than their best split into
    one-character rewrites (the others only slow scoring down)."""
    kept: dict[str, dict[str, int]] = {}
    for alpha, betas in pairs.items():
        for beta, count in betas.items():
            split = max(
                table.lp(alpha[0], beta[:cut]) + table.lp(alpha[1], beta[cut:])
                for cut in range(len(beta) + 1)
            )
            if math.log(count / totals[alpha]) > split + PAIR_GAIN:
                kept.setdefault(alpha, {})[beta] = count
    return kept


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
    pairs = _informative_pairs(pairs, totals, table)
    return {"single": table.single, "pairs": pairs, "pair_totals": totals}


MARKED_SHARE_FOR_VIE = 0.5  # legacy OCR: ~20% of words marked (é, ô...); Vietnamese: ~85%


def engine_for_text(tokens: Iterable[str]) -> str:
    """"eng" for text that lost its marks (legacy English-model OCR), else "vie".

    Decided by the share of alphabetic tokens that carry any Vietnamese mark: real Vietnamese
    has marks on most syllables, text OCRed with an English model on very few.
    """
    words = [t for t in tokens if t.isalpha()]
    if not words:
        return "vie"
    marked = sum(skeleton(t) != t.lower() for t in words)
    return "vie" if marked / len(words) >= MARKED_SHARE_FOR_VIE else "eng"
