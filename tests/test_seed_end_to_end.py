"""The seed report (legacy English-model OCR) through the whole pipeline: corrected, its
structure extracted, loaded, and its plans listed by year, against hand labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.errors import ExitCode

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "samples" / "report-binhson-2022.ocr.txt"
LABELS = json.loads((REPO / "tests" / "extract" / "data" / "seed-binhson-2022.expected.json").read_text())


@pytest.fixture(scope="module")
def processed(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("seed")
    assert main(["process", str(SEED), "-o", str(out), "--progress", "none"]) == ExitCode.OK
    return out


def test_every_cited_document_with_its_type_symbol_and_date(processed):
    structure = json.loads((processed / "report-binhson-2022.ocr.json").read_text())
    found = {(c["type"], c["symbol"], c["date"]) for c in structure["citations"]}
    assert found == {tuple(c[:3]) for c in LABELS["citations"]}


def test_the_four_top_sections_and_the_header(processed):
    structure = json.loads((processed / "report-binhson-2022.ocr.json").read_text())
    top = [(s["number"], s["title"]) for s in structure["sections"] if s["level"] == 1]
    assert top == [(n, t) for n, t, _ in LABELS["top_sections"]]
    document = structure["document"]
    for field in ("type", "symbol", "number", "place", "date", "recipients"):
        assert document[field] == LABELS["document"][field], field


def test_plans_by_year_lists_the_plans_the_report_names(processed, capsys):
    capsys.readouterr()
    db = str(processed / "vanthu.sqlite")
    assert main(["plans", "--by-year", "--from", "2019", "--to", "2022", "--format", "json", "--db", db]) == 0
    plans = {(p["year"], p["symbol"], p["date"]) for p in json.loads(capsys.readouterr().out)}
    labelled = {(c[3], c[1], c[2]) for c in LABELS["citations"] if c[0] == "Kế hoạch" and 2019 <= c[3] <= 2022}
    assert plans == labelled
