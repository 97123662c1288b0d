"""Fixtures of the corrector tests: the shipped models, loaded once per session."""

from __future__ import annotations

import pytest

from pipeline.correct import Models, align, decoder, load_models


@pytest.fixture(scope="session")
def models() -> Models:
    return load_models()


def _both_ways(request, monkeypatch, module, built: bool) -> str:
    """Run a test with ``module``'s Python or numpy code, then with its compiled module (skipped
    where that was not built: no C compiler when vanthu was installed)."""
    if request.param == "compiled" and not built:
        pytest.skip(f"{module.__name__}'s compiled module was not built")
    monkeypatch.setattr(module, "COMPILED", request.param == "compiled")
    return request.param


@pytest.fixture(params=["numpy", "compiled"])
def beam_code(request, monkeypatch) -> str:
    """decode_many with the numpy beam, then with the compiled one."""
    return _both_ways(request, monkeypatch, decoder, decoder._beam is not None)


@pytest.fixture(params=["python", "compiled"])
def segment_dp(request, monkeypatch) -> str:
    """SegmentTable's Python DP, then the compiled one."""
    return _both_ways(request, monkeypatch, align, align._segments is not None)
