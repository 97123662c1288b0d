"""Language model: Kneser-Ney values on a tiny corpus, normalisation, storage round trip."""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np
import pytest

from pipeline.correct.kneser_ney import BITS, discounts, estimate
from pipeline.correct.lm import HashIndex, LanguageModel, load_language_model, save_tables
from pipeline.errors import ModelError

VOCAB = ["<s>", "</s>", "a", "b", "c"]


def _stream(sentences: list[list[int]]) -> np.ndarray:
    ids = [1]
    for sentence in sentences:
        ids += [0, *sentence, 1]
    return np.array(ids, dtype=np.int32)


@pytest.fixture(scope="module")
def tiny() -> LanguageModel:
    # "a b", "a b", "c b": few counts, so the fixed discounts 0.5 / 0.75 / 0.9 apply.
    tables = estimate(_stream([[2, 3], [2, 3], [4, 3]]), len(VOCAB), bos=0, eos=1)
    return LanguageModel.from_tables(VOCAB, tables)


def test_kneser_ney_known_values(tiny: LanguageModel) -> None:
    # Unigram: continuation counts a 1, b 2, c 1, </s> 1 of 5, with 0.1% uniform mass.
    p1_b = 0.999 * 2 / 5 + 0.001 / 5
    # Bigram b|a: one continuation, discount 0.5, gamma 0.5.
    p2_b_a = (1 - 0.5) / 1 + 0.5 * p1_b
    # Trigram b|<s> a: count 2 of 2, discount 0.75, gamma 0.75 / 2.
    p3 = (2 - 0.75) / 2 + 0.375 * p2_b_a
    assert math.exp(float(tiny.logprob(0, 2, 3))) == pytest.approx(p3, rel=1e-5)
    # Unseen trigram context (c, a): backs off to the bigram.
    assert math.exp(float(tiny.logprob(4, 2, 3))) == pytest.approx(p2_b_a, rel=1e-5)


def test_discounts_from_count_of_counts() -> None:
    counts = np.array([1] * 10 + [2] * 5 + [3] * 3 + [4] * 2)
    y = 10 / (10 + 2 * 5)
    expected = [1 - 2 * y * 5 / 10, 2 - 3 * y * 3 / 5, 3 - 4 * y * 2 / 3]
    assert discounts(counts) == pytest.approx(expected)


def _random_corpus(seed: int, vocab_size: int) -> np.ndarray:
    rng = random.Random(seed)
    sentences = [[rng.choice(range(2, vocab_size)) for _ in range(rng.randint(1, 8))] for _ in range(300)]
    return _stream(sentences)


@pytest.mark.parametrize("min_count", [1, 2, 3])
@pytest.mark.parametrize("context", [(0, 2), (2, 3), (5, 7), (1, 0), (9, 9)])
def test_distributions_sum_to_one(min_count: int, context: tuple[int, int]) -> None:
    vocab = [f"w{i}" for i in range(12)]
    tables = estimate(_random_corpus(7, 12), len(vocab), bos=0, eos=1, min_trigram_count=min_count)
    lm = LanguageModel.from_tables(vocab, tables)
    total = np.exp(lm.logprob(context[0], context[1], np.arange(len(vocab)))).sum()
    assert total == pytest.approx(1.0, abs=1e-4)


def test_pruning_keeps_only_frequent_trigrams() -> None:
    full = estimate(_random_corpus(3, 12), 12, bos=0, eos=1, min_trigram_count=1)
    pruned = estimate(_random_corpus(3, 12), 12, bos=0, eos=1, min_trigram_count=2)
    assert 0 < len(pruned.tri_keys) < len(full.tri_keys)


def test_save_and_load_round_trip(tmp_path: Path, tiny: LanguageModel) -> None:
    tables = estimate(_random_corpus(5, 12), 12, bos=0, eos=1)
    vocab = [f"w{i}" for i in range(12)]
    save_tables(tmp_path / "lm.npz", vocab, tables, {"test": True})
    loaded = load_language_model(tmp_path / "lm.npz")
    exact = LanguageModel.from_tables(vocab, tables)
    u, v, w = np.meshgrid(np.arange(12), np.arange(12), np.arange(12))
    diff = np.abs(loaded.logprob(u, v, w) - exact.logprob(u, v, w))
    assert loaded.meta == {"test": True} and loaded.vocab == tuple(vocab)
    assert float(diff.max()) < 0.1  # 256-level quantisation


def test_missing_model_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError):
        load_language_model(tmp_path / "absent.npz")


def test_shipped_model_prefers_real_phrases(models) -> None:
    lm = models.lm
    ids = [lm.id_of(w) for w in ("ủy", "ban", "nhân", "dân")]
    assert lm.unk not in ids[1:]
    good = lm.logprob(lm.id_of("uỷ"), ids[1], ids[2])
    bad = lm.logprob(lm.id_of("uỷ"), ids[1], lm.id_of("nhấn"))
    assert good > bad + 3


def test_stored_trigrams_have_stored_contexts(models) -> None:
    """The file stores trigrams under their context bigram, so every trigram's (u v) is a stored
    bigram; the compiled beam skips trigram lookups after contexts that are not."""
    keys = np.random.default_rng(3).choice(models.lm.tri.keys, 100_000)
    assert models.lm.bi.find(keys >> BITS)[1].all()


def test_vocabulary_words_are_their_own_tokens(models) -> None:
    """Every word of letters in the shipped vocabulary is lower case and its own normalised LM
    token, so candidates look such words up directly (CandidateGenerator._word_facts)."""
    from pipeline.correct.tokens import lm_tokens, normalize_token

    words = [w for w in models.lm.vocab if w.isalpha()]
    assert len(words) > 5000
    assert [w for w in words if lm_tokens(w) != [w] or normalize_token(w) != w] == []


@pytest.mark.parametrize("size", [1, 2, 7, 1000, 50_000])
def test_hash_index_finds_exactly_the_stored_keys(size: int) -> None:
    rng = np.random.default_rng(size)
    keys = np.unique(rng.integers(0, 1 << 62, size * 2, dtype=np.int64))[:size]
    index, order = HashIndex.build(keys)
    absent = rng.integers(0, 1 << 62, 1000, dtype=np.int64)
    query = np.concatenate([keys, absent, keys[::-1]])
    pos, hit = index.find(query)
    assert np.array_equal(hit, np.isin(query, keys))
    assert np.array_equal(index.keys[pos[hit]], query[hit])
    assert np.array_equal(keys[order], index.keys)


def test_hash_filter_never_rejects_a_stored_key() -> None:
    keys = np.unique(np.random.default_rng(1).integers(0, 1 << 62, 100_000, dtype=np.int64))
    index, _ = HashIndex.build(keys)
    absent = np.random.default_rng(2).integers(0, 1 << 62, 100_000, dtype=np.int64)
    assert index.may_hold(keys).all()
    assert index.may_hold(absent).mean() < 0.1  # 16 bits per bucket: ~4% false positives


def _check_context_max(lm: LanguageModel, sample: np.ndarray) -> None:
    keys = lm.tri.keys[sample]
    context, hit = lm.bi.find(keys >> BITS)
    assert hit.all()
    assert (lm.tri_lp[sample] <= lm.context_max[context]).all()
    # the bound is attained: each context's largest trigram value is its bound
    best = {}
    for c, value in zip(context.tolist(), lm.tri_lp[sample].tolist(), strict=True):
        best[c] = max(best.get(c, -np.inf), value)
    assert sum(lm.context_max[c] == v for c, v in best.items()) > 0


def test_context_max_bounds_every_trigram_after_its_context(models) -> None:
    """The compiled beam skips pairs whose score cannot reach the beam, bounding a word's
    log probability after a context by the context's largest stored trigram (or the backoff)."""
    _check_context_max(models.lm, np.random.default_rng(4).choice(len(models.lm.tri.keys), 200_000, replace=False))
    tables = estimate(_random_corpus(5, 12), 12, bos=0, eos=1)
    small = LanguageModel.from_tables([f"w{i}" for i in range(12)], tables)
    _check_context_max(small, np.arange(len(small.tri.keys)))
    stored = small.tri.keys >> BITS
    context_of_all, _ = small.bi.find(stored)
    expected = np.full(len(small.bi.keys), -np.inf)
    np.maximum.at(expected, context_of_all, small.tri_lp)
    assert np.array_equal(small.context_max, expected)
