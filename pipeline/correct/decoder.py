"""Noisy-channel decoding: a second-order Viterbi beam over the candidates of each slot.

The score of a path is ``LM log P(words) + channel_weight * sum(channel scores) + keep bonus
of the slots left as they are``. States are the last two LM ids; states reaching the same pair
are recombined, and at most ``beam`` states survive each slot. Every step is vectorised over
(state, candidate) pairs with numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.correct.candidates import Candidate
from pipeline.correct.kneser_ney import BITS
from pipeline.correct.lm import LanguageModel


@dataclass(frozen=True, slots=True)
class DecoderSettings:
    """Weights of the score (log domain) and the beam width."""

    channel_weight: float = 1.0
    keep_bonus: float = 0.0
    beam: int = 8
    marks_stripped: bool = False
    trust: float = 0.0


@dataclass(frozen=True, slots=True)
class _Lattice:
    """Candidates of one slot as arrays: ids padded with -1, channel scores with keep bonus."""

    ids: np.ndarray
    scores: np.ndarray

    @classmethod
    def of(cls, cands: Sequence[Candidate], settings: DecoderSettings) -> _Lattice:
        width = max(len(c.ids) for c in cands)
        ids = np.full((len(cands), width), -1, dtype=np.int64)
        for row, cand in enumerate(cands):
            ids[row, : len(cand.ids)] = cand.ids
        scores = np.array([_channel(c, settings) + _bonus(c, settings) for c in cands])
        return cls(ids, scores)


def _channel(cand: Candidate, settings: DecoderSettings) -> float:
    """Weighted channel score; in text stripped of all marks, restoring marks costs nothing."""
    if settings.marks_stripped and cand.same_skeleton:
        return cand.penalty
    return settings.channel_weight * cand.channel + cand.penalty


def _bonus(cand: Candidate, settings: DecoderSettings) -> float:
    """Keep bonus of a slot left as it is, scaled by how far the text can be trusted.

    In trusted text an unknown token is most likely a real word the LM lacks (a name, an
    abbreviation), so its unknown-word penalty is taken back in the same proportion.
    """
    if not cand.identity:
        return 0.0
    return settings.trust * (settings.keep_bonus - cand.penalty)


def _advance(lm: LanguageModel, u, v, total, ids, cand_index):
    """Score the candidates' words one after the other; return the final (u, v, total)."""
    for j in range(ids.shape[1]):
        w = ids[cand_index, j]
        valid = w >= 0
        lp = lm.logprob(u, v, np.where(valid, w, 0))
        total = total + np.where(valid, lp, 0.0)
        u, v = np.where(valid, v, u), np.where(valid, w, v)
    return u, v, total


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


def decode(lm: LanguageModel, slots: Sequence[Sequence[Candidate]], settings: DecoderSettings) -> list[int]:
    """Index of the chosen candidate for every slot of one paragraph."""
    u = np.array([lm.eos], dtype=np.int64)
    v = np.array([lm.bos], dtype=np.int64)
    total = np.zeros(1)
    history: list[tuple[np.ndarray, np.ndarray]] = []
    for cands in slots:
        lattice = _Lattice.of(cands, settings)
        n_states, n_cands = len(total), len(cands)
        cand_index = np.tile(np.arange(n_cands), n_states)
        step_total = np.repeat(total, n_cands) + lattice.scores[cand_index]
        nu, nv, step_total = _advance(lm, np.repeat(u, n_cands), np.repeat(v, n_cands), step_total,
                                      lattice.ids, cand_index)
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


def local_scores(lm: LanguageModel, context: tuple[int, int], following: Sequence[int],
                 cands: Sequence[Candidate], settings: DecoderSettings) -> np.ndarray:
    """Score of each candidate of a slot between the chosen left context and the next ids."""
    lattice = _Lattice.of(cands, settings)
    index = np.arange(len(cands))
    u = np.full(len(cands), context[0], dtype=np.int64)
    v = np.full(len(cands), context[1], dtype=np.int64)
    u, v, total = _advance(lm, u, v, lattice.scores.copy(), lattice.ids, index)
    for w in following[:2]:
        total = total + lm.logprob(u, v, np.full(len(cands), w))
        u, v = v, np.full(len(cands), w)
    return total
