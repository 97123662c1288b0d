"""The spaCy pipeline: blank Vietnamese without pyvi, our two components, spans and extensions."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")

from pipeline.extract import nlp  # noqa: E402


@pytest.fixture(scope="module")
def vanthu_nlp():  # type: ignore[no-untyped-def]
    return nlp()


def test_pipeline_components(vanthu_nlp) -> None:  # type: ignore[no-untyped-def]
    assert vanthu_nlp.lang == "vi"
    assert vanthu_nlp.pipe_names == ["vanthu_sections", "vanthu_citations"]
    assert vanthu_nlp.config["nlp"]["tokenizer"]["use_pyvi"] is False


def test_seed_spans_and_extensions(vanthu_nlp, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    doc = vanthu_nlp(seed_text)
    assert doc.text == seed_text
    roman = [span.text.split("\n")[0] for span in doc.spans["sections"] if span.label_ == "roman"]
    assert roman == ["I. TÌNH HÌNH CHUNG", "II. KẾT QUẢ TRIỂN KHAI THỰC HIỆN", "III. ĐÁNH GIÁ CHUNG", "IV. PHƯƠNG HƯỚNG VÀ GIẢI PHÁP THỰC HIỆN NHIỆM VỤ"]
    citations = list(doc.spans["citations"])
    assert len({span._.vnr_symbol for span in citations}) == 21
    first = citations[0]
    assert (first.label_, first._.vnr_symbol) == ("Quyết định", "436/QĐ-UBND")
    assert first.text.startswith("Quyết định số 436/QĐ-UBND")
    assert doc._.vnr_header.symbol == "286/BC-UBND"
    assert len(doc._.vnr_citations) == 21
    assert doc._.vnr_structure.sections == doc._.vnr_sections


@pytest.mark.parametrize(
    ("text", "labels"),
    [("Thực hiện Chỉ thị số 16/CT-TTg ngày 16/5/2016.", ["Chỉ thị"]), ("Không trích dẫn văn bản nào.", [])],
)
def test_citation_spans(vanthu_nlp, text: str, labels: list[str]) -> None:  # type: ignore[no-untyped-def]
    doc = vanthu_nlp(text)
    assert [span.label_ for span in doc.spans["citations"]] == labels
