"""The section tree: Roman repair, numbering slips, levels, spans."""

from __future__ import annotations

from typing import Any

import pytest

from pipeline.extract import ReportStructure, extract
from pipeline.extract.sections import parse_roman, parse_sections


@pytest.mark.parametrize(
    ("printed", "value", "clean"),
    [("I", 1, True), ("IV", 4, True), ("XII", 12, True), ("Il", 2, False), ("11l", 3, False), ("I1l", 3, False)],
)
def test_parse_roman(printed: str, value: int, clean: bool) -> None:
    assert parse_roman(printed) == (value, clean)


REPORT = """I. TÌNH HÌNH CHUNG
1. Đặc điểm
Nội dung một.
1. Thuận lợi, khó khăn
Nội dung hai.
a) Thuận lợi
- Ý thứ nhất;
+ ý phụ;
b) Khó khăn
Il. KẾT QUẢ THỰC HIỆN
1. Công tác quán triệt
11l. ĐÁNH GIÁ CHUNG
I1l. PHƯƠNG HƯỚNG NHIỆM VỤ
TRONG THỜI GIAN TỚI
1. Tăng cường lãnh đạo, chỉ đạo công tác dân
vận trong cơ quan. Thường xuyên kiểm tra.
"""


def _tree(sections: Any) -> list[Any]:
    return [(s.kind, s.number, s.printed_number, s.level, s.start_line, s.end_line, _tree(s.children)) for s in sections]


def test_tree_repairs_roman_numerals_and_slips() -> None:
    lines = REPORT.split("\n")
    sections = parse_sections(lines, 1, len(lines))
    assert _tree(sections) == [
        ("roman", "I", "I", 1, 1, 9, [
            ("arabic", "1", "1", 2, 2, 3, []),
            ("arabic", "2", "1", 2, 4, 9, [  # a second "1." where "2." belongs
                ("letter", "a", "a", 3, 6, 8, [("bullet", "-", "-", 4, 7, 8, [("bullet", "+", "+", 5, 8, 8, [])])]),
                ("letter", "b", "b", 3, 9, 9, []),
            ]),
        ]),
        ("roman", "II", "Il", 1, 10, 11, [("arabic", "1", "1", 2, 11, 11, [])]),
        ("roman", "III", "11l", 1, 12, 12, []),
        ("roman", "IV", "I1l", 1, 13, 16, [("arabic", "1", "1", 2, 15, 16, [])]),
    ]


def test_titles_join_capital_lines_and_cut_at_sentence_end() -> None:
    lines = REPORT.split("\n")
    sections = parse_sections(lines, 1, len(lines))
    assert sections[3].title == "PHƯƠNG HƯỚNG NHIỆM VỤ TRONG THỜI GIAN TỚI"
    assert sections[3].children[0].title == "Tăng cường lãnh đạo, chỉ đạo công tác dân vận trong cơ quan"
    assert sections[0].children[0].title == "Đặc điểm"


def test_seed_top_sections(seed_structure: ReportStructure, seed_expected: dict[str, Any]) -> None:
    top = [(s.number, s.title, s.start_line) for s in seed_structure.sections]
    assert top == [tuple(t) for t in seed_expected["top_sections"]]


def test_seed_subsections_survive_numbering_slip(seed_structure: ReportStructure, seed_expected: dict[str, Any]) -> None:
    numbered = {
        s.number: [c.number for c in s.children if c.kind == "arabic"] for s in seed_structure.sections
    }
    assert numbered == seed_expected["subsections"]
    slip = seed_structure.sections[2].children[1]
    assert (slip.printed_number, slip.number, slip.renumbered) == ("1", "2", True)


def test_seed_ocr_roman_numerals_repaired(seed_ocr_text: str, seed_expected: dict[str, Any]) -> None:
    sections = extract(seed_ocr_text).sections
    assert [(s.number, s.start_line) for s in sections] == [(n, line) for n, _, line in seed_expected["top_sections"]]
    assert [s.printed_number for s in sections] == ["I", "Il", "11l", "I1l"]
