"""Syllables that OCR or typesetting cut in two, read again as one.

Two kinds of cut:

* a stray space inside a syllable ("tr ong", "cô ng tác", "Ủ y ban"). Wherever two adjacent
  words of a line are one space apart and their letters end to end read as a syllable
  (through the corrector's own candidates, so marks may be repaired: "cô nq" -> "công"),
  the merged reading is weighed against the two words actually chosen, between the same
  neighbours, with the same score as the decoder (language model, channel, keep bonus) plus
  the channel model's probability of an inserted space (``split_logprob``). Only winning
  merges are decoded again, as one slot: real two-syllable sequences ("an ninh") never
  merge, since their letters are no syllable, and text that needs no merge decodes exactly
  as before.
* a word hyphenated across a line end ("phát tri-" / "ển kinh tế"). A hyphen glued to the
  last word of a line, followed by a lower-case word at the start of the next line, is a
  line-break hyphen when the two pieces read as one syllable; the syllable is then decoded
  as one slot. Symbols cut at a line end ("số 20-" / "KH/UBND"), numbers, list dashes and
  real hyphens between words ("kinh tế-" / "xã hội": no syllable) are left alone.

A joined slot stands for its parts in the decoder; :class:`Join` remembers them so that the
output keeps every line: the syllable is printed where its first part was (without the
hyphen) and the continuation is removed from the start of the next line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.correct.candidates import SPLIT_LOGPROB, Candidate, CandidateGenerator, CandidateSet
from pipeline.correct.decoder import DecoderSettings, local_scores, slot_scores
from pipeline.correct.lm import LanguageModel
from pipeline.correct.orthography import is_vietnamese_syllable, skeleton
from pipeline.correct.segment import Slot
from pipeline.correct.tokens import normalize_token

MAX_SYLLABLE_LETTERS = 8  # "nghiêng" has 7; one more for a letter the OCR doubled
MAX_FRAGMENT_LETTERS = 2  # a damaged piece of a syllable ("nq", "ực") tried beyond exact skeletons
MAX_SKELETON_DISTANCE = 1  # a merged reading repairs marks and at most one letter ("cô nq")


@dataclass(frozen=True, slots=True)
class Join:
    """One slot read in place of ``parts`` (word slots); ``hyphen`` the line-end hyphen, if any.

    ``slot`` spans its first part to the last part on the same line (or to the hyphen), and
    its text is the letters of the parts end to end: what the candidates are generated from.
    """

    slot: Slot
    parts: tuple[Slot, ...]
    hyphen: Slot | None = None

    @property
    def continuation(self) -> Slot | None:
        """The part carried to the next line (hyphenated words), else None."""
        return self.parts[-1] if self.hyphen is not None else None


def one_word_case(head: str, tail: str) -> bool:
    """Letters that can be one printed word: the tail in lower case, or both in capitals
    ("Ủ" + "y", "CÔ" + "NG"; not "khu" + "C", where C is a label)."""
    return tail.islower() or (head.isupper() and tail.isupper())


def joined_slot(parts: Sequence[Slot], end: int) -> Slot:
    """The slot the decoder reads for ``parts``: from the first part to column ``end`` of
    its line, with the letters of all parts as its text."""
    first = parts[0]
    return Slot(first.line, first.start, end, "".join(p.text for p in parts), True, first.line_initial)


def merged_readings(generator: CandidateGenerator, text: str) -> CandidateSet | None:
    """The one-syllable readings of the letters ``text`` (parts end to end), or None.

    The readings of ``text`` that are known Vietnamese syllables whose skeleton is at most one
    letter from that of ``text``: marks may be repaired, the letters hardly changed.
    """
    if not text.isalpha() or len(text) > MAX_SYLLABLE_LETTERS:
        return None
    keep = tuple(c for c in generator.near_readings(text, MAX_SKELETON_DISTANCE)
                 if c.known and is_vietnamese_syllable(c.words[0]))
    return CandidateSet.of(keep) if keep else None


# --- words hyphenated across a line end -------------------------------------------------------


def _starts_token(slot: Slot, line: str) -> bool:
    """The slot is a whole token: nothing but space before it ("20-KH" and "QĐ-" are codes)."""
    return slot.start == 0 or line[slot.start - 1].isspace()


def _is_line_break_hyphen(lines: list[str], head: Slot, dash: Slot, tail: Slot) -> bool:
    """``head`` + "-" end a line, ``tail`` begins the next one, and all look like word pieces."""
    line = lines[head.line]
    return (dash.text == "-" and dash.start == head.end and dash.line == head.line
            and not line[dash.end:].strip() and tail.line == head.line + 1 and tail.line_initial
            and head.text.isalpha() and tail.text.isalpha() and _starts_token(head, line)
            and one_word_case(head.text, tail.text))


def hyphen_joins(lines: list[str], slots: list[Slot], generator: CandidateGenerator,
                 symbols: set[int] = frozenset()) -> tuple[list[Slot], dict[Slot, Join]]:
    """A paragraph's slots with each line-break hyphenated word as one joined slot.

    ``symbols``: indexes of slots inside a document symbol, never joined. Returns the new
    slot list and the joins by joined slot.
    """
    out: list[Slot] = []
    joins: dict[Slot, Join] = {}
    i = 0
    while i < len(slots):
        window = slots[i : i + 3]
        if (len(window) == 3 and not symbols & {i, i + 2} and _is_line_break_hyphen(lines, *window)
                and merged_readings(generator, window[0].text + window[2].text) is not None):
            head, dash, tail = window
            slot = joined_slot((head, tail), dash.end)
            joins[slot] = Join(slot, (head, tail), dash)
            out.append(slot)
            i += 3
            continue
        out.append(slots[i])
        i += 1
    return out, joins


# --- syllables split by a stray space ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Merge:
    """Slots ``index`` and ``index + 1`` of a unit read as one syllable, and the score gain."""

    index: int
    readings: CandidateSet
    gain: float


def split_cost(channel: object, settings: DecoderSettings) -> float:
    """Score of one inserted space, weighted like the channel: the channel model's estimate
    when it has one, else the generator's constant for a lost space."""
    return settings.channel_weight * getattr(channel, "split_logprob", SPLIT_LOGPROB)


def _mergeable(lines: list[str], left: Slot, right: Slot) -> bool:
    """Two words of one line, exactly one space apart, letters only (no code, no number),
    in the case of one word."""
    return (left.line == right.line and right.start == left.end + 1 and lines[left.line][left.end] == " "
            and left.is_word and right.is_word and left.text.isalpha() and right.text.isalpha()
            and one_word_case(left.text, right.text))


def _worth_trying(generator: CandidateGenerator, left: str, right: str) -> bool:
    """Cheap test before generating readings: the letters end to end have the skeleton of a
    known word (only marks to repair), or one part is a fragment that is no word ("cô nq":
    the OCR may have damaged a letter too). Generating readings for every pair with an
    unknown part would slow the corrector down fourfold on text stripped of marks."""
    known = generator.lexicon.is_known
    return skeleton(left + right) in generator.lexicon.by_skeleton or any(
        len(part) <= MAX_FRAGMENT_LETTERS and not known(normalize_token(part.lower())) for part in (left, right))


def merge_pairs(lines: list[str], unit: list[Slot], generator: CandidateGenerator,
                fixed: set[int]) -> list[tuple[int, str]]:
    """(index, letters end to end) of each pair of slots of a unit worth reading as one
    syllable (see :func:`merge_sites`)."""
    pairs = []
    for i in range(len(unit) - 1):
        left, right = unit[i], unit[i + 1]
        if i in fixed or i + 1 in fixed or not _mergeable(lines, left, right):
            continue
        if len(left.text) + len(right.text) > MAX_SYLLABLE_LETTERS:
            continue
        if _worth_trying(generator, left.text, right.text):
            pairs.append((i, left.text + right.text))
    return pairs


def merge_sites(lines: list[str], unit: list[Slot], generator: CandidateGenerator,
                fixed: set[int], pairs: list[tuple[int, str]] | None = None) -> list[tuple[int, CandidateSet]]:
    """(index, merged readings) of each pair of slots of a unit that could be one syllable.

    ``fixed``: indexes of slots with a single reading (codes, numerals, abbreviations), which
    are never merged. ``pairs``: :func:`merge_pairs` of the unit, if already found.
    """
    sites = []
    for i, text in merge_pairs(lines, unit, generator, fixed) if pairs is None else pairs:
        readings = merged_readings(generator, text)
        if readings is not None:
            sites.append((i, readings))
    return sites


def _context(lm: LanguageModel, cands: list[CandidateSet], chosen: list[int], i: int) -> tuple[np.ndarray, np.ndarray]:
    """The two LM ids before slot ``i`` and the two after slot ``i + 1`` on the chosen path."""
    before = [lm.eos, lm.bos] + [w for c, k in zip(cands[:i], chosen[:i], strict=True) for w in c[k].ids]
    after = [w for c, k in zip(cands[i + 2 :], chosen[i + 2 :], strict=True) for w in c[k].ids] + [lm.eos, -1]
    return np.array(before[-2:], dtype=np.int64), np.array(after[:2], dtype=np.int64)


def _pair_reading(cands: list[CandidateSet], chosen: list[int], i: int) -> CandidateSet:
    """The two chosen readings of slots i, i + 1 as one candidate with no score of its own."""
    ids = cands[i][chosen[i]].ids + cands[i + 1][chosen[i + 1]].ids
    return CandidateSet.of((Candidate(("",), ids, 0.0),))


def _slot_score(cands: CandidateSet, index: int, settings: DecoderSettings) -> float:
    return float(slot_scores(cands, settings)[index])


def _merged_scores(scores: np.ndarray, readings: CandidateSet, settings: DecoderSettings, cost: float) -> np.ndarray:
    """Decoder scores of merged readings as readings of the two printed tokens: each pays
    ``cost`` for the stray space, and one that prints their letters unchanged keeps both
    tokens, so it has the keep bonus of the second one too (the decoder gave it the first)."""
    second_keep = np.where(readings.identity, settings.trust * settings.keep_bonus, 0.0)
    return scores + cost + second_keep


def weigh_merges(lm: LanguageModel, cands: list[CandidateSet], chosen: list[int],
                 sites: list[tuple[int, CandidateSet]], settings: DecoderSettings, cost: float) -> list[Merge]:
    """The sites where the best merged reading beats the two readings the decoder chose.

    Both are scored between the same chosen neighbours, as the decoder scores a path, the
    merged readings as :func:`_merged_scores` says; sites that overlap keep the larger gain.
    """
    if not sites:
        return []
    contexts, following, sets, own = [], [], [], []
    for i, readings in sites:
        before, after = _context(lm, cands, chosen, i)
        contexts += [before, before]
        following += [after, after]
        sets += [readings, _pair_reading(cands, chosen, i)]
        own.append(_slot_score(cands[i], chosen[i], settings) + _slot_score(cands[i + 1], chosen[i + 1], settings))
    scores = local_scores(lm, np.array(contexts), np.array(following), sets, settings)
    wins = []
    for k, (i, readings) in enumerate(sites):
        merged = _merged_scores(scores[2 * k], readings, settings, cost).max()
        wins.append(Merge(i, readings, float(merged - scores[2 * k + 1][0] - own[k])))
    return _without_overlaps([m for m in wins if m.gain > 0])


def _without_overlaps(merges: list[Merge]) -> list[Merge]:
    taken: set[int] = set()
    out = []
    for merge in sorted(merges, key=lambda m: -m.gain):
        if not taken & {merge.index, merge.index + 1}:
            taken |= {merge.index, merge.index + 1}
            out.append(merge)
    return sorted(out, key=lambda m: m.index)


def apply_merges(unit: list[Slot], cands: list[CandidateSet], merges: list[Merge]
                 ) -> tuple[list[Slot], list[CandidateSet], dict[Slot, Join]]:
    """The unit with each merged pair as one joined slot whose candidates are its readings."""
    starts = {m.index: m for m in merges}
    slots_out: list[Slot] = []
    cands_out: list[CandidateSet] = []
    joins: dict[Slot, Join] = {}
    i = 0
    while i < len(unit):
        merge = starts.get(i)
        if merge is None:
            slots_out.append(unit[i])
            cands_out.append(cands[i])
            i += 1
            continue
        parts = (unit[i], unit[i + 1])
        slot = joined_slot(parts, parts[1].end)
        joins[slot] = Join(slot, parts)
        slots_out.append(slot)
        cands_out.append(merge.readings)
        i += 2
    return slots_out, cands_out, joins
