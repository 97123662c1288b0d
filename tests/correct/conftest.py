"""Fixtures of the corrector tests: the shipped models, loaded once per session."""

from __future__ import annotations

import pytest

from pipeline.correct import Models, load_models


@pytest.fixture(scope="session")
def models() -> Models:
    return load_models()
