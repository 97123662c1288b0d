"""Reading order: the two header columns and the closing blocks come out apart."""

from __future__ import annotations

from pipeline.ocr.layout import arrange_lines
from pipeline.ocr.tesseract import TsvWord

PAGE_WIDTH = 2480




def row(block: int, line: int, top: int, left: int, text: str) -> list[TsvWord]:
    """A run of words starting at ``left`` with ordinary word spaces."""
    result, x = [], left
    for word in text.split():
        result.append(TsvWord(block, 1, line, x, top, 22 * len(word), 40, 95.0, word))
        x += 22 * len(word) + 18
    return result


def texts(lines) -> list[str]:
    return [ln.text for ln in lines]


def test_merged_header_rows_are_split_into_left_then_right_column():
    tsv = (row(1, 1, 100, 250, "ỦY BAN NHÂN DÂN") + row(1, 1, 100, 1350, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA")
           + row(1, 2, 160, 250, "HUYỆN BÌNH SƠN") + row(1, 2, 160, 1400, "Độc lập - Tự do")
           + row(1, 3, 260, 250, "Số: 286/BC-UBND") + row(1, 3, 260, 1350, "Bình Sơn, ngày 20 tháng 6")
           + row(2, 1, 500, 250, "Thực hiện Công văn số 826/SNV-XDCQ ngày 25/5/2022 của Sở Nội vụ tỉnh Quảng Ngãi về"))
    assert texts(arrange_lines(tsv, page_width=PAGE_WIDTH)) == [
        "ỦY BAN NHÂN DÂN", "HUYỆN BÌNH SƠN", "Số: 286/BC-UBND",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "Độc lập - Tự do", "Bình Sơn, ngày 20 tháng 6",
        "Thực hiện Công văn số 826/SNV-XDCQ ngày 25/5/2022 của Sở Nội vụ tỉnh Quảng Ngãi về",
    ]


def test_signature_block_is_kept_apart_from_noi_nhan():
    tsv = (row(5, 1, 3000, 250, "Nơi nhận:") + row(5, 1, 3000, 1500, "TM. ỦY BAN NHÂN DÂN")
           + row(5, 2, 3050, 250, "- Sở Nội vụ;") + row(5, 2, 3050, 1650, "CHỦ TỊCH")
           + row(5, 3, 3100, 250, "- Lưu: VT."))
    assert texts(arrange_lines(tsv, page_width=PAGE_WIDTH)) == [
        "Nơi nhận:", "- Sở Nội vụ;", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
    ]


def test_body_text_keeps_its_order_and_short_lines_stay_in_place():
    tsv = (row(1, 1, 100, 250, "I. TÌNH HÌNH CHUNG")
           + row(1, 2, 160, 250, "Trong những năm qua, tình hình thực hiện nhiệm vụ chính trị trên toàn huyện")
           + row(1, 3, 220, 250, "luôn được quan tâm."))
    assert texts(arrange_lines(tsv, page_width=PAGE_WIDTH)) == [
        "I. TÌNH HÌNH CHUNG",
        "Trong những năm qua, tình hình thực hiện nhiệm vụ chính trị trên toàn huyện",
        "luôn được quan tâm.",
    ]


def test_boxes_are_mapped_back_to_source_pixels():
    tsv = row(1, 1, 200, 500, "Kính gửi")
    (line,) = arrange_lines(tsv, page_width=2 * PAGE_WIDTH, scale=2.0)
    assert line.bbox.left == 250 and line.bbox.top == 100
    assert line.words[0].confidence == 95.0


def test_stray_diacritics_cut_off_bold_capitals_are_dropped():
    tsv = (row(1, 1, 100, 1550, "KT. GIÁM ĐỐC")
           + [TsvWord(1, 1, 2, 1920, 160, 22, 18, 87.0, "Ế")]
           + [TsvWord(1, 1, 3, 1640, 170, 20, 9, 24.0, "Ầ"), TsvWord(1, 1, 3, 1760, 170, 20, 9, 41.0, "Ấ")]
           + row(1, 4, 185, 1550, "PHO GIAM ĐỌC"))
    assert texts(arrange_lines(tsv, page_width=PAGE_WIDTH)) == ["KT. GIÁM ĐỐC", "PHO GIAM ĐỌC"]
