"""The syllable trigram language model at run time: compact storage, loading, vectorised scoring.

Stored as one ``.npz`` (no pickle): the vocabulary as UTF-8 text, bigrams and trigrams as
compressed-sparse rows (word ids as uint16 under their context, counts per context) and every
log probability or backoff weight as a uint8 code into a 256-entry codebook.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pipeline.correct.kneser_ney import BITS, MASK, NgramTables
from pipeline.correct.tokens import BOS, EOS, UNK
from pipeline.errors import ModelError


def _quantize(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """uint8 codes and a float32 codebook (256 quantiles) for ``values``."""
    if len(values) == 0:
        return np.zeros(0, np.uint8), np.zeros(1, np.float32)
    book = np.unique(np.quantile(values, np.linspace(0.0, 1.0, 256)).astype(np.float32))
    mids = (book[1:] + book[:-1]) / 2
    return np.searchsorted(mids, values).astype(np.uint8), book


def save_tables(path: Path, vocab: list[str], tables: NgramTables, meta: dict) -> None:
    """Write the model compactly (see module doc)."""
    v = len(vocab)
    if v > 65535:
        raise ValueError("vocabulary too large for uint16 storage")
    bi_ctx = tables.bi_keys >> BITS
    tri_ctx_index = np.searchsorted(tables.bi_keys, tables.tri_keys >> BITS)
    arrays: dict[str, np.ndarray] = {
        "vocab": np.frombuffer("\n".join(vocab).encode("utf-8"), np.uint8),
        "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode("utf-8"), np.uint8),
        "uni_lp": tables.uni_lp.astype(np.float32),
        "uni_bow": tables.uni_bow.astype(np.float32),
        "bi_count": np.bincount(bi_ctx, minlength=v).astype(np.uint32),
        "bi_word": (tables.bi_keys & MASK).astype(np.uint16),
        "tri_count": np.bincount(tri_ctx_index, minlength=len(tables.bi_keys)).astype(np.uint32),
        "tri_word": (tables.tri_keys & MASK).astype(np.uint16),
    }
    for name, values in (("bi_lp", tables.bi_lp), ("bi_bow", tables.bi_bow), ("tri_lp", tables.tri_lp)):
        arrays[name], arrays[name + "_book"] = _quantize(values)
    np.savez_compressed(path, **arrays)


_GOLDEN = np.uint64(0x9E3779B97F4A7C15)  # 2**64 / golden ratio: Fibonacci hashing
FILTER_BITS = 4  # filter bits per bucket, as a power of two: 16; a missing key passes ~4% of the time


@dataclass(frozen=True, slots=True)
class HashIndex:
    """Distinct int64 keys grouped in hash buckets: a lookup reads about one key, not ~23.

    ``keys`` holds the keys bucket after bucket (bucket ``b`` is ``keys[start[b]:start[b+1]]``);
    values belonging to the keys are stored in the same order (see :meth:`build`). ``filter``
    has one bit per 1/16 bucket, set where a key hashes: most missing keys stop at that bit.
    ``widest`` is the size of the largest bucket.
    """

    keys: np.ndarray
    start: np.ndarray
    filter: np.ndarray
    shift: np.uint64
    widest: int

    @classmethod
    def build(cls, keys: np.ndarray) -> tuple[HashIndex, np.ndarray]:
        """The index and the permutation that puts values of ``keys`` in its order.

        About one bucket per key (the next power of two): a third of the buckets hold one key.
        """
        bits = max(int(len(keys) - 1).bit_length(), 1)
        shift = np.uint64(64 - bits - FILTER_BITS)
        fine = _hash(keys, shift).astype(np.uint32)  # bits + FILTER_BITS < 32: sorts faster, half the memory
        sizes = np.bincount(fine >> FILTER_BITS, minlength=1 << bits)
        widest = int(sizes.max())
        start = np.zeros((1 << bits) + 1, dtype=np.int32)
        np.cumsum(sizes, out=start[1:])
        del sizes
        order = _order_of(fine, bits)  # by bucket (fine's top bits)
        fine = fine[order]
        marks = np.zeros(1 << (bits + FILTER_BITS - 3), dtype=np.uint8)
        if len(fine):  # set the filter bits, one OR per byte over the sorted bit indices
            fine_bits = (fine & 7).astype(np.uint8)
            np.left_shift(np.uint8(1), fine_bits, out=fine_bits)
            fine >>= 3  # now the byte of each bit
            firsts = np.concatenate(([0], np.flatnonzero(fine[1:] != fine[:-1]) + 1))
            marks[fine[firsts]] = np.bitwise_or.reduceat(fine_bits, firsts)
        del fine
        return cls(keys[order], start, marks, shift, widest), order

    def may_hold(self, query: np.ndarray) -> np.ndarray:
        """False where ``query`` is certainly absent (true for all present keys)."""
        return _bits(self.filter, _hash(query, self.shift)) == 1

    def find(self, query: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Positions of ``query`` (1-D int64) in ``keys`` and whether they are there.

        A query past the filter is compared at once with the ``widest`` keys from the start of
        its bucket, with no loop over the bucket: the keys are distinct, so a key equal to the
        query lies in the query's bucket, and the keys read past the bucket's end never match.
        """
        pos = np.zeros(len(query), dtype=np.intp)
        hit = np.zeros(len(query), dtype=bool)
        fine = _hash(query, self.shift)
        todo = np.nonzero(_bits(self.filter, fine))[0]
        if len(todo):
            at = self.start[fine[todo] >> FILTER_BITS]
            wanted = query[todo]
            window = self.keys.take(at[:, None] + np.arange(self.widest), mode="clip")  # clip: the last bucket
            found = at + (window == wanted[:, None]).argmax(axis=1)  # no match: argmax 0
            pos[todo] = found
            hit[todo] = self.keys[found] == wanted
        return pos, hit


def _order_of(fine: np.ndarray, bits: int) -> np.ndarray:
    """The stable sorting order of ``fine`` (values of ``bits`` + FILTER_BITS bits, fewer than
    2**bits of them): each value packed above its index and the packed values sorted, which
    takes half the time of an argsort (loading sorts the 5.9 million trigrams)."""
    if 2 * bits + FILTER_BITS > 64:
        return np.argsort(fine, kind="stable")
    packed = (fine.astype(np.uint64) << np.uint64(bits)) | np.arange(len(fine), dtype=np.uint64)
    packed.sort()
    packed &= np.uint64((1 << bits) - 1)
    return packed.astype(np.intp)


def _hash(keys: np.ndarray, shift: np.uint64) -> np.ndarray:
    """Top bits of key * golden (the multiplication wraps around): bucket and filter bit."""
    return ((keys.view(np.uint64) * _GOLDEN) >> shift).astype(np.intp)


def _bits(bits: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Bit ``index`` of a little-endian packed bit array, as 0 or 1 (shifts: fewer calls than a mask table)."""
    return (bits[index >> 3] >> (index & 7)) & 1


@dataclass(frozen=True, slots=True)
class LanguageModel:
    """A trigram model in backoff form; ``logprob`` scores arrays of (u, v, w) ids at once.

    Bigram and trigram values are stored in the order of their :class:`HashIndex`.
    """

    vocab: tuple[str, ...]
    uni_lp: np.ndarray
    uni_bow: np.ndarray
    bi: HashIndex
    bi_lp: np.ndarray
    bi_bow: np.ndarray
    tri: HashIndex
    tri_lp: np.ndarray
    context_max: np.ndarray
    meta: dict = field(default_factory=dict)
    index: dict = field(default_factory=dict)

    @classmethod
    def build(cls, vocab: list[str] | tuple[str, ...], uni: tuple[np.ndarray, np.ndarray],
              bigrams: tuple[np.ndarray, np.ndarray, np.ndarray], trigrams: tuple[np.ndarray, np.ndarray],
              meta: dict | None = None, per_context: np.ndarray | None = None) -> LanguageModel:
        """From (lp, bow) of unigrams, (keys, lp, bow) of bigrams and (keys, lp) of trigrams,
        keys ascending; ``per_context``: how many trigrams each bigram is the context of, if
        known (the file stores it)."""
        if per_context is None:
            per_context = np.bincount(np.searchsorted(bigrams[0], trigrams[0] >> BITS), minlength=len(bigrams[0]))
        bi, bi_order = HashIndex.build(bigrams[0])
        tri, tri_order = HashIndex.build(trigrams[0])
        context_max = _context_max(trigrams[1], per_context)[bi_order]
        return cls(tuple(vocab), uni[0], uni[1], bi, bigrams[1][bi_order], bigrams[2][bi_order], tri,
                   trigrams[1][tri_order], context_max, meta or {}, {w: i for i, w in enumerate(vocab)})

    @classmethod
    def from_tables(cls, vocab: list[str], t: NgramTables, meta: dict | None = None) -> LanguageModel:
        """Wrap freshly estimated tables (tests, builder)."""
        return cls.build(vocab, (t.uni_lp, t.uni_bow), (t.bi_keys, t.bi_lp, t.bi_bow), (t.tri_keys, t.tri_lp), meta)

    @property
    def bos(self) -> int:
        return self.index[BOS]

    @property
    def eos(self) -> int:
        return self.index[EOS]

    @property
    def unk(self) -> int:
        return self.index[UNK]

    def id_of(self, token: str) -> int:
        """Id of a vocabulary token, ``<unk>`` for anything else."""
        return self.index.get(token, self.index[UNK])

    def logprob(self, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Natural-log P(w | u v) for arrays of ids (broadcast together)."""
        arrays = np.broadcast_arrays(u, v, w)
        shape = arrays[0].shape
        u, v, w = (np.asarray(a, dtype=np.int64).ravel() for a in arrays)
        weight, bigram = self.backoff_parts(u, v, v, w)
        return self.with_trigrams(u, v, w, weight + bigram).reshape(shape)

    def context_weight(self, u: np.ndarray, v: np.ndarray) -> np.ndarray:
        """Backoff weight (log, float32) of the contexts (u v); 0 where (u v) is no bigram."""
        ctx, hit = self.bi.find((u << BITS) | v)
        return np.where(hit, self.bi_bow[ctx], 0.0)

    def bigram_logprob(self, v: np.ndarray, w: np.ndarray) -> np.ndarray:
        """log P(w | v) (float32), through the unigram where (v w) is no bigram."""
        bi, hit = self.bi.find((v << BITS) | w)
        return np.where(hit, self.bi_lp[bi], self.uni_bow[v] + self.uni_lp[w])

    def backoff_parts(self, u: np.ndarray, v: np.ndarray, pv: np.ndarray, pw: np.ndarray
                      ) -> tuple[np.ndarray, np.ndarray]:
        """context_weight(u, v) and bigram_logprob(pv, pw) with one lookup (fewer numpy calls)."""
        pos, hit = self.bi.find(np.concatenate([(u << BITS) | v, (pv << BITS) | pw]))
        ctx, ctx_hit, bi, bi_hit = pos[: len(u)], hit[: len(u)], pos[len(u) :], hit[len(u) :]
        return (np.where(ctx_hit, self.bi_bow[ctx], 0.0),
                np.where(bi_hit, self.bi_lp[bi], self.uni_bow[pv] + self.uni_lp[pw]))

    def with_trigrams(self, u: np.ndarray, v: np.ndarray, w: np.ndarray, backoff: np.ndarray) -> np.ndarray:
        """log P(w | u v): the trigram's value where it is stored, else ``backoff``.

        ``backoff`` must be context_weight(u, v) + bigram_logprob(v, w); callers that score
        many words after few contexts compute those parts once per context.
        """
        return self.trigram_logprob((u << (2 * BITS)) | (v << BITS) | w, backoff)

    def trigram_logprob(self, keys: np.ndarray, backoff: np.ndarray) -> np.ndarray:
        """:meth:`with_trigrams` of the trigrams packed in ``keys`` (u << 42 | v << 21 | w)."""
        tri, hit = self.tri.find(keys)
        out = backoff.astype(np.float64)
        out[hit] = self.tri_lp[tri[hit]]
        return out


def _context_max(tri_lp: np.ndarray, per_context: np.ndarray) -> np.ndarray:
    """For each bigram, the largest log probability of the trigrams stored under it as their
    context (-inf: none), from the trigrams' values grouped by context and the group sizes:
    with the context's backoff it bounds every word's log probability after that context,
    which lets the compiled beam skip pairs that cannot reach it."""
    out = np.full(len(per_context), -np.inf, dtype=tri_lp.dtype)
    stored = np.flatnonzero(per_context)
    if len(stored):
        counts = per_context.astype(np.int64)
        starts = np.cumsum(counts) - counts
        out[stored] = np.maximum.reduceat(tri_lp, starts[stored])
    return out


def load_language_model(path: Path) -> LanguageModel:
    """Load a model written by :func:`save_tables`; ModelError when missing or corrupt."""
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {name: z[name] for name in z.files}
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(f"cannot load language model {path}: {exc}",
                         hint="rebuild it with: python scripts/build_models.py") from exc
    vocab = arrays["vocab"].tobytes().decode("utf-8").split("\n")
    bi_ctx = np.repeat(np.arange(len(vocab), dtype=np.int64), arrays["bi_count"])
    bi_keys = (bi_ctx << BITS) | arrays["bi_word"].astype(np.int64)
    per_context = arrays.pop("tri_count")
    tri_keys = np.repeat(bi_keys, per_context)
    tri_keys <<= BITS  # in place: no second 47 MB array at load
    tri_keys |= arrays.pop("tri_word")
    decode = {n: arrays[n + "_book"][arrays[n]] for n in ("bi_lp", "bi_bow", "tri_lp")}
    meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    return LanguageModel.build(vocab, (arrays["uni_lp"], arrays["uni_bow"]),
                               (bi_keys, decode["bi_lp"], decode["bi_bow"]), (tri_keys, decode["tri_lp"]), meta,
                               per_context)
