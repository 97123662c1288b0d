"""Candidate corrections for one observed slot, with their channel scores.

Sources, for a word-like slot: the slot itself when it is a known word; every word sharing its
skeleton (diacritics restored); the channel model's rewrites; skeletons within a small edit
distance (rapidfuzz); splits of glued tokens ("20thang", "congtac"). Each candidate is scored
by the channel model, and the best few by channel score plus unigram prior are kept. Lists are
cached per observed string in lower case, so a page costs one generation per distinct token.
"""

from __future__ import annotations

import math

import numpy as np
from dataclasses import dataclass, field
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, Protocol

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from pipeline.correct.lexicon import Lexicon
from pipeline.correct.lm import LanguageModel
from pipeline.correct.orthography import is_vietnamese_syllable, skeleton
from pipeline.correct.segment import IN_WORD_JUNK, LETTER_JUNK
from pipeline.correct.tokens import NUM, UNK, lm_tokens, normalize_token

MAX_CANDIDATES = 32  # held-out eng OCR: 24 -> 96.76%, 32 -> 96.89%, 48 -> 96.94% (slower)
MAX_SCORE_GAP = 14.0  # candidates this far (log) below the best cannot win in practice
NEAR_LIMIT = 40  # near skeletons kept per token
MAX_WORD_LENGTH = 24  # longer runs of letters are no damaged syllable pair: kept as they are
SPLIT_LOGPROB = math.log(0.01)
DIGIT_SPLIT_LOGPROB = math.log(0.2)
# A digit is a reading of a lone letter when the channel learned that misreading: learned ones
# score -5.6 ("1" -> "i") to -7.7 ("0" -> "o"), unseen ones fall back to about -13.
DIGIT_READING_FLOOR = -10.0
# Keeping a word the LM does not know: <unk> stands for every such word, so its LM probability
# is shared among very many; a word that is not even well formed costs more.
UNKNOWN_KEEP_LOGPROB = math.log(1e-4)
GARBLED_KEEP_LOGPROB = math.log(0.00002)
PRIOR_WEIGHT = 0.3
# letters printed like a digit: "l4" and "i14" may be 14 and 114, "2o" 20 (not "s6": số)
_DIGIT_LOOKALIKES = str.maketrans({"o": "0", "l": "1", "i": "1", "|": "1"})
# Everything above that shapes :meth:`CandidateGenerator.rank_readings`; part of the
# fingerprint of precomputed readings (pipeline/correct/readings.py), so that changing a
# setting makes a stored table stale rather than wrong.
GENERATOR_SETTINGS = (f"max_candidates={MAX_CANDIDATES} gap={MAX_SCORE_GAP} length={MAX_WORD_LENGTH} "
                      f"split={SPLIT_LOGPROB} digit_split={DIGIT_SPLIT_LOGPROB} prior={PRIOR_WEIGHT}")


class Readings(Protocol):
    """Precomputed :meth:`CandidateGenerator.rank_readings` results (None: not stored)."""

    def get(self, key: str) -> list[tuple[tuple[str, ...], float]] | None: ...
    def __contains__(self, key: str) -> bool: ...


class Channel(Protocol):
    def logprob(self, observed: str, intended: str) -> float: ...
    def logprobs(self, observed: str, intended: list[str]) -> list[float]: ...
    def rewrites(self, observed: str, limit: int = 20) -> list[tuple[str, float]]: ...


class Candidate(NamedTuple):
    """A reading of a slot: lower-case ``words`` (1 or 2), their LM ids and the channel score.

    ``identity`` marks the reading that keeps the slot as it is. Immutable like the frozen
    dataclasses elsewhere, but a named tuple: a first reading makes tens of thousands of
    these, and a tuple is made in a third of the time.
    """

    words: tuple[str, ...]
    ids: tuple[int, ...]
    channel: float
    identity: bool = False
    known: bool = True
    same_skeleton: bool = False
    penalty: float = 0.0


STACK_WIDTH = 3  # LM ids per reading that sets keep ready for stacking (readings have 1 to 3)


@dataclass(frozen=True, slots=True)
class CandidateSet:
    """The candidates of one observed string, with their fields as arrays for the decoder.

    ``ids`` is padded with -1 to the longest reading. ``fields`` holds channel score, penalty,
    identity and same skeleton as float columns, and ``stack_ids`` the ids in exactly
    :data:`STACK_WIDTH` columns (padded, or cut for the rare longer readings): the shapes that
    the sets of a whole text are stacked in, one concatenation each (see :meth:`stacked`,
    ``decoder.stacked_ids``).
    """

    items: tuple[Candidate, ...]
    ids: np.ndarray
    fields: np.ndarray
    stack_ids: np.ndarray

    @property
    def channel(self) -> np.ndarray:
        return self.fields[:, 0]

    @property
    def penalty(self) -> np.ndarray:
        return self.fields[:, 1]

    @property
    def identity(self) -> np.ndarray:
        return self.fields[:, 2] != 0

    @property
    def same_skeleton(self) -> np.ndarray:
        return self.fields[:, 3] != 0

    @classmethod
    def of(cls, items: tuple[Candidate, ...]) -> CandidateSet:
        # the fields as columns, in Candidate's order (a page makes thousands of these sets:
        # one pass over the tuples and fromiter take half the time of a list per field)
        n = len(items)
        _, ids, channel, identity, _, same_skeleton, penalty = zip(*items, strict=True)
        width = max(map(len, ids))
        wide = max(width, STACK_WIDTH)  # the ids padded to both widths at once
        if width == 1:
            padded = np.full((n, wide), -1, dtype=np.int64)
            padded[:, 0] = np.fromiter((row[0] for row in ids), dtype=np.int64, count=n)
        else:
            padded = np.array([row + (-1,) * (wide - len(row)) for row in ids], dtype=np.int64)
        fields = np.empty((n, 4))
        for column, values in enumerate((channel, penalty, identity, same_skeleton)):
            fields[:, column] = np.fromiter(values, float, n)
        return cls(items, padded if width == wide else padded[:, :width].copy(), fields,
                   padded if STACK_WIDTH == wide else padded[:, :STACK_WIDTH].copy())

    @classmethod
    def stacked(cls, sets: Sequence[CandidateSet]) -> CandidateSet:
        """The score fields of several sets end to end, for scoring them at once.

        Neither items nor ids are kept (empty): the result is no candidate list to index.
        """
        none = np.zeros((0, 0), dtype=np.int64)
        return cls((), none, np.concatenate([s.fields for s in sets]), none)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Candidate:
        return self.items[index]


def _near_distance(skel: str) -> int:
    """Edits allowed between a token's skeleton and a near one."""
    return 1 if len(skel) <= 3 else 2


def observed_key(text: str) -> str | None:
    """The form of an observed word slot that its readings depend on (lower case, canonical
    tone placement for syllables), or None for slots that get no readings search: digit
    runs, other scripts, overlong runs of letters."""
    lower = text.lower()
    if lower.isdigit() or not is_latin(lower) or len(lower) > MAX_WORD_LENGTH:
        return None
    return normalize_token(lower) if lower.isalpha() else lower


def is_latin(text: str) -> bool:
    """Latin letters (Vietnamese included), digits and the junk OCR leaves inside words."""
    return all(ch < "\u0250" or "\u1e00" <= ch <= "\u1eff" or ch in IN_WORD_JUNK or ch in "’`"
               for ch in text)


@dataclass
class CandidateGenerator:
    """Generates and caches candidate lists (mutable cache; the models themselves are frozen)."""

    lm: LanguageModel
    lexicon: Lexicon
    channel: Channel
    readings: Readings | None = None
    cache: dict[str, CandidateSet] = field(default_factory=dict)
    fixed_cache: dict[str, CandidateSet] = field(default_factory=dict)
    _log_prior: dict[str, float] = field(default_factory=dict)
    _unseen_prior: float = 0.0
    corpus_total: float = 1.0
    _observed_skeleton: str = ""
    _unk: int = -1
    _near: dict[str, list[str]] = field(default_factory=dict)
    _parts: dict[tuple[str, int], list[tuple[str, float]]] = field(default_factory=dict)
    _facts: dict[tuple[str, ...], tuple[tuple[int, ...], bool, float, str | None]] = field(default_factory=dict)
    _near_readings: dict[tuple[str, int], tuple[Candidate, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        total = float(sum(self.lexicon.counts.values())) + 1.0
        self.corpus_total = total
        self._log_prior = {w: math.log((c + 1) / total) for w, c in self.lexicon.counts.items()}
        self._unseen_prior = math.log(1 / total)
        self._unk = self.lm.unk
        for words in self.lexicon.by_skeleton.values():  # every one-word reading: part of loading
            for word in words:
                self._word_facts((word,))

    def for_slot(self, text: str) -> CandidateSet:
        """Candidates for an observed word-like slot (any case: they depend on its lower case,
        so "Ctia" and "CTIA" share those of "ctia")."""
        cached = self.cache.get(text)
        if cached is None:
            lower = text.lower()
            cached = self.cache.get(lower)
            if cached is None:
                cached = CandidateSet.of(self._generate(lower))
            if len(self.cache) > 200_000:
                self.cache.clear()
            self.cache[lower] = self.cache[text] = cached
        return cached

    def fixed(self, token: str) -> CandidateSet:
        """The single reading of a punctuation or number slot."""
        cached = self.fixed_cache.get(token)
        if cached is None:
            cand = Candidate((token,), (self.lm.id_of(normalize_token(token.lower())),), 0.0, True)
            cached = self.fixed_cache[token] = CandidateSet.of((cand,))
        return cached

    def single(self, cand: Candidate) -> CandidateSet:
        return CandidateSet.of((cand,))

    def _word_facts(self, words: tuple[str, ...]) -> tuple[tuple[int, ...], bool, float, str | None]:
        """What a candidate of ``words`` takes from them alone, kept per words: LM ids, whether
        the LM knows them all, the penalty for those it does not, and the skeleton of a one-word
        reading.

        LM ids are as the model was trained: "m3" is the two tokens "m" and <num>. A word of
        letters that the LM knows is its own token (vocabulary words are lower-case, canonical
        syllables: tests/correct/test_lm.py), found without normalising it again."""
        facts = self._facts.get(words)
        if facts is None:
            index = self.lm.index
            if all(w in index and w.isalpha() for w in words):
                ids = tuple(index[w] for w in words)
            else:
                ids = tuple(self.lm.id_of(normalize_token(t)) for w in words for t in lm_tokens(w))
            unknown = ids.count(self._unk)
            facts = (ids, unknown == 0, UNKNOWN_KEEP_LOGPROB * unknown, skeleton(words[0]) if len(words) == 1 else None)
            if len(self._facts) > 200_000:
                self._facts.clear()
            self._facts[words] = facts
        return facts

    def _prior(self, word: str) -> float:
        return self._log_prior.get(word, self._unseen_prior)

    def _generate(self, text: str) -> tuple[Candidate, ...]:
        lower = observed_key(text)
        if lower is None:
            lower = text.lower()
            if lower.isdigit():
                return self._number(lower)
            return (Candidate((lower,), (self.lm.id_of(UNK),), 0.0, True),)
        ranked = self.readings.get(lower) if self.readings is not None else None
        if ranked is None:
            ranked = self.rank_readings(lower)
        out = self._candidates(lower, ranked)
        if not any(c.identity for c in out):
            out.append(self._keep_unknown(lower))
        return tuple(out) + self._digit_readings(lower) + self._lookalike_number(lower)

    def _digit_readings(self, lower: str) -> tuple[Candidate, ...]:
        """A lone letter the channel model has seen a digit printed as ("1" read "I" or "l",
        "0" read "o"): the digit is a reading too, for the LM to weigh ("khoản I" -> "khoản 1";
        "Phụ lục I" stays). The mirror of the word readings of lone digits (:meth:`_number`)."""
        if len(lower) != 1 or not lower.isalpha():
            return ()
        scored = [(d, self.channel.logprob(lower, d)) for d in "0123456789"]
        return tuple(Candidate((d,), (self.lm.id_of(NUM),), score, False)
                     for d, score in scored if score > DIGIT_READING_FLOOR)

    def _lookalike_number(self, lower: str) -> tuple[Candidate, ...]:
        """A number with letters in it that OCR reads for digits of the same shape ("l4",
        "2o", "i14"): the number is a reading too, for the LM to weigh ("ngày l4 tháng")."""
        digits = lower.translate(_DIGIT_LOOKALIKES)
        if digits == lower or not digits.isdigit() or not any(ch.isdigit() for ch in lower):
            return ()
        return (Candidate((digits,), (self.lm.id_of(NUM),), self.channel.logprob(lower, digits), False),)

    def rank_readings(self, lower: str) -> list[tuple[tuple[str, ...], float]]:
        """The best readings of an observed key (see :func:`observed_key`) with their channel
        scores, best first by channel score plus weighted unigram prior: at most
        :data:`MAX_CANDIDATES`, none more than :data:`MAX_SCORE_GAP` below the best.

        This is the expensive part of candidate generation (channel scoring); its results
        for frequent tokens can be precomputed (:mod:`pipeline.correct.readings`).
        """
        self._observed_skeleton = skeleton(lower)
        scored = self._single_words(lower)
        scored.update(self._splits(lower))
        return self._best(scored)

    def _best(self, scored: dict[tuple[str, ...], float]) -> list[tuple[tuple[str, ...], float]]:
        """Readings best first by channel score plus weighted unigram prior: at most
        :data:`MAX_CANDIDATES`, none more than :data:`MAX_SCORE_GAP` below the best."""
        prior, unseen = self._log_prior, self._unseen_prior
        # equal totals by words: the candidates come from sets, whose order changes between runs
        ranked = sorted((-(score + PRIOR_WEIGHT * prior.get(words[0], unseen)), words, score)
                        for words, score in scored.items())
        if not ranked:
            return []
        floor = -ranked[0][0] - MAX_SCORE_GAP
        return [(words, score) for negated, words, score in ranked[:MAX_CANDIDATES] if -negated >= floor]

    def near_readings(self, letters: str, distance: int) -> tuple[Candidate, ...]:
        """The one-word readings of ``letters`` whose skeleton is at most ``distance`` edits
        from theirs, ranked like :meth:`rank_readings` among themselves (kept per call).

        What the split repair needs of a pair of tokens read as one syllable: the words of
        :meth:`_single_words` close to the letters, without scoring the glued-token splits and
        the distant words that it then throws away (a sixth of the corrector's time on legacy
        OCR went there)."""
        lower = observed_key(letters) or letters.lower()
        found = self._near_readings.get((lower, distance))
        if found is None:
            skel = skeleton(lower)
            scored = self._single_words(lower, lambda sk: Levenshtein.distance(sk, skel) <= distance)
            found = tuple(self._candidates(lower, self._best(scored)))
            if len(self._near_readings) > 100_000:
                self._near_readings.clear()
            self._near_readings[lower, distance] = found
        return found

    def _number(self, digits: str) -> tuple[Candidate, ...]:
        """A number, or for one or two digits also the words OCR may have read as digits (6: có)."""
        number = Candidate((digits,), (self.lm.id_of(NUM),), self.channel.logprob(digits, digits), True)
        if len(digits) > 2:
            return (number,)
        ranked = self.readings.get(digits) if self.readings is not None else None
        if ranked is None:
            ranked = self.number_readings(digits)
        self._observed_skeleton = digits
        return (number, *(self._candidate(words, score, False) for words, score in ranked))

    def number_readings(self, digits: str) -> list[tuple[tuple[str, ...], float]]:
        """The words OCR may have read as these one or two digits, with their channel scores,
        best first (equal scores by word); precomputed with the other readings."""
        words = {w for sk, _ in self.channel.rewrites(digits, limit=10) if sk.isalpha()
                 for w in self.lexicon.words_for(sk)}
        scored = sorted(((w, self.channel.logprob(digits, w)) for w in words), key=lambda kv: (-kv[1], kv[0]))
        return [((w,), score) for w, score in scored[:MAX_CANDIDATES]]

    def _candidates(self, lower: str, ranked: list[tuple[tuple[str, ...], float]]) -> list[Candidate]:
        """The candidates of observed key ``lower`` from its ranked readings (the reading that
        is ``lower`` itself keeps it as it is): :meth:`_candidate` for each, in one loop, as a
        first page makes thousands."""
        self._observed_skeleton = observed = skeleton(lower)
        kept, facts = (lower,), self._facts
        out = []
        for words, score in ranked:
            ids, known, penalty, skel = facts.get(words) or self._word_facts(words)
            out.append(Candidate(words, ids, score, words == kept, known, skel == observed, penalty))
        return out

    def _candidate(self, words: tuple[str, ...], score: float, identity: bool) -> Candidate:
        """A candidate; words the LM only knows as <unk> pay for sharing its probability."""
        ids, known, penalty, skel = self._word_facts(words)
        return Candidate(words, ids, score, identity, known, skel == self._observed_skeleton, penalty)

    def _keep_unknown(self, lower: str) -> Candidate:
        # a long run of letters and digits may be a code or a foreign word; not a number with
        # look-alike letters in it ("2o24")
        plausible = is_vietnamese_syllable(lower) or lower in LETTER_JUNK or (
            lower.isalnum() and len(lower) > 3 and not self._lookalike_number(lower))
        cand = self._candidate((lower,), 0.0, True)
        return cand if plausible else cand._replace(penalty=cand.penalty + GARBLED_KEEP_LOGPROB)

    def _single_words(self, lower: str, wanted: Callable[[str], bool] | None = None) -> dict[tuple[str, ...], float]:
        """One-word readings: same skeleton, channel rewrites, fuzzy skeleton neighbours (only
        the skeletons ``wanted``, if given)."""
        skel = skeleton(lower)
        skeletons = {skel}
        skeletons.update(s for s, _ in self.channel.rewrites(lower, limit=20))
        if self._wants_near(lower, skel):
            skeletons.update(self._near_skeletons(skel))
        words = [word for sk in skeletons if wanted is None or wanted(sk) for word in self.lexicon.words_for(sk)]
        return {(word,): score for word, score in zip(words, self.channel.logprobs(lower, words), strict=True)}

    def _wants_near(self, lower: str, skel: str) -> bool:
        """Whether the readings of ``lower`` include skeletons near its own (unknown skeletons,
        letters mixed with other characters)."""
        return len(skel) >= 2 and (skel not in self.lexicon.by_skeleton or not lower.isalpha())

    def _near_skeletons(self, skel: str) -> list[str]:
        """Syllable skeletons within 1 (3 letters or fewer) or 2 edits of ``skel``, closest
        first, at most 40; kept per skeleton (see :meth:`prepare`)."""
        found = self._near.get(skel)
        if found is None:
            found = [s for s, _, _ in process.extract(skel, self.lexicon.skeletons, scorer=Levenshtein.distance,
                                                      score_cutoff=_near_distance(skel), limit=NEAR_LIMIT)]
            self._keep_near(skel, found)
        return found

    def _keep_near(self, skel: str, found: list[str]) -> None:
        if len(self._near) > 100_000:
            self._near.clear()
        self._near[skel] = found

    def prepare(self, texts: Iterable[str]) -> None:
        """Find the near skeletons of every token among ``texts`` whose readings will be ranked
        (see :meth:`rank_readings`) in one rapidfuzz call: it costs about a sixth of as many
        calls, most of a call being the preparation of the 4,600 skeletons. The same neighbours,
        in the same order, as :meth:`_near_skeletons` finds one by one."""
        wanted: dict[str, None] = {}
        for text in dict.fromkeys(texts):  # a page repeats most of its words
            if text in self.cache:
                continue
            lower = text.lower()
            key = observed_key(lower)
            if lower in self.cache or key is None or (self.readings is not None and key in self.readings):
                continue
            skel = skeleton(key)
            if self._wants_near(key, skel) and skel not in self._near:
                wanted[skel] = None
        if not wanted:
            return
        queries = list(wanted)
        distances = process.cdist(queries, self.lexicon.skeletons, scorer=Levenshtein.distance, score_cutoff=2,
                                  workers=1)
        for skel, row in zip(queries, distances, strict=True):
            near = np.flatnonzero(row <= _near_distance(skel))
            near = near[np.lexsort((near, row[near]))][:NEAR_LIMIT]  # closest first, then in order
            self._keep_near(skel, [self.lexicon.skeletons[k] for k in near.tolist()])

    def _part_words(self, part: str, limit: int) -> list[tuple[str, float]]:
        """Best words for one side of a split: same skeleton, else the channel's rewrites (kept
        per part: the same short parts, "ng" or "thi", end many tokens)."""
        found = self._parts.get((part, limit))
        if found is None:
            found = self._rank_part(part)[:limit]
            if len(self._parts) > 100_000:
                self._parts.clear()
            self._parts[part, limit] = found
        return found

    def _rank_part(self, part: str) -> list[tuple[str, float]]:
        skeletons = [skeleton(part)]
        if skeletons[0] not in self.lexicon.by_skeleton:
            skeletons = [sk for sk, _ in self.channel.rewrites(part, limit=3)]
        found = [w for sk in skeletons for w in self.lexicon.words_for(sk)]
        words = list(zip(found, self.channel.logprobs(part, found), strict=True))
        words.sort(key=lambda kv: -(kv[1] + PRIOR_WEIGHT * self._prior(kv[0])))
        return words

    def _split_score(self, lower: str, left: tuple[str, str, float], right: tuple[str, str, float]) -> float:
        """Channel score of reading ``lower`` as two words: both sides and a lost space.

        (The learned channel can score the pair with its space directly; measured, that made
        more wrong splits than this product, so it is not used.)
        """
        return left[2] + right[2] + SPLIT_LOGPROB

    def _splits(self, lower: str) -> dict[tuple[str, ...], float]:
        """Two-word readings of a glued token: digits|letters, or two words."""
        out: dict[tuple[str, ...], float] = {}
        if len(lower) < 3 or (self.lexicon.is_known(lower) and lower.isalpha()):
            return out
        for cut in range(1, len(lower)):
            left, right = lower[:cut], lower[cut:]
            if left.isdigit() and right.isalpha():
                for word, score in self._part_words(right, 3):
                    out[(left, word)] = score + DIGIT_SPLIT_LOGPROB
            elif not left.isdigit() and not right.isdigit() and min(len(left), len(right)) >= 2:
                for lw, ls in self._part_words(left, 2):
                    for rw, rs in self._part_words(right, 2):
                        out[(lw, rw)] = self._split_score(lower, (left, lw, ls), (right, rw, rs))
        return out
