"""Noisy-channel decoding: a second-order Viterbi beam over the candidates of each slot.

The score of a path is ``LM log P(words) + channel_weight * sum(channel scores) + keep bonus
of the slots left as they are``. States are the last two LM ids; states reaching the same pair
are recombined, and at most ``beam`` states survive each slot. Every step is vectorised over
(state, candidate) pairs with numpy. This one-segment beam is the reference that tests hold
the batch beam of :mod:`batch_decoder` to; :func:`_advance` (the LM score of words read one
after the other) runs compiled (:mod:`_beam`) where it was built.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.correct.candidates import STACK_WIDTH, CandidateSet
from pipeline.correct.kneser_ney import BITS
from pipeline.correct.lm import LanguageModel

try:
    from pipeline.correct import _beam
except ImportError:  # installed without a C compiler: numpy does it all
    _beam = None

COMPILED = _beam is not None  # tests and the benchmark switch it off to run numpy only


def compiled_lm(lm: LanguageModel) -> bool:
    """Whether compiled code can score with this model: it was built, and the model holds the
    float32 values it is loaded with from disk (a model estimated in memory holds float64)."""
    return COMPILED and all(a.dtype == np.float32 for a in (lm.uni_lp, lm.uni_bow, lm.bi_lp, lm.bi_bow, lm.tri_lp,
                                                            lm.context_max))


@dataclass(frozen=True, slots=True)
class DecoderSettings:
    """Weights of the score (log domain) and the beam width."""

    channel_weight: float = 1.0
    keep_bonus: float = 0.0
    beam: int = 8
    marks_stripped: bool = False
    trust: float = 0.0


def slot_scores(cands: CandidateSet, settings: DecoderSettings) -> np.ndarray:
    """Channel score, unknown-word penalty and keep bonus of each candidate (see _bonus)."""
    channel = settings.channel_weight * cands.channel
    if settings.marks_stripped:
        channel = np.where(cands.same_skeleton, 0.0, channel)
    bonus = np.where(cands.identity, settings.trust * (settings.keep_bonus - cands.penalty), 0.0)
    return channel + cands.penalty + bonus


def _advance(lm: LanguageModel, u, v, total, ids, cand_index):
    """Score the candidates' words one after the other; return the final (u, v, total).

    Ids of -1 (shorter readings, no following word) are skipped, not scored and masked.
    Compiled where it was built (same sums, same results).
    """
    if compiled_lm(lm):
        as_ids = lambda a: np.ascontiguousarray(a, dtype=np.int64)  # noqa: E731
        return _beam.advance(lm, as_ids(u), as_ids(v), np.ascontiguousarray(total, dtype=np.float64),
                             as_ids(ids), as_ids(cand_index))
    for j in range(ids.shape[1]):
        w = ids[cand_index, j]
        valid = np.nonzero(w >= 0)[0]
        if len(valid) == len(w):
            total, u, v = total + lm.logprob(u, v, w), v, w
            continue
        lp = np.zeros(len(w))
        u, v = u.copy(), v.copy()
        if len(valid):
            lp[valid] = lm.logprob(u[valid], v[valid], w[valid])
            u[valid], v[valid] = v[valid], w[valid]
        total = total + lp
    return u, v, total


def stack(sets: Sequence[CandidateSet], settings: DecoderSettings) -> tuple[np.ndarray, np.ndarray]:
    """LM ids of all candidates of ``sets`` end to end (padded with -1) and their slot scores."""
    return stacked_ids(sets), slot_scores(CandidateSet.stacked(sets), settings)


def stacked_ids(sets: Sequence[CandidateSet]) -> np.ndarray:
    """LM ids of all candidates of ``sets`` end to end, padded with -1 to the longest reading."""
    width = max(s.ids.shape[1] for s in sets)
    ids = np.concatenate([s.stack_ids for s in sets])  # STACK_WIDTH columns
    if width <= STACK_WIDTH:
        return ids if width == STACK_WIDTH else np.ascontiguousarray(ids[:, :width])
    out = np.full((len(ids), width), -1, dtype=np.int64)
    out[:, :STACK_WIDTH] = ids
    row = 0
    for s in sets:  # the few readings of more ids (a garbled token kept as it is: "a1b2")
        if s.ids.shape[1] > STACK_WIDTH:
            out[row : row + len(s.items), : s.ids.shape[1]] = s.ids
        row += len(s.items)
    return out


def _recombine(u, v, total, beam: int) -> np.ndarray:
    """Indices of the best path per (u, v) state, at most ``beam`` of them."""
    key = (u << BITS) | v
    order = np.lexsort((-total, key))
    sorted_key = key[order]
    first = np.ones(len(order), dtype=bool)
    first[1:] = sorted_key[1:] != sorted_key[:-1]
    keep = order[first]
    if len(keep) > beam:
        keep = keep[np.argpartition(-total[keep], beam - 1)[:beam]]
    return keep


def decode(lm: LanguageModel, slots: Sequence[CandidateSet], settings: DecoderSettings) -> list[int]:
    """Index of the chosen candidate for every slot of one paragraph."""
    u = np.array([lm.eos], dtype=np.int64)
    v = np.array([lm.bos], dtype=np.int64)
    total = np.zeros(1)
    history: list[tuple[np.ndarray, np.ndarray]] = []
    for cands in slots:
        scores = slot_scores(cands, settings)
        n_states, n_cands = len(total), len(cands)
        cand_index = np.tile(np.arange(n_cands), n_states)
        step_total = np.repeat(total, n_cands) + scores[cand_index]
        nu, nv, step_total = _advance(lm, np.repeat(u, n_cands), np.repeat(v, n_cands), step_total,
                                      cands.ids, cand_index)
        keep = _recombine(nu, nv, step_total, settings.beam)
        history.append((keep // n_cands, cand_index[keep]))
        u, v, total = nu[keep], nv[keep], step_total[keep]
    final = total + lm.logprob(u, v, np.full(len(u), lm.eos))
    state = int(np.argmax(final))
    chosen = []
    for prev_state, cand in reversed(history):
        chosen.append(int(cand[state]))
        state = int(prev_state[state])
    return chosen[::-1]


def local_scores(lm: LanguageModel, contexts: np.ndarray, following: np.ndarray,
                 cands: Sequence[CandidateSet], settings: DecoderSettings) -> list[np.ndarray]:
    """Score of each candidate of several slots between the chosen neighbours, in one batch.

    ``contexts[k]`` holds the two ids before slot k, ``following[k]`` the two after (-1: none).
    """
    ids, total = stack(cands, settings)
    owner = np.repeat(np.arange(len(cands)), [len(c) for c in cands])
    row = np.arange(len(ids))
    u, v, total = _advance(lm, contexts[owner, 0], contexts[owner, 1], total, ids, row)
    nxt = following[owner]
    _, _, total = _advance(lm, u, v, total, nxt, row)
    bounds = np.cumsum([0] + [len(c) for c in cands])
    return [total[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]
