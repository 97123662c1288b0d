"""Output writers (JSON, hOCR, ALTO) and atomic writes."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

import pytest

from pipeline import outputs
from pipeline.fsutil import atomic_write
from pipeline.models import BBox, OcrLine, OcrPage, OcrWord


def page() -> OcrPage:
    words = (OcrWord("Quyết", BBox(10, 20, 90, 60), 96.5), OcrWord("định", BBox(100, 20, 160, 60), 88.0))
    line = OcrLine(words=words, bbox=BBox(10, 20, 160, 60), block=0)
    return OcrPage(source="a.png", page_index=0, width=2480, height=3508, dpi=300, lines=(line,),
                   engine="tesseract 5.3.0", lang="vie", steps=("deskew",))


def test_json_has_pages_lines_words_with_boxes_and_confidence():
    data = json.loads(outputs.to_json([page()], "a.png"))
    word = data["pages"][0]["lines"][0]["words"][0]
    assert word == {"text": "Quyết", "bbox": [10, 20, 90, 60], "confidence": 96.5}
    assert data["pages"][0]["page_number"] == 1
    assert data["pages"][0]["preprocessing"] == ["deskew"]


def test_hocr_is_well_formed_and_carries_word_confidence():
    root = ET.fromstring(outputs.to_hocr([page()], "a.png").split("\n", 2)[2])
    words = [el for el in root.iter() if el.get("class") == "ocrx_word"]
    assert [w.text for w in words] == ["Quyết", "định"]
    assert words[0].get("title") == "bbox 10 20 90 60; x_wconf 96"


def test_alto_is_well_formed_with_strings_and_wc():
    root = ET.fromstring(outputs.to_alto([page()], "a.png").encode("utf-8"))
    ns = {"a": outputs.ALTO_NS}
    strings = root.findall(".//a:String", ns)
    assert [s.get("CONTENT") for s in strings] == ["Quyết", "định"]
    assert strings[1].get("WC") == "0.88" and strings[1].get("HPOS") == "100"


def test_text_separates_pages_with_a_blank_line():
    assert outputs.to_text([page(), page()]) == "Quyết định\n\nQuyết định\n"


def test_atomic_write_leaves_no_partial_file_on_failure(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write(target, "old")

    class Boom(str):
        def encode(self, *a, **k):
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, Boom("new"))
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
