"""The sample scans in samples/: complete, documented, small, and up to date with the renderer."""

from __future__ import annotations

import importlib.util
import json
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

import numpy as np
import pypdfium2
import pytest
from PIL import Image

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
SCANS = [rec for rec in MANIFEST["files"] if "ground_truth" in rec]
MAX_TOTAL_BYTES = 15_000_000


@lru_cache(maxsize=1)
def make_samples_module():
    """scripts/make_samples.py imported as a module (it is not part of the package)."""
    path = SAMPLES.parent / "scripts" / "make_samples.py"
    spec = importlib.util.spec_from_file_location("make_samples", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_samples"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def page_count(path: Path) -> int:
    if path.suffix == ".pdf":
        return len(pypdfium2.PdfDocument(path))
    with Image.open(path) as image:
        return getattr(image, "n_frames", 1)


@pytest.mark.parametrize("rec", SCANS, ids=lambda r: r["file"])
def test_scan_has_its_ground_truth_page_by_page(rec):
    truth = (SAMPLES / rec["ground_truth"]).read_text(encoding="utf-8")
    assert unicodedata.is_normalized("NFC", truth)
    pages = truth.rstrip("\n").split("\n\f\n")
    assert len(pages) == len(rec["pages"]) == page_count(SAMPLES / rec["file"])
    assert all(page.strip() for page in pages)


@pytest.mark.parametrize("rec", [r for r in SCANS if r["ext"] != "pdf"], ids=lambda r: r["file"])
def test_image_records_its_resolution(rec):
    with Image.open(SAMPLES / rec["file"]) as image:
        assert [round(v) for v in image.info["dpi"]] == [rec["dpi"], rec["dpi"]]
        a4_width = round(210 / 25.4 * rec["dpi"])
        width = image.size[1] if rec["condition"] == "rotated90" else image.size[0]
        assert abs(width - a4_width) <= 1


def test_every_file_is_documented_and_listed():
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    listed = {rec["file"] for rec in MANIFEST["files"]} | {r["ground_truth"] for r in SCANS}
    on_disk = {p.name for p in SAMPLES.iterdir() if p.is_file()} - {"README.md", "manifest.json"}
    assert listed == on_disk
    assert all(f"`{rec['file']}`" in readme for rec in MANIFEST["files"])


def test_samples_stay_small():
    total = sum(p.stat().st_size for p in SAMPLES.rglob("*") if p.is_file())
    assert total < MAX_TOTAL_BYTES


@lru_cache(maxsize=1)
def rendered_sources():
    """Every sample source rendered as the script renders it today."""
    return make_samples_module().render_sources(SAMPLES)[1]


def test_ground_truth_matches_the_renderer_today():
    module = make_samples_module()
    rendered = rendered_sources()
    for rec in SCANS:
        pages = [rendered[rec["source"], rec["font"]][n - 1] for n in rec["pages"]]
        expected = module.PAGE_SEPARATOR.join(p.text for p in pages) + "\n"
        assert (SAMPLES / rec["ground_truth"]).read_text(encoding="utf-8") == expected, rec["file"]


CLEAN_PNGS = [r for r in SCANS if r["condition"] == "clean" and r["ext"] == "png"]


@pytest.mark.parametrize("rec", CLEAN_PNGS, ids=lambda r: r["file"])
def test_clean_png_matches_the_renderer_today(rec):
    page = rendered_sources()[rec["source"], rec["font"]][rec["pages"][0] - 1]
    with Image.open(SAMPLES / rec["file"]) as image:
        stored = np.asarray(image.convert("L"), dtype=np.int16)
    # identical here; the tolerance only absorbs anti-aliasing of another FreeType build,
    # a moved or changed line of text differs by far more
    assert np.abs(stored - np.asarray(page.image, dtype=np.int16)).mean() < 1.0


@pytest.mark.tesseract
def test_the_photocopy_sample_is_hard_for_plain_tesseract_but_not_destroyed(monkeypatch):
    """The issue measures plain Tesseract at about 5% CER on real photocopies."""
    import pytesseract  # the tesseract marker skips this test where the engine or vie is missing

    from pipeline.metrics import cer

    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    name = "kehoach-tunghia-2023.p2.photocopy"
    with Image.open(SAMPLES / f"{name}.png") as image:
        hypothesis = pytesseract.image_to_string(image, lang="vie", config="--dpi 300")
    assert 0.02 < cer(hypothesis, (SAMPLES / f"{name}.gt.txt").read_text(encoding="utf-8")) < 0.10
