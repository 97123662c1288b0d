"""The Viterbi beam of :mod:`pipeline.correct.decoder`, run over many segments in lockstep.

Step t advances slot t of every segment still running with the same few numpy calls, so the
per-call overhead is paid once per step rather than once per slot: a page of 20 sentences
costs about as many numpy calls as its longest sentence, or rather its longest piece: sentences
are cut where every path is in one state (after "11/6/2019 ;"). States carry their segment id, are
recombined per (segment, last two ids) and pruned to ``beam`` per segment. The result is the
same as :func:`pipeline.correct.decoder.decode` run on each segment alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.correct.candidates import CandidateSet
from pipeline.correct.decoder import DecoderSettings, _advance, _beam, compiled_lm, stack
from pipeline.correct.kneser_ney import BITS, MASK
from pipeline.correct.lm import LanguageModel

MAX_COMPILED_BEAM = 64  # the compiled beam keeps its states in fixed arrays of this size


@dataclass(frozen=True, slots=True)
class _Table:
    """Every candidate of every slot in one table; ``offset[t, k]``/``count[t, k]`` index it.

    Slot-major, so that a step reads its row ``offset[t]`` with one gather per array.
    ``first`` is every candidate's first LM id, ``multi`` whether it has more words.
    """

    ids: np.ndarray
    scores: np.ndarray
    offset: np.ndarray
    count: np.ndarray
    length: np.ndarray
    first: np.ndarray
    multi: np.ndarray


def _table(segments: Sequence[Sequence[CandidateSet]], settings: DecoderSettings,
           extra: np.ndarray | None) -> _Table:
    sets = [s for segment in segments for s in segment]
    sizes = [len(s) for s in sets]
    ids, scores = stack(sets, settings)
    if extra is not None:
        scores = scores + extra
    length = np.array([len(segment) for segment in segments])
    offset = np.zeros((int(length.max()), len(segments)), dtype=np.int64)
    count = np.zeros_like(offset)
    starts = np.cumsum([0, *sizes])
    position = 0
    for k, segment in enumerate(segments):
        n = len(segment)
        offset[:n, k] = starts[position : position + n]
        count[:n, k] = sizes[position : position + n]
        position += n
    multi = ids[:, 1] >= 0 if ids.shape[1] > 1 else np.zeros(len(ids), dtype=bool)
    return _Table(ids, scores, offset, count, length, ids[:, 0].copy(), multi)


def _prune(key, total, beam: int) -> np.ndarray:
    """Best path per state ``key`` (segment, u, v), then the ``beam`` best states of each segment.

    The states come out by segment, best first, equal scores in the order of their keys.
    """
    order = np.lexsort((-total, key))
    sorted_key = key[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = sorted_key[1:] != sorted_key[:-1]
    keep = order[first]
    segs = sorted_key[first] >> (2 * BITS)  # sorted: the segments of the states below, too
    by_segment = keep[np.lexsort((-total[keep], segs))]
    rank = np.arange(len(segs)) - np.searchsorted(segs, segs)
    return by_segment[rank < beam]


FLOOR_MIN_PAIRS = 1000  # fewer pairs sort faster than the floor is found
SPARE = 4  # readings sharing LM ids ("hoà", "hòa") lead to one state: spare pairs for them


def _prune_fast(seg, total, rep, local, key, step, beam: int) -> np.ndarray:
    """What :func:`_prune` keeps, sorting only the pairs that can reach the beam.

    The best state of a segment leads, through its candidates, to different states; the
    ``beam``-th best of those is a floor that the beam's worst state reaches, so pairs below it
    are dropped before sorting. Candidates with the same LM ids lead to one state, so the floor
    is taken ``SPARE`` pairs lower; should a segment still come out short, every pair is sorted.
    """
    if len(step) < FLOOR_MIN_PAIRS:
        return _prune(key, step, beam)
    floor = _floors(seg, total, rep, local, step, beam + SPARE)
    rows = np.nonzero(step >= floor[rep])[0]
    if len(rows) == len(step):
        return _prune(key, step, beam)
    keep = rows[_prune(key[rows], step[rows], beam)]
    dropped = np.ones(len(step), dtype=bool)
    dropped[rows] = False
    short = np.bincount(seg[rep[keep]], minlength=int(seg.max()) + 1) < beam
    if short[seg[rep[dropped]]].any():
        return _prune(key, step, beam)
    return keep


def _floors(seg, total, rep, local, step, beam: int) -> np.ndarray:
    """Per state: the ``beam``-th best pair of its segment's best state (-inf: none)."""
    best = np.full(int(seg.max()) + 1, -1)
    order = np.argsort(total)
    best[seg[order]] = order  # the last write per segment is its best state
    is_best = np.zeros(len(seg), dtype=bool)
    is_best[best[best >= 0]] = True
    mine = np.nonzero(is_best[rep])[0]
    floor = np.full(len(seg), -np.inf)
    if len(mine) == 0 or local[mine].max() + 1 < beam:
        return floor
    grid = np.full((len(seg), int(local[mine].max()) + 1), -np.inf)
    grid[rep[mine], local[mine]] = step[mine]
    kth = -np.partition(-grid, beam - 1, axis=1)[:, beam - 1]
    floor_of_segment = np.full(len(best), -np.inf)
    floor_of_segment[seg[is_best]] = kth[is_best]
    return floor_of_segment[seg]


def decode_many(lm: LanguageModel, segments: Sequence[Sequence[CandidateSet]],
                settings: DecoderSettings, extra: np.ndarray | None = None) -> list[list[int]]:
    """Index of the chosen candidate for every slot of every (non-empty) segment.

    ``extra``: optional scores added to every candidate, in the order of all candidates of
    all slots of all segments (the document cache of ``api``). A candidate
    whose extra score is -inf is left out (each slot must keep one).

    A segment is decoded in pieces, side by side, cut after each slot where every path is in
    the same state (see :func:`_pieces`): the beam recombines into that one state there, so
    the pieces choose what the whole would, and the lockstep takes as many steps as the
    longest piece rather than the longest sentence.
    """
    if not segments:
        return []
    pieces = [piece for segment in segments for piece in _pieces(segment, lm)]
    decode = _decode_compiled if compiled_for(lm, settings) else _decode_pieces
    chosen = decode(lm, [p.slots for p in pieces], np.array([p.u for p in pieces], dtype=np.int64),
                    np.array([p.v for p in pieces], dtype=np.int64), settings, extra)
    out: list[list[int]] = []
    for piece, picks in zip(pieces, chosen, strict=True):
        if piece.first:
            out.append([])
        out[-1].extend(picks)
    return out


@dataclass(frozen=True, slots=True)
class _Piece:
    """Slots of a segment decoded from state (u, v); ``first``: the segment's first piece."""

    slots: Sequence[CandidateSet]
    u: int
    v: int
    first: bool


def _pieces(segment: Sequence[CandidateSet], lm: LanguageModel) -> list[_Piece]:
    """``segment`` cut after each slot whose state is certain: its single reading has two or
    more LM ids, or it and the slot before it have a single reading each ("11/6/2019 ;")."""
    out = []
    start, u, v = 0, lm.eos, lm.bos
    for i in range(len(segment) - 1):
        if len(segment[i].items) != 1:
            continue
        ids = segment[i].items[0].ids
        if len(ids) >= 2:
            state = ids[-2], ids[-1]
        elif i > start and len(segment[i - 1].items) == 1:
            state = segment[i - 1].items[0].ids[-1], ids[-1]
        else:
            continue
        out.append(_Piece(segment[start : i + 1], u, v, start == 0))
        start, (u, v) = i + 1, state
    out.append(_Piece(segment[start:], u, v, start == 0))
    return out


def compiled_for(lm: LanguageModel, settings: DecoderSettings) -> bool:
    """Whether the compiled beam can decode with this model (see ``decoder.compiled_lm``) and
    this beam fits in it."""
    return settings.beam <= MAX_COMPILED_BEAM and compiled_lm(lm)


def _decode_compiled(lm: LanguageModel, segments: Sequence[Sequence[CandidateSet]], u: np.ndarray,
                     v: np.ndarray, settings: DecoderSettings, extra: np.ndarray | None) -> list[list[int]]:
    """:func:`_decode_pieces` by the compiled beam: the same choices."""
    sets = [s for segment in segments for s in segment]
    ids, scores = stack(sets, settings)
    if extra is not None:
        scores = scores + extra
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    offset = np.cumsum(sizes) - sizes
    bounds = np.cumsum([0, *(len(segment) for segment in segments)]).astype(np.int64)
    chosen = np.zeros(len(sets), dtype=np.int64)
    _beam.decode_pieces(lm, ids, np.ascontiguousarray(scores, dtype=np.float64), offset, sizes, bounds,
                        u, v, settings.beam, chosen)
    picks = chosen.tolist()
    return [picks[a:b] for a, b in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)]


def _decode_pieces(lm: LanguageModel, segments: Sequence[Sequence[CandidateSet]], u: np.ndarray, v: np.ndarray,
                   settings: DecoderSettings, extra: np.ndarray | None) -> list[list[int]]:
    """The lockstep beam over ``segments``, each starting from its state (u, v)."""
    table = _table(segments, settings, extra)
    seg = np.arange(len(segments), dtype=np.int64)
    total = np.zeros(len(segments))
    history: list[tuple[np.ndarray, np.ndarray]] = []
    ends: dict[int, tuple[int, int]] = {}
    closing = set((table.length - 1).tolist())
    for t in range(int(table.length.max())):
        rep, local, step, key = _expand(lm, table, t, seg, u, v, total)
        keep = _prune_fast(seg, total, rep, local, key, step, settings.beam)
        history.append((rep[keep], local[keep]))
        key, total = key[keep], step[keep]
        seg, u, v = key >> (2 * BITS), (key >> BITS) & MASK, key & MASK
        if t in closing:
            seg, u, v, total = _finish(lm, table, t, seg, u, v, total, ends, history)
    positions = [i for i, entry in enumerate(history) if not isinstance(entry[0], str)]
    return [_backtrack(history, positions, *ends[k]) for k in range(len(segments))]


def _pairs(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For counts ``n``: the owner of each of the sum(n) pairs and its index under the owner."""
    rep = np.repeat(np.arange(len(n)), n)
    return rep, np.arange(len(rep)) - np.repeat(np.cumsum(n) - n, n)


def _expand(lm: LanguageModel, table: _Table, t: int, seg, u, v, total):
    """Every (state, candidate of slot t) pair: its state, candidate, path score, new state key.

    Only the first word's trigram depends on the whole state (u v); its backoff parts and the
    later words of a candidate depend on v alone, so they are scored once per (segment, v)
    group of states: a beam of 8 states has about 3 distinct v. The new state's key
    (segment, u, v) is also made once per group and candidate.
    """
    groups, group_of = np.unique((seg << BITS) | v, return_inverse=True)
    g_seg, g_v = groups >> BITS, groups & MASK
    g_n = table.count[t][g_seg]
    g_start = np.cumsum(g_n) - g_n
    g_rows = np.repeat(table.offset[t][g_seg] - g_start, g_n) + np.arange(g_start[-1] + g_n[-1])
    after = np.repeat(g_v, g_n)  # the v each group candidate follows
    first = table.first[g_rows]
    weight, bigram = lm.backoff_parts(u, v, after, first)
    g_u, g_last, later = _later_words(lm, table, g_rows, after, first)
    g_key = np.repeat(g_seg << (2 * BITS), g_n) | (g_u << BITS) | g_last
    rep, local = _pairs(g_n[group_of])
    in_group = np.repeat(g_start[group_of], g_n[group_of]) + local
    backoff = weight[rep] + bigram[in_group]
    lp = lm.trigram_logprob(((u << (2 * BITS)) | (v << BITS))[rep] | first[in_group], backoff)
    step = total[rep] + table.scores[g_rows[in_group]] + lp + later[in_group]  # the order of decode's sums
    return rep, local, step, g_key[in_group]


def _later_words(lm: LanguageModel, table: _Table, rows: np.ndarray, v: np.ndarray, first: np.ndarray):
    """Final (u, v) and LM score of the words after the first of candidates ``rows`` after v."""
    u, last, later = v.copy(), first.copy(), np.zeros(len(rows))
    multi = np.nonzero(table.multi[rows])[0]
    if len(multi):
        u[multi], last[multi], later[multi] = _advance(lm, v[multi], first[multi], later[multi],
                                                       table.ids[:, 1:], rows[multi])
    return u, last, later


def _finish(lm, table, t, seg, u, v, total, ends, history):
    """Close the segments whose last slot is t; return the states of the others.

    When states are dropped, a ("remap", alive) entry maps the next step's back-pointers
    (indices among the survivors) to indices of this step's states.
    """
    done = table.length[seg] == t + 1
    if not done.any():
        return seg, u, v, total
    final = total + lm.logprob(u, v, np.full(len(u), lm.eos))
    for k in np.unique(seg[done]):
        members = np.nonzero(seg == k)[0]
        ends[int(k)] = (t, int(members[np.argmax(final[members])]))
    alive = np.nonzero(~done)[0]
    history.append(("remap", alive))
    return seg[alive], u[alive], v[alive], total[alive]


def _backtrack(history, step_positions: list[int], end_step: int, state: int) -> list[int]:
    """Candidate indices of one segment, following back-pointers from its final state."""
    chosen = []
    for index in range(step_positions[end_step], -1, -1):
        first, second = history[index]
        if isinstance(first, str):
            state = int(second[state])
            continue
        chosen.append(int(second[state]))
        state = int(first[state])
    return chosen[::-1]
