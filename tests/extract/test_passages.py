"""The hand-labelled passages: each one, and the targets of the issue over all of them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.extract import extract
from pipeline.extract.evaluation import Passage, load_passages, score_passages, symbol_key

DATA = Path(__file__).parent / "data"
PASSAGES = load_passages(DATA / "passages.txt")
HOLDOUT = load_passages(DATA / "passages-holdout.txt")


def test_enough_passages() -> None:
    assert len(PASSAGES) >= 30
    assert sum(1 for p in PASSAGES if p.id.startswith("corpus-")) >= 15


@pytest.mark.parametrize("passage", PASSAGES + HOLDOUT, ids=[p.id for p in PASSAGES + HOLDOUT])
def test_passage(passage: Passage) -> None:
    got = {symbol_key(c.symbol): c for c in extract(passage.text).citations}
    assert sorted(got) == sorted(symbol_key(e.symbol) for e in passage.expected)
    for exp in passage.expected:
        cited = got[symbol_key(exp.symbol)]
        assert (cited.symbol, cited.type, cited.date, cited.year) == (exp.symbol, exp.type, exp.date, exp.year)


@pytest.mark.parametrize("passages", [PASSAGES, HOLDOUT], ids=["development", "holdout"])
def test_targets_over_the_set(passages: list[Passage]) -> None:
    scores = score_passages(passages)
    assert scores.precision >= 0.98
    assert scores.recall >= 0.98
    assert scores.rate(scores.date_ok) >= 0.98
    assert scores.rate(scores.type_ok) >= 0.98
