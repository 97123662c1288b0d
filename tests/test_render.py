"""Unit tests of the page renderer and the scan degradations (pipeline.render)."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.errors import InputFileError
from pipeline.render import (
    CONDITIONS,
    OfficialDocument,
    Paragraph,
    degrade,
    document_from_dict,
    load_source,
    render_body_page,
    render_body_pages,
    render_official_document,
    wrap_paragraphs,
)
from pipeline.render.body import lines_per_page
from pipeline.render.fonts import TextStyle, mm_to_pixels, text_width
from pipeline.render.sources import paragraph_from_dict

LINES = [
    "Thực hiện Công văn số 826/SNV-XDCQ ngày 25/5/2022 của Sở Nội vụ",
    "tỉnh Quảng Ngãi về việc báo cáo kết quả thực hiện Quyết định số 436/QĐ-",
    "UBND ngày 11/6/2019 của Ủy ban nhân dân tỉnh.",
]

PARAGRAPH = (
    "Đẩy mạnh việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh, "
    "phong trào thi đua \"Dân vận khéo\"; thực hiện Kết luận số 114-KL/TW ngày 14/7/2015 "
    "của Ban Bí thư và Quyết định số 20/2013/QĐ-UBND ngày 03/6/2013 của UBND tỉnh."
)


def small_document(paragraphs: int = 3) -> OfficialDocument:
    """A short made-up report; ``paragraphs`` copies of the body paragraph."""
    return OfficialDocument(
        issuing_body=("ỦY BAN NHÂN DÂN", "HUYỆN ĐỨC PHỔ"),
        number="15/KH-UBND",
        place_date="Đức Phổ, ngày 05 tháng 01 năm 2023",
        doc_type="KẾ HOẠCH",
        subject=("Triển khai công tác dân vận năm 2023",),
        body=(Paragraph("I. MỤC ĐÍCH, YÊU CẦU", "heading"),)
        + tuple(Paragraph(PARAGRAPH) for _ in range(paragraphs)),
        recipients=("- UBND tỉnh;", "- Lưu: VT."),
        signature=("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"),
        signer="Trần Văn Bình",
    )


@pytest.mark.parametrize("dpi, size", [(300, (2480, 3508)), (150, (1240, 1754))])
def test_body_page_is_a4_gray_at_dpi(dpi, size):
    page = render_body_page(LINES, dpi=dpi)
    assert page.image.size == size
    assert page.image.mode == "L"
    assert page.dpi == dpi


def test_body_page_ground_truth_is_one_line_per_printed_line():
    page = render_body_page(LINES)
    assert page.lines == LINES
    assert len(page.line_boxes) == len(LINES)
    tops = [box.top for box in page.line_boxes]
    assert tops == sorted(tops)


def test_body_line_boxes_hold_the_ink():
    page = render_body_page(LINES)
    pixels = np.asarray(page.image)
    for box in page.line_boxes:
        assert pixels[box.top : box.bottom, box.left : box.right].min() < 64
    mask = np.ones_like(pixels, dtype=bool)
    for box in page.line_boxes:
        mask[box.top : box.bottom, box.left : box.right] = False
    assert pixels[mask].min() == 255


def test_body_rendering_is_deterministic():
    first, second = render_body_page(LINES), render_body_page(LINES)
    assert first.image.tobytes() == second.image.tobytes()


def test_no_lines_give_one_blank_page():
    pages = render_body_pages([])
    assert len(pages) == 1 and pages[0].text == "" and pages[0].image.getextrema() == (255, 255)


def test_body_pages_overflow_onto_more_pages():
    per_page = lines_per_page()
    lines = [f"Dòng số {i}" for i in range(per_page + 5)]
    pages = render_body_pages(lines)
    assert [len(p.lines) for p in pages] == [per_page, 5]
    with pytest.raises(ValueError):
        render_body_page(lines)


@pytest.mark.parametrize("font", ["liberation-serif", "termes"])
@pytest.mark.parametrize("width_mm", [60.0, 160.0])
def test_wrap_paragraphs_fits_width_and_keeps_words(font, width_mm):
    lines = wrap_paragraphs([PARAGRAPH, "Ngắn."], font, 13, 300, width_mm)
    limit = mm_to_pixels(width_mm, 300)
    assert all(text_width(line, TextStyle(font, 13), 300) <= limit for line in lines)
    assert " ".join(lines).split() == (PARAGRAPH + " Ngắn.").split()
    assert lines[-1] == "Ngắn."


def test_wrap_cuts_a_word_wider_than_the_line():
    lines = wrap_paragraphs(["x" * 200], width_mm=20)
    assert len(lines) > 1 and "".join(lines) == "x" * 200


def test_wrap_normalises_to_nfc():
    decomposed = "Quye\u0302\u0301t đi\u0323nh"
    assert wrap_paragraphs([decomposed]) == ["Quyết định"]


def test_official_document_reading_order_keeps_columns_apart():
    pages = render_official_document(small_document())
    first = pages[0].lines
    assert first[:6] == [
        "ỦY BAN NHÂN DÂN",
        "HUYỆN ĐỨC PHỔ",
        "Số: 15/KH-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Đức Phổ, ngày 05 tháng 01 năm 2023",
    ]
    assert first[6:9] == [
        "KẾ HOẠCH", "Triển khai công tác dân vận năm 2023", "I. MỤC ĐÍCH, YÊU CẦU"
    ]
    assert pages[-1].lines[-6:] == [
        "Nơi nhận:", "- UBND tỉnh;", "- Lưu: VT.",
        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Văn Bình",
    ]


def test_official_document_body_text_is_complete():
    doc = small_document(paragraphs=2)
    text = render_official_document(doc)[0].text
    assert " ".join(text.split()).count(" ".join(PARAGRAPH.split())) == 2


def test_long_official_document_spans_pages_with_numbers():
    pages = render_official_document(small_document(paragraphs=30))
    assert len(pages) >= 3
    for number, page in enumerate(pages[1:], start=2):
        assert page.lines[0] == str(number)
        assert len(page.line_boxes) == len(page.lines)
    assert "Nơi nhận:" in pages[-1].lines and "Nơi nhận:" not in pages[0].lines


def test_cong_van_summary_sits_in_the_left_column():
    doc = small_document()
    cong_van = OfficialDocument(**{
        **{f: getattr(doc, f) for f in doc.__slots__},
        "doc_type": "",
        "subject": ("V/v triển khai công tác dân vận",),
    })
    lines = render_official_document(cong_van)[0].lines
    assert lines[3] == "V/v triển khai công tác dân vận"
    assert lines[4] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"


@pytest.fixture(scope="module")
def body_image():
    return render_body_page(LINES * 4).image


@pytest.mark.parametrize("condition", CONDITIONS)
def test_degrade_is_deterministic_and_gray(body_image, condition):
    first, dpi = degrade(body_image, condition, seed=7)
    again, _ = degrade(body_image, condition, seed=7)
    assert first.mode == "L"
    assert first.tobytes() == again.tobytes()
    assert dpi in (150, 200, 300)


@pytest.mark.parametrize("condition", ["office", "photocopy", "fax", "dark_border"])
def test_degrade_depends_on_seed(body_image, condition):
    first, _ = degrade(body_image, condition, seed=1)
    second, _ = degrade(body_image, condition, seed=2)
    assert first.tobytes() != second.tobytes()


def test_clean_keeps_the_page(body_image):
    image, dpi = degrade(body_image, "clean", seed=0)
    assert image.tobytes() == body_image.tobytes() and dpi == 300


def test_rotated90_swaps_width_and_height(body_image):
    image, dpi = degrade(body_image, "rotated90", seed=0)
    assert image.size == body_image.size[::-1] and dpi == 300


@pytest.mark.parametrize("condition, new_dpi", [("lowres150", 150), ("fax", 200)])
def test_downsampling_conditions_scale_the_page(body_image, condition, new_dpi):
    image, dpi = degrade(body_image, condition, seed=0)
    assert dpi == new_dpi
    assert image.size == tuple(round(s * new_dpi / 300) for s in body_image.size)


def test_office_scan_is_skewed_noisy_and_gray(body_image):
    image, _ = degrade(body_image, "office", seed=3)
    pixels = np.asarray(image).astype(int)
    assert 230 < np.median(pixels) < 252  # paper tone, not pure white
    assert pixels[:50, :50].std() > 1  # sensor noise in the blank margin
    assert _ink_rows(pixels) != _ink_rows(np.asarray(body_image))  # skewed


def test_photocopy_is_two_toned_with_thicker_strokes(body_image):
    image, _ = degrade(body_image, "photocopy", seed=3)
    pixels = np.asarray(image)
    assert set(np.unique(pixels)) == {35, 215}
    assert (pixels == 35).mean() > (np.asarray(body_image) < 128).mean()


def test_unknown_condition_is_rejected(body_image):
    with pytest.raises(ValueError, match="unknown condition"):
        degrade(body_image, "coffee_stain", seed=0)


def _ink_rows(pixels: np.ndarray) -> tuple[int, int]:
    """First and last row holding dark ink in the left quarter of the page."""
    rows = np.nonzero((pixels[:, : pixels.shape[1] // 4] < 128).any(axis=1))[0]
    return int(rows[0]), int(rows[-1])


@pytest.mark.tesseract
def test_tesseract_reads_a_clean_rendered_page(monkeypatch):
    import pytesseract  # the tesseract marker skips this test where the engine or vie is missing

    from pipeline.metrics import cer

    monkeypatch.setenv("OMP_THREAD_LIMIT", "1")
    page = render_body_page(wrap_paragraphs([PARAGRAPH, *LINES]))
    hypothesis = pytesseract.image_to_string(page.image, lang="vie", config="--dpi 300 --psm 6")
    assert cer(hypothesis, page.text) < 0.02


def test_document_from_dict_keeps_forced_lines_and_kinds():
    data = {
        "issuing_body": ["SỞ NỘI VỤ"], "number": "05/SNV-VP",
        "place_date": "Huế, ngày 02 tháng 01 năm 2024",
        "doc_type": "", "subject": ["V/v thử"], "recipients": ["- Lưu: VT."],
        "signature": ["GIÁM ĐỐC"], "signer": "Hồ Văn Tư",
        "body": [{"kind": "basis", "text": "Căn cứ ...;"}, {"lines": ["dòng một", "dòng hai"]}],
    }
    doc = document_from_dict(data)
    assert doc.body == (Paragraph("Căn cứ ...;", "basis"), Paragraph("dòng một\ndòng hai", "text"))
    assert doc.subject == ("V/v thử",) and doc.superior_body == ()


@pytest.mark.parametrize("content", ["{not json", '{"id": "x"}', "[]"])
def test_load_source_rejects_bad_files(tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError):
        load_source(path)


def test_unknown_paragraph_kind_is_rejected():
    with pytest.raises(ValueError, match="paragraph kind"):
        paragraph_from_dict({"kind": "footnote", "text": "x"})
