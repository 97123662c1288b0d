"""The corrector's public API: ``load_models()`` and ``correct(text) -> Correction``."""

from __future__ import annotations

import json
import math
import re
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from pipeline.correct.candidates import Candidate, CandidateGenerator, CandidateSet, Channel, is_latin
from pipeline.correct.channel import ChannelModel
from pipeline.correct.batch_decoder import decode_many
from pipeline.correct import decoder
from pipeline.correct.decoder import DecoderSettings, local_scores, stacked_ids
from pipeline.correct.fallback_channel import EditDistanceChannel
from pipeline.correct.lexicon import DICTIONARIES_DIR, Lexicon, load_lexicon
from pipeline.correct.lm import LanguageModel, load_language_model
from pipeline.correct.numerals import sequence_numerals
from pipeline.correct.readings import ReadingTable, load_readings, models_fingerprint
from pipeline.correct.rejoin import (Join, apply_merges, hyphen_joins, merge_pairs, merge_sites, split_cost,
                                     weigh_merges)
from pipeline.correct.orthography import canonical_tone_placement, has_marks, is_vietnamese_syllable, skeleton
from pipeline.correct.segment import CONTROL_CHARACTERS, Slot, normalize_input, paragraphs, sentences
from pipeline.correct.tokens import SYM, normalize_token
from pipeline.errors import ModelError
from pipeline.paths import MODELS_DIR

if TYPE_CHECKING:  # the extractor is imported when symbols are first searched
    from pipeline.extract.symbols import Symbol

CACHE_MIN_COUNT = 2  # a word the first pass chose once does not recur: no cache bonus
TRUSTED = 0.5  # above this trust the text is taken as it stands; no document cache
# (nor on text stripped of all marks, where it measured no gain for twice the decoding time)


@dataclass(frozen=True, slots=True)
class CorrectorSettings:
    """Decoder weights; ``keep_bonus`` is reached on text whose words mostly carry marks."""

    channel_weight: float = 0.7  # chosen on held-out eng/vie OCR pairs (c, e), not on the seed
    keep_bonus: float = 6.0
    beam: int = 8
    cache_weight: float = 0.1  # held-out eng OCR pages: flat from 0.05 to 0.4


@dataclass(frozen=True, slots=True)
class Edit:
    """One change: ``line`` 1-based, ``column`` 0-based in the input line, ``confidence`` 0-1."""

    line: int
    column: int
    original: str
    correction: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...]

    def to_dict(self) -> dict:
        data = asdict(self)
        data["alternatives"] = [list(a) for a in self.alternatives]
        return data


@dataclass(frozen=True, slots=True)
class Correction:
    """The corrected text (same number of lines as the input), the input, and the edit log."""

    text: str
    original: str
    edits: tuple[Edit, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Models:
    """Everything the corrector loads once: LM, lexicon, channel model, candidate cache."""

    lm: LanguageModel
    lexicon: Lexicon
    channel: Channel
    channel_name: str
    generator: CandidateGenerator
    settings: CorrectorSettings
    readings_name: str = "none"


def edits_to_jsonl(edits: tuple[Edit, ...] | list[Edit]) -> str:
    """One JSON object per edit and line (UTF-8 text, not ASCII-escaped)."""
    return "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in edits)


def newest(directory: Path, pattern: str) -> Path:
    found = sorted(directory.glob(pattern))
    if not found:
        raise ModelError(f"no {pattern} in {directory}", hint="build it with: python scripts/build_models.py")
    return found[-1]


def _load_readings(lm_path: Path, channel_path: Path, dictionaries_dir: Path) -> tuple[ReadingTable | None, str]:
    """The newest precomputed readings table if it was computed from exactly these models."""
    paths = sorted(lm_path.parent.glob("readings-*.npz"))
    if not paths:
        return None, "none (no models/readings-* file)"
    table = load_readings(paths[-1])
    if table.meta.get("fingerprint") != models_fingerprint(lm_path, channel_path, dictionaries_dir):
        return None, f"none ({paths[-1].name} was computed from other models: rebuild it)"
    return table, f"{paths[-1].name} ({len(table):,} tokens)"


def _load_channel(models_dir: Path) -> tuple[Channel, str]:
    """The learned channel model when present, else the edit-distance fallback."""
    paths = sorted(models_dir.glob("channel*.json.gz"))
    if not paths:
        return EditDistanceChannel(), "fallback edit distance (no models/channel* file)"
    return ChannelModel.load(paths[-1]), paths[-1].name


@lru_cache(maxsize=4)
def load_models(models_dir: Path = MODELS_DIR, dictionaries_dir: Path = DICTIONARIES_DIR,
                settings: CorrectorSettings = CorrectorSettings(), use_channel: bool = True) -> Models:
    """Load (once per arguments) the language model, dictionaries and channel model."""
    lm_path = newest(models_dir, "lm-trigram-*.npz")
    lm = load_language_model(lm_path)
    lexicon = load_lexicon(lm, dictionaries_dir)
    readings, readings_name = None, "none (no learned channel)"
    if use_channel:
        channel, name = _load_channel(models_dir)
        if isinstance(channel, ChannelModel):
            readings, readings_name = _load_readings(lm_path, models_dir / name, dictionaries_dir)
    else:
        channel, name = EditDistanceChannel(), "fallback edit distance (asked for)"
    generator = CandidateGenerator(lm, lexicon, channel, readings)
    return Models(lm, lexicon, channel, name, generator, settings, readings_name)


def reliable_share(slots: list[Slot], lexicon: Lexicon) -> float:
    """Share of word slots (2+ letters) that carry marks and are known words as they stand.

    About 0.85 in clean text, 0.05 in legacy English-model OCR, 0 in text stripped of marks:
    how far the words of this text can be trusted as they are.
    """
    words = [s.text.lower() for s in slots if s.is_word and s.text.isalpha() and len(s.text) > 1]
    good = sum(1 for w in words if has_marks(w) and lexicon.is_known(normalize_token(w)))
    return good / len(words) if words else 0.0


def marked_share(slots: list[Slot]) -> float:
    """Share of word slots (2+ letters) with any mark: ~0.85 in Vietnamese, 0 when stripped."""
    words = [s.text for s in slots if s.is_word and s.text.isalpha() and len(s.text) > 1]
    return sum(map(has_marks, words)) / len(words) if words else 0.0


def decoder_settings(settings: CorrectorSettings, slots: list[Slot], lexicon: Lexicon) -> DecoderSettings:
    """Keep bonus from 0 (untrustworthy or stripped text) to full (clean text); stripped mode."""
    scale = min(max((reliable_share(slots, lexicon) - 0.15) / 0.45, 0.0), 1.0)
    stripped = len(slots) > 0 and marked_share(slots) < 0.03
    return DecoderSettings(settings.channel_weight, settings.keep_bonus, settings.beam, stripped, scale)


@dataclass(frozen=True, slots=True)
class SymbolSpan:
    """Columns of a document symbol on its line; ``code``: the columns of its type code and
    the code's official spelling, where the text has it otherwise ("QP" for "QĐ")."""

    start: int
    end: int
    code: tuple[int, int, str] | None = None


_SYMBOL_GROUP = re.compile(r"[^\W_]+")


def symbol_spans(lines: list[str]) -> list[list[SymbolSpan]]:
    """Per line, the document symbols on it ("16-KH/BDVHU-UBND").

    Symbols are found as the extractor finds them, on the text as it stands; once per text,
    for the hyphen joins and the candidates alike.
    """
    from pipeline.extract.symbols import find_symbols

    spans = []
    for index, line in enumerate(lines):
        # a symbol cut at the line end ("số 20-" / "KH/BDVHU-UBND") is searched joined
        carried = _carried_symbol_start(lines[index - 1]) if index > 0 else ""
        shift = len(carried)
        spans.append([SymbolSpan(sym.start - shift, sym.end - shift, _type_code_fix(sym, shift))
                      for sym in find_symbols(carried + line)])
    return spans


def _type_code_fix(symbol: Symbol, shift: int) -> tuple[int, int, str] | None:
    """Columns and official spelling of a symbol's type code where the text spells it
    otherwise: OCR look-alikes the extractor settles ("436/QP-UBND" is 436/QĐ-UBND).
    Only with an issuer after it: a lone group may be the issuer ("2203/QP": Quốc phòng)."""
    code = symbol.type_code
    groups = list(_SYMBOL_GROUP.finditer(symbol.raw))
    at = 2 if symbol.system == "normative" else 1  # after the number (and the year)
    if (code is None or not code.isupper() or not symbol.issuer_groups or len(groups) <= at + 1
            or groups[at].group() == code):
        return None
    start = symbol.start - shift + groups[at].start()
    return (start, start + len(groups[at].group()), code) if start >= 0 else None


def symbol_slots(spans: list[list[SymbolSpan]], slots: list[Slot]) -> set[int]:
    """Indexes of the slots that lie inside a document symbol (``spans``: :func:`symbol_spans`).

    The groups of a symbol are codes, not syllables: "VX" must not become "VÀ", nor "KH"
    "KHỰ".
    """
    return {i for i, s in enumerate(slots)
            if any(span.start <= s.start and s.end <= span.end for span in spans[s.line])}


def type_code_fixes(spans: list[list[SymbolSpan]], slots: list[Slot]) -> dict[int, str]:
    """Index -> official spelling, for the slots that are a misread symbol type code."""
    return {i: span.code[2] for i, s in enumerate(slots) for span in spans[s.line]
            if span.code is not None and (s.start, s.end) == span.code[:2]}


def _carried_symbol_start(previous: str) -> str:
    """The last token of a line when it ends the way a cut symbol does ("20-", "436/QĐ-")."""
    tail = previous.rstrip().rsplit(None, 1)[-1] if previous.strip() else ""
    return tail if tail[:1].isdigit() and tail.endswith(("-", "/")) else ""


def _code_candidates(models: Models, slot: Slot) -> CandidateSet:
    """A symbol's group keeps its letters, or becomes an official abbreviation it was
    misread from ("QP" -> "QĐ"); digits stay digits."""
    if not slot.is_word or any(ch.isdigit() for ch in slot.text):
        return models.generator.fixed(slot.text)
    full = models.generator.for_slot(slot.text)
    keep = tuple(c for c in full.items if c.identity or
                 (len(c.words) == 1 and c.words[0] in models.lexicon.abbreviations))
    return CandidateSet.of(keep) if keep else models.generator.fixed(slot.text)


_VOWELS = frozenset("aeiouyăâêôơư")


def _abbreviation_like(text: str, lexicon: Lexicon) -> bool:
    """Capitals with no vowel at all ("TM", "KT", "PCT", "HĐND", "TTg") are abbreviations:
    legacy OCR drops marks but keeps vowels. Two letters must be a known abbreviation, since
    a damaged short word can lose its vowel too ("Tổ" read "TH")."""
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) == 2 and text.lower() not in lexicon.abbreviations:
        return False
    return (len(letters) >= 2 and letters[0].isupper() and sum(ch.isupper() for ch in letters) >= len(letters) - 1
            and not any(ch.isdigit() for ch in text)
            and not any(skeleton(ch) in _VOWELS or ch.lower() in _VOWELS for ch in letters))


def slot_candidates(models: Models, slots: list[Slot], codes: set[int] = frozenset(),
                    numerals: dict[Slot, str] | None = None,
                    type_codes: dict[int, str] | None = None) -> list[CandidateSet]:
    """Candidates of each slot; ``codes``: slots inside a document symbol, ``type_codes``:
    those that are a misread type code, with its official spelling (:func:`type_code_fixes`);
    ``numerals``: heading numerals read in the sequence of the whole document (see
    :mod:`numerals`; default: read in ``slots`` alone)."""
    numerals = sequence_numerals(slots) if numerals is None else numerals
    type_codes = type_codes or {}
    out = []
    for i, slot in enumerate(slots):
        roman = numerals.get(slot)
        if i in type_codes:
            ids = models.generator.fixed(type_codes[i]).items[0].ids
            out.append(models.generator.single(Candidate((type_codes[i],), ids, 0.0, False)))
        elif i in codes:
            out.append(_code_candidates(models, slot))
        elif roman is None and _abbreviation_like(slot.text, models.lexicon):
            out.append(models.generator.fixed(slot.text))
        elif roman is not None:
            cand = Candidate((roman,), (models.lm.id_of(roman.lower()),), 0.0, roman == slot.text)
            out.append(models.generator.single(cand))
        elif slot.is_word:
            out.append(models.generator.for_slot(slot.text))
        else:
            out.append(models.generator.fixed(slot.text))
    return out


@lru_cache(maxsize=100_000)
def _case_pattern(text: str) -> str:
    letters = [ch for ch in text if ch.isalpha()]
    if len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return "upper"
    return "title" if letters and letters[0].isupper() else "lower"


def render(cand: Candidate, original: str, style: str, lexicon: Lexicon) -> str:
    """The printed form of a candidate: case of the original, abbreviations, tone placement."""
    if cand.identity:
        return canonical_tone_placement(original, style) if is_vietnamese_syllable(original) else original
    key = (cand.words, _case_pattern(original), style)
    if _rendered.lexicon is not lexicon or len(_rendered.forms) > 200_000:
        _rendered.lexicon, _rendered.forms = lexicon, {}
    found = _rendered.forms.get(key)
    if found is None:
        found = _rendered.forms[key] = _render_words(*key, lexicon)
    return found


@dataclass
class _RenderCache:
    """Printed forms by (words, case pattern, style), for the lexicon they were made with: the
    same readings are printed for many slots (outputs, and the edit log's alternatives)."""

    lexicon: Lexicon | None = None
    forms: dict[tuple[tuple[str, ...], str, str], str] = field(default_factory=dict)


_rendered = _RenderCache()


def _render_words(words: tuple[str, ...], pattern: str, style: str, lexicon: Lexicon) -> str:
    out = []
    for position, word in enumerate(words):
        if word.isupper() or word.isdigit():
            out.append(word)
            continue
        if is_vietnamese_syllable(word):
            word = canonical_tone_placement(word, style)
        if word in lexicon.abbreviations and pattern != "lower" and not is_vietnamese_syllable(word):
            word = lexicon.abbreviations[word]
        elif pattern == "upper":
            word = word.upper()
        elif pattern == "title" and position == 0:
            word = word[:1].upper() + word[1:]
        out.append(word)
    return " ".join(out)


def document_cache(models: Models, unit_cands: list[list[CandidateSet]], unit_chosen: list[list[int]]) -> np.ndarray:
    """Score bonus of each candidate for words this document already uses (a cache model).

    log((1 - λ) + λ P_doc(w) / P_corpus(w)) over the words of each candidate, with P_doc from
    a first decoding pass: names and topic words that recur in a report ("Đảng", the district)
    are preferred wherever the OCR left them ambiguous. λ is ``cache_weight``. Only words
    chosen at least :data:`CACHE_MIN_COUNT` times recur: a rare word the first pass left once
    (a heading "QUYET DINH" kept as it was) must not pull the document towards itself.
    """
    counts: dict[str, int] = {}
    for unit, chosen in zip(unit_cands, unit_chosen, strict=True):
        for cands, i in zip(unit, chosen, strict=True):
            for word in cands[i].words:
                if word in models.lexicon.counts:
                    counts[word] = counts.get(word, 0) + 1
    n_doc = sum(counts.values()) or 1
    counts = {w: c for w, c in counts.items() if c >= CACHE_MIN_COUNT}
    n_corpus = models.generator.corpus_total
    lam = models.settings.cache_weight
    bonus = {w: math.log(1 - lam + lam * (c / n_doc) / ((models.lexicon.counts[w] + 1) / n_corpus))
             for w, c in counts.items()}
    sets = [cands for unit in unit_cands for cands in unit]
    if not sets:
        return np.zeros(0)
    if all(w in models.lm.index for w in bonus):
        return _bonus_by_id(models.lm, sets, bonus)
    per_set: dict[int, np.ndarray] = {}  # a repeated word's slots share one candidate set
    for cands in sets:
        if id(cands) not in per_set:
            per_set[id(cands)] = np.array([_bonus_of(cand.words, bonus) for cand in cands.items], dtype=float)
    return np.concatenate([per_set[id(cands)] for cands in sets])


def cache_rivals(extra: np.ndarray, unit_cands: list[list[CandidateSet]], unit_chosen: list[list[int]]) -> np.ndarray:
    """The document cache's ``extra`` scores for the second decoding pass, with -inf (left out
    of decoding) for every reading but the first pass's choice in the slots where the cache
    favours no other reading.

    Elsewhere the cache can only confirm the first choice, so those slots need not be searched
    again: the second pass then costs a third of the first. Slots next to a changed one keep
    one reading even if the new context would favour another; on the held-out eng pages that
    is one syllable in 12,000 (bench/correct.py), for a tenth of the corrector's time.
    """
    sizes = np.array([len(cands) for unit in unit_cands for cands in unit], dtype=np.int64)
    if not len(sizes):
        return extra
    starts = np.cumsum(sizes) - sizes
    chosen = starts + np.array([i for unit in unit_chosen for i in unit], dtype=np.int64)
    rivals = np.maximum.reduceat(extra, starts) > extra[chosen]
    keep = np.repeat(rivals, sizes)
    keep[chosen] = True
    return np.where(keep, extra, -np.inf)


def _bonus_by_id(lm: LanguageModel, sets: list[CandidateSet], bonus: dict[str, float]) -> np.ndarray:
    """The cache bonus of every candidate of ``sets`` end to end: the sum over the LM tokens of
    each reading, in one numpy call. For when every word with a bonus is its own LM token (a
    word the LM does not know is <unk>, not told apart by its id); then it is the sum over
    the reading's words (:func:`_bonus_of`), but for a token with digits glued to a word
    with a bonus ("a3": "a" and <num>)."""
    by_id = np.zeros(len(lm.vocab) + 1)  # the last entry, 0, is where the padding id -1 points
    for word, value in bonus.items():
        by_id[lm.index[word]] = value
    return by_id[stacked_ids(sets)].sum(axis=1)


def _bonus_of(words: tuple[str, ...], bonus: dict[str, float]) -> float:
    """The document-cache bonus of a reading: the sum over its words (most have one)."""
    return bonus.get(words[0], 0.0) if len(words) == 1 else sum(bonus.get(w, 0.0) for w in words)


def _segment_softmax(scores: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Softmax within each of several score arrays, computed on all of them at once: the
    probabilities end to end and the start of each array in them."""
    sizes = np.array([len(x) for x in scores])
    starts = np.cumsum(sizes) - sizes
    flat = np.concatenate(scores)
    exp = np.exp(flat - np.repeat(np.maximum.reduceat(flat, starts), sizes))
    return exp / np.repeat(np.add.reduceat(exp, starts), sizes), starts


def _top_ranks(probs: np.ndarray, starts: np.ndarray, keep: int) -> list[list[int]]:
    """For each segment of ``probs`` (starting at ``starts``), the indices within it of its
    ``keep`` likeliest entries, likeliest first (equal ones in order; compiled where built)."""
    if decoder.COMPILED and keep <= 16:
        return decoder._beam.top_ranks(np.ascontiguousarray(probs, dtype=np.float64),
                                       np.ascontiguousarray(starts, dtype=np.int64), keep)
    sizes = np.diff(np.append(starts, len(probs)))
    owner = np.repeat(np.arange(len(starts)), sizes)
    order = np.lexsort((-probs, owner))
    local = order - starts[owner[order]]
    taken = (np.arange(len(order)) - starts[owner[order]]) < keep
    flat = local[taken].tolist()
    ends = np.cumsum(np.minimum(sizes, keep)).tolist()
    return [flat[a:b] for a, b in zip([0, *ends[:-1]], ends)]


def _neighbours(models: Models, cands: list[CandidateSet], chosen: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """For each slot, the two chosen LM ids before it and the two after it (-1: none)."""
    flat: list[int] = [models.lm.eos, models.lm.bos]
    starts = []
    for slot_cands, choice in zip(cands, chosen, strict=True):
        starts.append(len(flat))
        flat.extend(slot_cands[choice].ids)
    ends = starts[1:] + [len(flat)]
    flat_arr = np.array(flat + [-1, -1], dtype=np.int64)
    starts_arr, ends_arr = np.array(starts), np.array(ends)
    before = np.stack([flat_arr[starts_arr - 2], flat_arr[starts_arr - 1]], axis=1)
    after = np.stack([flat_arr[ends_arr], flat_arr[ends_arr + 1]], axis=1)
    return before, after


def _edits_for(models: Models, slots: list[Slot], sources: list[str], cands: list[CandidateSet],
               chosen: list[int], outputs: list[str], neighbours: tuple[np.ndarray, np.ndarray],
               settings: DecoderSettings, style: str) -> list[Edit]:
    """Edit records for the slots whose output differs from their ``sources`` (the input text
    they span), with confidence and alternatives.

    ``neighbours``: the chosen LM ids before and after each slot (see :func:`_neighbours`).
    """
    changed = [t for t in range(len(slots)) if outputs[t] != sources[t]]
    if not changed:
        return []
    before, after = neighbours
    scores = local_scores(models.lm, before[changed], after[changed], [cands[t] for t in changed], settings)
    probs, starts = _segment_softmax(scores)
    flat = _rounded(probs, 4)
    edits = []
    shown: dict[tuple[int, int, str], str] = {}  # a repeated word's slots share one candidate set
    for t, start, top in zip(changed, starts.tolist(), _top_ranks(probs, starts, 4), strict=True):
        slot, slot_cands, pick = slots[t], cands[t], chosen[t]
        alternatives = []
        for i in top:
            if i == pick:
                continue
            if len(alternatives) == 3:
                break
            key = (id(slot_cands), i, slot.text)
            text = shown.get(key)
            if text is None:
                text = shown[key] = render(slot_cands[i], slot.text, style, models.lexicon)
            alternatives.append((text, flat[start + i]))
        edits.append(Edit(slot.line + 1, slot.start, sources[t], outputs[t], flat[start + pick], tuple(alternatives)))
    return edits


def _rounded(values: np.ndarray, digits: int) -> list[float]:
    """``[round(v, digits) for v in values]``, the same floats, rounded by numpy: Python's round
    is exact on the decimal value, which numpy's scaling differs from only next to a half
    (those few are rounded by Python)."""
    scaled = values * 10.0**digits
    out = (np.rint(scaled) / 10.0**digits).tolist()
    for k in np.flatnonzero(np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6).tolist():
        out[k] = round(float(values[k]), digits)
    return out


@dataclass(frozen=True, slots=True)
class _Piece:
    """A span of one input line and what replaces it."""

    line: int
    start: int
    end: int
    text: str


def _glued_punctuation(line: str, end: int) -> str:
    """The punctuation glued after column ``end`` ("ển," -> ","), none if letters follow."""
    rest = line[end:]
    glued = rest.split(None, 1)[0] if rest[:1] and not rest[0].isspace() else ""
    return "" if any(ch.isalnum() for ch in glued) else glued


def _carried(lines: list[str], joins: dict[Slot, Join], slots: list[Slot], outputs: list[str]
             ) -> tuple[list[str], dict[Slot, _Piece]]:
    """Outputs of hyphen-joined slots, with the punctuation glued to their continuation, and
    by joined slot the span removed from the start of the next line (continuation, that
    punctuation and the spaces after it)."""
    outputs = list(outputs)
    removed = {}
    for t, slot in enumerate(slots):
        tail = joins[slot].continuation if slot in joins else None
        if tail is None:
            continue
        line = lines[tail.line]
        glued = _glued_punctuation(line, tail.end)
        end = tail.end + len(glued)
        end += len(line[end:]) - len(line[end:].lstrip())
        outputs[t] += glued
        removed[slot] = _Piece(tail.line, tail.start, end, "")
    return outputs, removed


def _removal_edits(lines: list[str], removed: dict[Slot, _Piece], edits: list[Edit]) -> list[Edit]:
    """One edit per removed continuation, as confident as the edit of its joined word."""
    confidence = {(e.line, e.column): e.confidence for e in edits}
    return [Edit(piece.line + 1, piece.start, lines[piece.line][piece.start : piece.end], "",
                 confidence.get((slot.line + 1, slot.start), 1.0), ())
            for slot, piece in removed.items()]


def _apply(lines: list[str], pieces: list[_Piece]) -> None:
    """Replace each piece's span in ``lines``, right to left within a line."""
    for piece in sorted(pieces, key=lambda p: (p.line, -p.start, -p.end)):
        line = lines[piece.line]
        lines[piece.line] = line[: piece.start] + piece.text + line[piece.end :]


def _without_covered(pieces: list[_Piece], removed: list[_Piece]) -> list[_Piece]:
    """The pieces outside every removed span (punctuation carried to the line before)."""
    return [p for p in pieces if not any(r.line == p.line and r.start <= p.start and p.end <= r.end
                                         for r in removed)]


def _units(models: Models, lines: list[str], paras: list[list[Slot]], symbols: list[list[SymbolSpan]]
           ) -> tuple[list[list[Slot]], dict[Slot, Join]]:
    """Sentences of the paragraphs, each hyphenated word at a line end joined into one slot."""
    units: list[list[Slot]] = []
    joins: dict[Slot, Join] = {}
    for paragraph in paras:
        joined, found = hyphen_joins(lines, paragraph, models.generator, symbol_slots(symbols, paragraph))
        joins.update(found)
        units += sentences(joined)
    return units, joins


def _merge_split_syllables(models: Models, lines: list[str], units: list[list[Slot]],
                           unit_cands: list[list[CandidateSet]], unit_chosen: list[list[int]],
                           settings: DecoderSettings, joined: dict[Slot, Join]) -> dict[Slot, Join]:
    """Merge the pairs of words that read better as one syllable (see :mod:`rejoin`), in place,
    and decode again the sentences that changed; returns the joins made.

    Slots with a single reading (codes, numerals, abbreviations) and slots ``joined`` already
    (hyphenated words) are never merged."""
    cost = split_cost(models.channel, settings)
    joins: dict[Slot, Join] = {}
    changed = []
    fixed = [{i for i, (slot, c) in enumerate(zip(unit, cands, strict=True)) if len(c) == 1 or slot in joined}
             for unit, cands in zip(units, unit_cands, strict=True)]
    pairs = [merge_pairs(lines, unit, models.generator, f) for unit, f in zip(units, fixed, strict=True)]
    models.generator.prepare(text for unit_pairs in pairs for _, text in unit_pairs)
    for k, (unit, cands, chosen) in enumerate(zip(units, unit_cands, unit_chosen, strict=True)):
        sites = merge_sites(lines, unit, models.generator, fixed[k], pairs[k])
        merges = weigh_merges(models.lm, cands, chosen, sites, settings, cost)
        if merges:
            units[k], unit_cands[k], found = apply_merges(unit, cands, merges)
            joins.update(found)
            changed.append(k)
    for k, chosen in zip(changed, decode_many(models.lm, [unit_cands[k] for k in changed], settings), strict=True):
        unit_chosen[k] = chosen
    return joins


def correct(text: str, *, style: str = "new", models: Models | None = None) -> Correction:
    """Restore diacritics and repair OCR damage; line N of the result is line N of ``text``.

    ``style`` is the tone placement of the output ("new": hoà, thuỷ; "old": hòa, thủy).
    Syllables cut by a stray space or by a hyphen at a line end are read as one
    (:mod:`rejoin`); a hyphenated word is printed whole at the end of its first line.
    """
    if style not in ("new", "old"):
        raise ValueError(f"style must be 'new' or 'old', not {style!r}")
    models = models or load_models()
    normalized = normalize_input(text)
    lines = normalized.split("\n")
    paras = [[s for s in paragraph if not _stray_symbol(s, lines[s.line])] for paragraph in paragraphs(lines)]
    numerals = sequence_numerals([s for paragraph in paras for s in paragraph])
    symbols = symbol_spans(lines)
    units, joins = _units(models, lines, paras, symbols)
    slots = [s for unit in units for s in unit]
    settings = decoder_settings(models.settings, slots, models.lexicon)
    models.generator.prepare(s.text for s in slots if s.is_word)
    unit_cands = [slot_candidates(models, unit, symbol_slots(symbols, unit), numerals, type_code_fixes(symbols, unit))
                  for unit in units]
    unit_chosen = decode_many(models.lm, unit_cands, settings)
    joins.update(_merge_split_syllables(models, lines, units, unit_cands, unit_chosen, settings, joins))
    if models.settings.cache_weight > 0 and settings.trust < TRUSTED and not settings.marks_stripped:
        extra = cache_rivals(document_cache(models, unit_cands, unit_chosen), unit_cands, unit_chosen)
        unit_chosen = decode_many(models.lm, unit_cands, settings, extra)
    slots = [s for unit in units for s in unit]
    neighbours = [_neighbours(models, c, ch) for c, ch in zip(unit_cands, unit_chosen, strict=True)]
    cands = [c for unit in unit_cands for c in unit]
    chosen = [i for unit in unit_chosen for i in unit]
    outputs = [render(c[i], s.text, style, models.lexicon) for c, i, s in zip(cands, chosen, slots, strict=True)]
    outputs, removed = _carried(lines, joins, slots, outputs)
    context = (np.concatenate([n[0] for n in neighbours]), np.concatenate([n[1] for n in neighbours])) \
        if neighbours else (np.zeros((0, 2), np.int64), np.zeros((0, 2), np.int64))
    sources = [lines[s.line][s.start : s.end] for s in slots]
    edits = _edits_for(models, slots, sources, cands, chosen, outputs, context, settings, style)
    edits = sorted(edits + _removal_edits(lines, removed, edits), key=lambda e: (e.line, e.column))
    pieces = [_Piece(s.line, s.start, s.end, out) for s, out, src in zip(slots, outputs, sources, strict=True)
              if out != src]
    _apply(lines, _without_covered(pieces, list(removed.values())) + list(removed.values()))
    return Correction("\n".join(lines), text, tuple(edits), input_notes(text, slots))


def _stray_symbol(slot: Slot, line: str) -> bool:
    """A symbol standing alone that the language model knows only as <sym> ("_", "~", "‹"):
    OCR specks and rules, left as they are and out of the decoder, so that they do not break
    the context of the words around them ("_ dan van" is "dân vận"). Joined to a word it is
    part of a name ("MS29_Ban cam ket.docx") and stays in."""
    if slot.is_word or normalize_token(slot.text) != SYM:
        return False
    return (slot.start == 0 or line[slot.start - 1].isspace()) and (slot.end == len(line) or line[slot.end].isspace())


def input_notes(text: str, slots: list[Slot]) -> tuple[str, ...]:
    """Plain-language notes on input the corrector could not help with (binary, other scripts)."""
    notes = []
    control = sum(1 for ch in text if ch in CONTROL_CHARACTERS)
    if control:
        notes.append(f"{control} control or undecodable characters (binary data?) were replaced by spaces")
    foreign = sorted({s.line + 1 for s in slots if s.is_word and not is_latin(s.text)})
    if foreign:
        shown = ", ".join(map(str, foreign[:10])) + (" ..." if len(foreign) > 10 else "")
        notes.append(f"words in other scripts were left as they are (lines {shown})")
    return tuple(notes)


def with_settings(models: Models, **changes: float) -> Models:
    """The same models with other decoder settings (for benchmarks and tuning)."""
    return replace(models, settings=replace(models.settings, **changes))
