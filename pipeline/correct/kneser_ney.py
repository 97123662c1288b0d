"""Interpolated modified Kneser-Ney trigram estimation over a stream of token ids, with numpy.

The stream is a 1-D array of ids where every sentence is ``<s> w1 ... wn </s>`` and the first
sentence is preceded by ``</s>``, so that ``P(w1 | </s> <s>)`` is the sentence-initial
probability. N-grams are packed into int64 keys (21 bits per id) and counted with ``np.unique``.

The result is in backoff form (like an ARPA file): for each kept n-gram its interpolated log
probability (natural log), and for each context its backoff weight, so that
``P(w|u v) = p3(u v w)`` if kept, else ``bow3(u v) * P(w|v)``, and likewise for bigrams.
Trigrams seen fewer than ``min_trigram_count`` times are pruned and their context's backoff
weight is renormalised so that every conditional distribution still sums to one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BITS = 21
MASK = (1 << BITS) - 1
MAX_VOCAB = 1 << BITS


@dataclass(frozen=True, slots=True)
class NgramTables:
    """Sorted packed keys with natural-log probabilities and backoff weights.

    ``uni_lp[w]``, ``uni_bow[v]`` (log backoff of context v), ``bi_keys`` (v<<21|w) with
    ``bi_lp`` and ``bi_bow`` (log backoff of context (v, w) for trigrams), ``tri_keys``
    (u<<42|v<<21|w) with ``tri_lp``.
    """

    uni_lp: np.ndarray
    uni_bow: np.ndarray
    bi_keys: np.ndarray
    bi_lp: np.ndarray
    bi_bow: np.ndarray
    tri_keys: np.ndarray
    tri_lp: np.ndarray


def discounts(counts: np.ndarray) -> np.ndarray:
    """Modified KN discounts (D1, D2, D3+) from count-of-counts (Chen and Goodman)."""
    n = [int(np.count_nonzero(counts == k)) for k in (1, 2, 3, 4)]
    if min(n) == 0:
        return np.array([0.5, 0.75, 0.9])  # too little data for the estimate: fixed values
    y = n[0] / (n[0] + 2 * n[1])
    d = [1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]]
    return np.clip(np.array(d), 0.05, None)


def _discount_of(counts: np.ndarray, d: np.ndarray) -> np.ndarray:
    return d[np.minimum(counts, 3) - 1]


def _group(context: np.ndarray, counts: np.ndarray, d: np.ndarray):
    """Per context (contiguous in sorted keys): unique contexts, index of each row, total, gamma."""
    ctx, start, inverse = np.unique(context, return_index=True, return_inverse=True)
    total = np.add.reduceat(counts, start).astype(np.float64)
    mass = np.add.reduceat(_discount_of(counts, d), start)
    return ctx, inverse, total, mass / total


def count_trigrams(stream: np.ndarray, eos: int) -> tuple[np.ndarray, np.ndarray]:
    """Unique packed trigram keys and counts, leaving out those that cross a sentence end."""
    s = stream.astype(np.int64)
    keys = (s[:-2] << (2 * BITS)) | (s[1:-1] << BITS) | s[2:]
    keys = keys[s[1:-1] != eos]
    return np.unique(keys, return_counts=True)


def _unigrams(bi_keys: np.ndarray, vocab_size: int) -> np.ndarray:
    """KN unigram probabilities from continuation counts, with a little uniform mass."""
    words, cont = np.unique(bi_keys & MASK, return_counts=True)
    p = np.zeros(vocab_size)
    p[words] = cont / cont.sum()
    return 0.999 * p + 0.001 / vocab_size


def _lookup(keys: np.ndarray, values: np.ndarray, query: np.ndarray, default: float) -> np.ndarray:
    pos = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    hit = keys[pos] == query if len(keys) else np.zeros(len(query), bool)
    return np.where(hit, values[pos] if len(keys) else default, default)


def estimate(
    stream: np.ndarray, vocab_size: int, bos: int, eos: int, min_trigram_count: int = 1
) -> NgramTables:
    """Estimate the interpolated modified KN trigram model and convert it to backoff form.

    The bigram table also holds the pseudo-bigram ``</s> <s>`` (probability ~0) only to carry
    the backoff weight of the sentence-initial context.
    """
    if vocab_size > MAX_VOCAB:
        raise ValueError(f"vocabulary of {vocab_size} ids does not fit in {BITS} bits")
    tri_keys, tri_counts = count_trigrams(stream, eos)
    d3 = discounts(tri_counts)
    ctx3, inv3, total3, gamma3 = _group(tri_keys >> BITS, tri_counts, d3)
    bi_keys, bi_cont = np.unique(tri_keys & ((1 << (2 * BITS)) - 1), return_counts=True)
    d2 = discounts(bi_cont)
    ctx2, inv2, total2, gamma2 = _group(bi_keys >> BITS, bi_cont, d2)
    p1 = _unigrams(bi_keys, vocab_size)
    bi_words = bi_keys & MASK
    p2 = (bi_cont - _discount_of(bi_cont, d2)) / total2[inv2] + gamma2[inv2] * p1[bi_words]
    g2_full = np.ones(vocab_size)
    g2_full[ctx2] = gamma2
    p2_of_tri = _lookup(bi_keys, p2, tri_keys & ((1 << (2 * BITS)) - 1), np.nan)
    p3 = (tri_counts - _discount_of(tri_counts, d3)) / total3[inv3] + gamma3[inv3] * p2_of_tri
    keep = tri_counts >= min_trigram_count
    bow3 = _trigram_backoffs(ctx3, inv3, gamma3, p3, p2_of_tri, keep)
    start_key = (eos << BITS) | bos
    bi_keys, p2 = _with_key(bi_keys, p2, start_key)
    bi_bow = _lookup(ctx3, bow3, bi_keys, 1.0)
    return NgramTables(
        uni_lp=np.log(p1).astype(np.float32),
        uni_bow=np.log(g2_full).astype(np.float32),
        bi_keys=bi_keys,
        bi_lp=np.log(np.maximum(p2, 1e-30)).astype(np.float32),
        bi_bow=np.log(bi_bow).astype(np.float32),
        tri_keys=tri_keys[keep],
        tri_lp=np.log(p3[keep]).astype(np.float32),
    )


def _with_key(keys: np.ndarray, values: np.ndarray, key: int) -> tuple[np.ndarray, np.ndarray]:
    """Insert ``key`` (value 0) into sorted ``keys`` unless it is already there."""
    pos = int(np.searchsorted(keys, key))
    if pos < len(keys) and keys[pos] == key:
        return keys, values
    return np.insert(keys, pos, key), np.insert(values, pos, 0.0)


def _trigram_backoffs(ctx3, inv3, gamma3, p3, p2_of_tri, keep) -> np.ndarray:
    """Backoff weight per trigram context: gamma without pruning, renormalised with it."""
    kept_p3 = np.bincount(inv3, weights=np.where(keep, p3, 0.0), minlength=len(ctx3))
    kept_p2 = np.bincount(inv3, weights=np.where(keep, p2_of_tri, 0.0), minlength=len(ctx3))
    renormalised = (1.0 - kept_p3) / np.maximum(1.0 - kept_p2, 1e-12)
    all_kept = np.bincount(inv3, weights=(~keep).astype(float), minlength=len(ctx3)) == 0
    bow = np.where(all_kept, gamma3, renormalised)
    return np.maximum(bow, 1e-12)
