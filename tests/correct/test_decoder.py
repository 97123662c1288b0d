"""Decoder: the lockstep batch, numpy and compiled, gives the per-segment Viterbi result;
small lattices by hand."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from pipeline.correct import batch_decoder, decoder
from pipeline.correct.api import decoder_settings, slot_candidates
from pipeline.correct.batch_decoder import (FLOOR_MIN_PAIRS, _pairs, _pieces, _prune, _prune_fast, compiled_for,
                                            decode_many)
from pipeline.correct.candidates import Candidate, CandidateSet
from pipeline.correct.decoder import DecoderSettings, decode
from pipeline.correct.kneser_ney import BITS
from pipeline.correct.segment import paragraphs, sentences

TEXTS = [
    "Uy ban nhan dan tinh. Bao cao ket qua thuc hien nhiem vu nam 2022.\nDe nghi cac don vi phoi hop.",
    "Căn cứ Luật Tổ chức chính quyền địa phương. Xét đề nghị của Giám đốc Sở Nội vụ.",
    "Ket qué thyc hi¢n Quyét dinh s6 12/QP-UBND ngay 5/3/2020 cta UBND tinh",
    "a",
]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("beam", [1, 3, 8])
def test_batch_equals_one_by_one(models, beam_code: str, text: str, beam: int) -> None:
    units = [s for p in paragraphs(text.split("\n")) for s in sentences(p)]
    settings = decoder_settings(models.settings, [s for u in units for s in u], models.lexicon)
    settings = DecoderSettings(settings.channel_weight, settings.keep_bonus, beam, settings.marks_stripped,
                               settings.trust)
    cands = [slot_candidates(models, unit) for unit in units]
    assert decode_many(models.lm, cands, settings) == [decode(models.lm, c, settings) for c in cands]


def test_sentences_cut_before_capitals_only(models) -> None:
    slots = paragraphs(["Điều 5. Trách nhiệm thi hành. xem 5.3 tại đây"])[0]
    parts = sentences(slots)
    assert [p[0].text for p in parts] == ["Điều", "Trách"]


def test_lm_decides_between_equal_channel_scores(models) -> None:
    """With the channel indifferent, the decoder follows the language model."""
    gen = models.generator
    cands = [gen.for_slot("uy"), gen.for_slot("ban"), gen.for_slot("nhan"), gen.for_slot("dan")]
    settings = DecoderSettings(channel_weight=0.0, beam=8)
    chosen = decode(models.lm, cands, settings)
    words = [c[i].words[0] for c, i in zip(cands, chosen, strict=True)]
    assert words == ["uỷ", "ban", "nhân", "dân"]


def test_empty_batch() -> None:
    assert decode_many(None, [], DecoderSettings()) == []  # type: ignore[arg-type]


def test_channel_scores_stay_finite(models) -> None:
    cands = models.generator.for_slot("ctia")
    assert np.isfinite(cands.channel).all() and len(cands) > 1


def _random_sets(seed: int, vocab: int, lengths: list[int], single: float = 0.0) -> list[list[CandidateSet]]:
    """Segments of random candidate sets, many readings sharing LM ids (recombined states);
    a share ``single`` of the slots have one reading (as numbers and punctuation do)."""
    rng = np.random.default_rng(seed)
    segments = []
    for length in lengths:
        slots = []
        for _ in range(length):
            n = 1 if rng.random() < single else int(rng.integers(1, 40))
            items = tuple(Candidate((f"w{i}",), tuple(int(x) for x in rng.integers(3, vocab, rng.integers(1, 3))),
                                    float(rng.normal(0, 3)), i == 0) for i in range(n))
            slots.append(CandidateSet.of(items))
        segments.append(slots)
    return segments


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("vocab", [6, 40, 2000])
def test_batch_equals_one_by_one_on_random_lattices(models, beam_code: str, seed: int, vocab: int) -> None:
    segments = _random_sets(seed, vocab, [1, 5, 17, 30])
    for beam in (1, 8, 40):
        settings = DecoderSettings(beam=beam)
        assert decode_many(models.lm, segments, settings) == [decode(models.lm, s, settings) for s in segments]


def test_compiled_beam_runs_on_the_shipped_model_only(models) -> None:
    """The compiled beam reads the float32 arrays of a model loaded from disk; a model
    estimated in memory (float64) and beams wider than its arrays go to the numpy beam."""
    built = decoder._beam is not None
    assert compiled_for(models.lm, DecoderSettings(beam=8)) == built
    assert not compiled_for(models.lm, DecoderSettings(beam=batch_decoder.MAX_COMPILED_BEAM + 1))
    in_memory = replace(models.lm, uni_lp=models.lm.uni_lp.astype(np.float64))
    assert not compiled_for(in_memory, DecoderSettings(beam=8))


def test_compiled_advance_gives_the_numpy_sums(models, monkeypatch) -> None:
    """decoder._advance compiled and in numpy: the same states and the same float64 totals,
    -1 ids skipped wherever they are (the words after a slot may be one or none)."""
    if decoder._beam is None:
        pytest.skip("the compiled beam was not built (no C compiler when vanthu was installed)")
    rng = np.random.default_rng(5)
    vocab = len(models.lm.vocab)
    ids = rng.integers(0, vocab, (500, 3))
    ids[rng.random(ids.shape) < 0.3] = -1
    u, v = rng.integers(0, vocab, 800), rng.integers(0, vocab, 800)
    total, rows = rng.normal(0, 5, 800), rng.integers(0, 500, 800)
    # and real text, whose trigrams are stored: rows 0-9 read on from its words k and k+1
    words = [models.lm.id_of(w) for w in "uỷ ban nhân dân tỉnh báo cáo kết quả thực hiện nhiệm vụ năm".split()]
    for k in range(10):
        ids[k], u[k], v[k], rows[k] = words[k + 2 : k + 5], words[k], words[k + 1], k
    compiled = decoder._advance(models.lm, u, v, total, ids, rows)
    monkeypatch.setattr(decoder, "COMPILED", False)
    plain = decoder._advance(models.lm, u, v, total, ids, rows)
    for got, expected in zip(compiled, plain, strict=True):
        assert np.array_equal(got, expected)


def _plain_prune(key: np.ndarray, total: np.ndarray, beam: int) -> list[int]:
    """What _prune must keep, written plainly: the best pair per key (the first on ties), then
    per segment the ``beam`` best, ordered by segment, score (best first) and key."""
    best: dict[int, int] = {}
    for i, k in enumerate(key.tolist()):
        if k not in best or total[i] > total[best[k]]:
            best[k] = i
    ranked = sorted(best.values(), key=lambda i: (key[i] >> (2 * BITS), -total[i], key[i]))
    taken: dict[int, int] = {}
    out = []
    for i in ranked:
        segment = int(key[i] >> (2 * BITS))
        taken[segment] = taken.get(segment, 0) + 1
        if taken[segment] <= beam:
            out.append(i)
    return out


def _random_step(seed: int, segments: int, words: int):
    """States of a step and all their (state, candidate) pairs, with many equal scores and
    candidates sharing words (``words`` distinct ids), as _prune_fast receives them."""
    rng = np.random.default_rng(seed)
    states = rng.integers(1, 9, segments)
    seg = np.repeat(np.arange(segments), states)
    total = rng.integers(-40, 0, len(seg)) / 4.0
    v = rng.integers(0, words, len(seg))
    count = rng.integers(1, 40, segments)[seg]
    rep, local = _pairs(count)
    w = rng.integers(0, words, len(rep))
    key = (seg[rep] << (2 * BITS)) | (v[rep] << BITS) | w
    step = total[rep] + rng.integers(-30, 0, len(rep)) / 4.0
    return seg, total, rep, local, key, step


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("words", [3, 30, 3000])
def test_prune_keeps_the_plain_best_states(seed: int, words: int) -> None:
    _, _, _, _, key, step = _random_step(seed, 12, words)
    for beam in (1, 3, 8):
        assert _prune(key, step, beam).tolist() == _plain_prune(key, step, beam)


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("words", [3, 30, 3000])
def test_prune_fast_equals_prune(seed: int, words: int) -> None:
    seg, total, rep, local, key, step = _random_step(seed, 80, words)
    assert len(step) >= FLOOR_MIN_PAIRS  # the floor is used
    for beam in (1, 3, 8):
        assert np.array_equal(_prune_fast(seg, total, rep, local, key, step, beam), _prune(key, step, beam))


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_segments_cut_where_the_state_is_certain_decode_as_a_whole(models, beam_code: str, seed: int) -> None:
    """Pieces cut after one-reading slots (two LM ids, or two such slots in a row) are decoded
    side by side from the state there; the choices are those of the whole segment."""
    segments = _random_sets(seed, 2000, [3, 25, 60], single=0.4)
    assert sum(len(_pieces(s, models.lm)) for s in segments) > len(segments) + 3  # the cuts are exercised
    for beam in (1, 8):
        settings = DecoderSettings(beam=beam)
        assert decode_many(models.lm, segments, settings) == [decode(models.lm, s, settings) for s in segments]


def test_pieces_start_from_the_state_after_the_cut(models) -> None:
    one = CandidateSet.of((Candidate(("2019",), (7,), 0.0, True),))
    two_ids = CandidateSet.of((Candidate(("m3",), (8, 9), 0.0, True),))
    many = CandidateSet.of(tuple(Candidate((f"w{i}",), (10 + i,), 0.0, i == 0) for i in range(3)))
    pieces = _pieces([many, one, one, many, two_ids, many, one], models.lm)
    assert [(len(p.slots), p.u, p.v, p.first) for p in pieces] == [
        (3, models.lm.eos, models.lm.bos, True), (2, 7, 7, False), (2, 8, 9, False)]


@pytest.mark.parametrize("seed", range(4))
def test_top_ranks_by_probability_then_position(beam_code: str, seed: int) -> None:
    """The edit log's alternatives: per segment the likeliest entries first, equal ones in
    their order (numpy's stable sort; the compiled version gives the same)."""
    from pipeline.correct.api import _top_ranks

    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 40, 30)
    probs = np.round(rng.random(int(sizes.sum())), 1)  # many equal ones
    starts = np.cumsum(sizes) - sizes
    for keep in (1, 4):
        expected = [sorted(range(n), key=lambda i, s=s: (-probs[s + i], i))[:keep] for s, n in zip(starts, sizes)]
        assert _top_ranks(probs, starts, keep) == expected


def test_candidate_set_columns_hold_each_field() -> None:
    items = (Candidate(("một",), (5,), -1.5, True, True, False, -0.25),
             Candidate(("20", "tháng"), (7, 8), -3.0, False, False, True, -9.0))
    cands = CandidateSet.of(items)
    assert cands.ids.tolist() == [[5, -1], [7, 8]]
    assert cands.channel.tolist() == [-1.5, -3.0] and cands.penalty.tolist() == [-0.25, -9.0]
    assert cands.identity.tolist() == [True, False] and cands.same_skeleton.tolist() == [False, True]
    assert CandidateSet.of(items[:1]).ids.tolist() == [[5]]


@pytest.mark.parametrize("seed", [0, 1])
def test_readings_scored_minus_infinity_are_left_out(models, beam_code: str, seed: int) -> None:
    """An extra score of -inf leaves a reading out of decoding, in the compiled beam as in
    numpy: the choices are those made among the other readings alone."""
    segments = _random_sets(seed, 2000, [1, 5, 17, 30], single=0.2)
    rng = np.random.default_rng(seed)
    kept = [[np.flatnonzero(rng.random(len(s)) < 0.4) for s in segment] for segment in segments]
    kept = [[k if len(k) else np.array([0]) for k in segment] for segment in kept]
    extra = np.concatenate([np.where(np.isin(np.arange(len(s)), k), 0.0, -np.inf)
                            for segment, ks in zip(segments, kept, strict=True) for s, k in zip(segment, ks, strict=True)])
    fewer = [[CandidateSet.of(tuple(s.items[i] for i in k)) for s, k in zip(segment, ks, strict=True)]
             for segment, ks in zip(segments, kept, strict=True)]
    for beam in (1, 8):
        settings = DecoderSettings(beam=beam)
        chosen = decode_many(models.lm, segments, settings, extra)
        among_kept = decode_many(models.lm, fewer, settings)
        assert chosen == [[int(k[i]) for k, i in zip(ks, picks, strict=True)]
                          for ks, picks in zip(kept, among_kept, strict=True)]


@pytest.mark.parametrize("widths", [[1, 1], [1, 2, 3], [2, 5, 1, 4], [3]])
def test_stacked_ids_pad_every_reading_to_the_longest(widths: list[int]) -> None:
    from pipeline.correct.decoder import stacked_ids

    sets = [CandidateSet.of(tuple(Candidate((f"w{k}",), tuple(range(10 * k, 10 * k + 1 + (w - 1) * (i % 2))), 0.0)
                                  for i in range(3))) for k, w in enumerate(widths)]
    width = max(s.ids.shape[1] for s in sets)
    expected = [list(c.ids) + [-1] * (width - len(c.ids)) for s in sets for c in s.items]
    stacked = stacked_ids(sets)
    assert stacked.tolist() == expected and stacked.flags.c_contiguous
