"""Which lines get a second reading, and what of the second reading is kept."""

from __future__ import annotations

from pipeline.models import BBox, OcrLine, OcrWord
from pipeline.ocr import reread


def line(text: str, top: int, conf: float, height: int = 40, left: int = 100) -> OcrLine:
    words = tuple(OcrWord(w, BBox(left + 100 * i, top, left + 100 * i + 80, top + height), conf)
                  for i, w in enumerate(text.split()))
    return OcrLine(words=words, bbox=BBox(left, top, left + 100 * len(words), top + height), block=0)


def test_weak_lines_and_lines_under_cut_off_marks_are_read_again():
    lines = [line("KT. GIÁM ĐỐC", 100, 95), line("PHO GIAM ĐỌC", 170, 92), line("mẽ.", 240, 30),
             line("Nơi nhận:", 400, 97)]
    marks = [BBox(150, 150, 170, 165)]
    assert reread.lines_to_reread(lines, marks) == [1, 2]


def test_only_lines_inside_the_original_box_are_kept_from_a_block_reading():
    original = line("ẤT BCT UBND huyện;", 2081, 67, height=96).bbox
    read = [line("Nơi nhận:", 2030, 97), line("- Như trên;", 2090, 95), line("- CT, PCT UBND huyện;", 2140, 94),
            line("“T3 Hmaann TTZ", 2190, 60)]
    assert [ln.text for ln in reread._within(original, read)] == ["- Như trên;", "- CT, PCT UBND huyện;"]


def test_a_line_read_again_that_is_already_there_is_not_duplicated():
    assert reread._same_place(line("- Như trên;", 2345, 95).bbox, line("- Như trên;", 2347, 96).bbox)
    assert not reread._same_place(line("Nơi nhận:", 2288, 95).bbox, line("- Như trên;", 2345, 96).bbox)
