"""Precomputed readings: stored exactly, used only with the models they came from, and the
same answers as the search they replace."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from pipeline.correct import correct
from pipeline.correct.api import _load_readings, newest
from pipeline.correct.candidates import CandidateGenerator
from pipeline.correct.readings import load_readings, models_fingerprint, save_readings
from pipeline.errors import ModelError
from pipeline.paths import DICTIONARIES_DIR, MODELS_DIR


def test_round_trip_keeps_order_words_and_scores(tmp_path: Path):
    entries = {"cua": [(("của",), -0.5), (("cửa",), -1.25)], "congtac": [(("công", "tác"), -7.0)], "x": []}
    path = tmp_path / "readings-test.npz"
    save_readings(path, entries, "abc", {"script": "test"})
    table = load_readings(path)
    assert len(table) == 3 and table.meta["fingerprint"] == "abc"
    assert table.get("cua") == [(("của",), -0.5), (("cửa",), -1.25)]
    assert table.get("congtac") == [(("công", "tác"), -7.0)]
    assert table.get("x") == [] and table.get("unknown") is None


def test_reading_of_three_words_is_refused(tmp_path: Path):
    with pytest.raises(ValueError):
        save_readings(tmp_path / "r.npz", {"abc": [(("a", "b", "c"), 0.0)]}, "f", {})


def test_a_file_that_is_no_readings_table_raises_model_error(tmp_path: Path):
    bad = tmp_path / "readings-bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ModelError):
        load_readings(bad)
    np.savez(tmp_path / "other.npz", tokens=np.zeros(1))
    with pytest.raises(ModelError):
        load_readings(tmp_path / "other.npz")


def test_table_of_other_models_is_ignored(tmp_path: Path):
    lm_path = newest(MODELS_DIR, "lm-trigram-*.npz")
    channel = newest(MODELS_DIR, "channel*.json.gz")
    save_readings(tmp_path / "readings-x.npz", {"cua": [(("của",), -0.5)]}, "0" * 64, {})
    (tmp_path / lm_path.name).symlink_to(lm_path)
    table, name = _load_readings(tmp_path / lm_path.name, channel, DICTIONARIES_DIR)
    assert table is None and "other models" in name


def test_shipped_table_matches_the_models_it_ships_with(models):
    """A change to the models or the generator without a rebuild of the table fails here."""
    assert models.generator.readings is not None, models.readings_name
    lm_path = newest(MODELS_DIR, "lm-trigram-*.npz")
    assert models.generator.readings.meta["fingerprint"] == models_fingerprint(
        lm_path, MODELS_DIR / models.channel_name, DICTIONARIES_DIR)


def test_shipped_readings_equal_the_search(models):
    """Tokens spread over the whole table (frequent words, skeletons, OCR damage): the stored
    readings are what the search computes now, in the same order."""
    table = models.generator.readings
    search = CandidateGenerator(models.lm, models.lexicon, models.channel)
    tokens = [t for t in table.rows if not t.isdigit()]  # numbers: see the next test
    for token in tokens[:: max(1, len(tokens) // 40)]:
        stored, fresh = table.get(token), search.rank_readings(token)
        assert [w for w, _ in stored] == [w for w, _ in fresh], token
        assert np.allclose([s for _, s in stored], [s for _, s in fresh], atol=1e-4), token


@pytest.mark.parametrize("digits", ["6", "1", "0", "10", "05", "99"])
def test_shipped_number_readings_equal_the_search(models, digits):
    stored = models.generator.readings.get(digits)
    fresh = CandidateGenerator(models.lm, models.lexicon, models.channel).number_readings(digits)
    assert stored is not None and [w for w, _ in stored] == [w for w, _ in fresh]
    assert np.allclose([s for _, s in stored], [s for _, s in fresh], atol=1e-4)


def test_correction_is_the_same_with_and_without_the_table(models):
    text = ("Can cu Quyet dinh s6 436/QP-UBND ngay 11/6/2019 cta UBND tinh ve viec ban hanh\n"
            "ke hoach thuc hien cong tac phong chong thien tai nam 2020 tren dia ban huyen.")
    without = CandidateGenerator(models.lm, models.lexicon, models.channel)
    plain = correct(text, models=replace(models, generator=without))
    assert correct(text, models=models).text == plain.text
