"""Fixtures of the extraction tests: the labelled seed and passages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pipeline.extract import ReportStructure, extract

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def seed_text() -> str:
    return (DATA / "seed-binhson-2022.corrected.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_ocr_text() -> str:
    return (DATA / "seed-binhson-2022.ocr.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_expected() -> dict[str, Any]:
    return json.loads((DATA / "seed-binhson-2022.expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def seed_structure(seed_text: str) -> ReportStructure:
    return extract(seed_text)
