"""Cited documents of the seed report: corrected text, simulated corrector residue, raw OCR."""

from __future__ import annotations

import random
import re
import unicodedata
from typing import Any

import pytest

from pipeline.extract import ReportStructure, extract

_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def _rows(structure: ReportStructure) -> list[list[Any]]:
    return [
        [c.type, c.symbol, c.date.isoformat() if c.date else None, c.year] for c in structure.citations
    ]


def test_seed_all_21_cited_documents(seed_structure: ReportStructure, seed_expected: dict[str, Any]) -> None:
    assert _rows(seed_structure) == seed_expected["citations"]


def test_seed_mentions_lines_sections_relations(seed_structure: ReportStructure) -> None:
    decision = seed_structure.citations[0]
    assert decision.symbol == "436/QĐ-UBND"
    assert [m.line for m in decision.mentions] == [5, 12, 56, 58, 85, 89, 119, 183, 193, 288, 401, 430]
    assert decision.mentions[0].section_path == ()
    assert decision.mentions[2].section_path == ("I", "2")
    assert decision.mentions[3].relation == "alias"
    assert decision.issuer == "UBND tỉnh"
    letter = next(c for c in seed_structure.citations if c.symbol == "826/SNV-XDCQ")
    assert (letter.mentions[0].relation, letter.issuer) == ("thực hiện", "Sở Nội vụ tỉnh Quảng Ngãi")
    assert letter.subject is not None and letter.subject.startswith("về việc báo cáo kết quả 04 năm")
    conclusion = next(c for c in seed_structure.citations if c.symbol == "43-KL/TW")
    assert conclusion.mentions[0].section_path == ("IV", "1")
    assert conclusion.issuer == "Ban Bí thư"


def _damage(text: str, seed: int, tone_rate: float) -> str:
    """Residue a corrector might leave: tone marks lost on some syllables, QĐ read as QP/QD."""
    rng = random.Random(seed)

    def syllable(match: re.Match[str]) -> str:
        word = match.group()
        if rng.random() >= tone_rate:
            return word
        bare = "".join(c for c in unicodedata.normalize("NFD", word) if c not in _TONE_MARKS)
        return unicodedata.normalize("NFC", bare)

    damaged = re.sub(r"\w+", syllable, text)
    return re.sub("QĐ", lambda m: rng.choice(["QĐ", "QP", "QD"]), damaged)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_seed_survives_corrector_residue(seed_text: str, seed_expected: dict[str, Any], seed: int) -> None:
    structure = extract(_damage(seed_text, seed, tone_rate=0.15))
    assert _rows(structure) == seed_expected["citations"]
    assert [s.number for s in structure.sections] == ["I", "II", "III", "IV"]


def test_seed_raw_ocr_finds_most_citations(seed_ocr_text: str, seed_expected: dict[str, Any]) -> None:
    """The 1990s-style English-model OCR: no target, but skeleton matching finds most.

    Measured: 20 of 21 symbols exactly right, the 21st read as 14-KH/BDV&UBND, no spurious.
    """
    got = {c.symbol for c in extract(seed_ocr_text).citations}
    wanted = {row[1] for row in seed_expected["citations"]}
    assert len(got & wanted) >= 19
    assert len(got - wanted) <= 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Căn cứ các Quyết định số 12/QĐ-UBND, 13/QĐ-UBND của UBND huyện;", [("Quyết định", "12/QĐ-UBND", "UBND huyện"), ("Quyết định", "13/QĐ-UBND", "UBND huyện")]),
        ("Thực hiện Kết luận 114-KL/TW của Ban Bí thư;", [("Kết luận", "114-KL/TW", "Ban Bí thư")]),
        ("Theo Kế hoạch số 22/QĐ-UBND ngày 02/3/2021;", [("Kế hoạch", "22/QĐ-UBND", None)]),
    ],
    ids=["list-sharing-type", "no-so", "type-conflict"],
)
def test_small_cases(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    got = extract(text).citations
    assert [(c.type, c.symbol, c.issuer) for c in got] == expected


def test_type_conflict_is_flagged() -> None:
    (cited,) = extract("Theo Kế hoạch số 22/QĐ-UBND ngày 02/3/2021;").citations
    assert cited.type_conflict
    (clean,) = extract("Theo Kế hoạch số 22/KH-UBND ngày 02/3/2021;").citations
    assert not clean.type_conflict


def test_type_inferred_from_code_when_word_missing() -> None:
    (cited,) = extract("Các văn bản: 125/KH-UBND ngày 03/4/2022.").citations
    assert (cited.type, cited.mentions[0].type_word) == ("Kế hoạch", None)


def test_alias_without_symbol_is_recorded() -> None:
    text = (
        "Thực hiện Kế hoạch số 35-KH/HU ngày 12/3/2021 (sau đây gọi tắt là Kế hoạch 35), các xã triển khai.\n"
        "Qua 02 năm thực hiện Kế hoạch 35, công tác dân vận có chuyển biến; Kế hoạch 356 là khác."
    )
    (cited,) = extract(text).citations
    assert cited.aliases == ("Kế hoạch 35",)
    assert [(m.line, m.text, m.relation) for m in cited.mentions] == [
        (1, "Kế hoạch số 35-KH/HU ngày 12/3/2021", "thực hiện"),
        (2, "Kế hoạch 35", "thực hiện"),
    ]


def test_damaged_type_code_folds_into_the_document_cited_elsewhere() -> None:
    text = (
        "Thực hiện Quyết định số 436/QĐ-UBND ngày 11/6/2019 của UBND tỉnh.\n"
        "Kết quả thực hiện Quyết định số 436/TB-UBND trên địa bàn; Thông báo số 436/TB-UBND ngày 02/01/2020."
    )
    cited = extract(text).citations
    assert [(c.symbol, c.type, len(c.mentions)) for c in cited] == [
        ("436/QĐ-UBND", "Quyết định", 2),
        ("436/TB-UBND", "Thông báo", 1),
    ]


def test_a_capitalised_ve_ends_the_issuer_and_starts_the_subject():
    text = ("Căn cứ Chỉ thị số 16/CT-TTg ngày 16/5/2016 của Thủ\n"
            "tướng Chính phủ Về đổi mới công tác dân vận của các cơ quan hành chính Nhà\n"
            "nước và chính quyền các cấp trong tình hình mới.")
    (citation,) = extract(text).citations
    assert citation.issuer == "Thủ tướng Chính phủ"
    assert citation.subject.startswith("Về đổi mới công tác dân vận")


@pytest.mark.parametrize("gap", [" ", "\n"])
def test_a_stop_phrase_ends_the_issuer_where_it_wraps_onto_the_next_line(gap: str):
    text = (f"Thực hiện Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê{gap}"
            "duyệt Chương trình chuyển đổi số quốc gia; Kế hoạch số 87/KH-UBND ngày 15/5/2023 của Ủy ban\n"
            "nhân dân tỉnh về chuyển đổi số.")
    first, second = extract(text).citations
    assert first.issuer == "Thủ tướng Chính phủ"
    assert first.subject.split() == "phê duyệt Chương trình chuyển đổi số quốc gia".split()
    assert second.issuer == "Ủy ban nhân dân tỉnh"


@pytest.mark.parametrize("clause", [
    ", Uỷ ban nhân dân huyện đề nghị các xã báo cáo",
    ", UBND huyện đã ban hành Kế hoạch thực hiện",
    ",\nSở Nội vụ kính đề nghị các huyện",
    ", Đồng thời giao Phòng Nội vụ theo dõi",
    "\nKính gửi: Sở Nội vụ tỉnh",
])
def test_a_subject_ends_where_the_citing_text_starts_a_new_clause(clause: str):
    text = f"Thực hiện Kế hoạch số 87/KH-UBND ngày 15/5/2023 của UBND tỉnh về chuyển đổi số năm 2023{clause}."
    (citation,) = extract(text).citations
    assert citation.subject == "về chuyển đổi số năm 2023"


@pytest.mark.parametrize("tail", [
    ", UBND các xã, thị trấn trên địa bàn",  # a body with no verb: addressees within the subject
    ", Ban Chỉ đạo thực hiện Đề án",  # "Chỉ đạo" capitalised: part of a name, not a verb
    ", Văn, Sử, Địa",
])
def test_a_comma_inside_a_subject_does_not_end_it(tail: str):
    text = f"Căn cứ Công văn số 811/UBND ngày 20/3/2020 của UBND huyện về việc kiện toàn Tổ công tác{tail}."
    (citation,) = extract(text).citations
    assert citation.subject == f"về việc kiện toàn Tổ công tác{tail}"


def test_after_quan_triet_the_audience_is_not_part_of_the_subject():
    text = ("Tiếp tục quán triệt Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương về tăng "
            "cường công tác dân vận trong tình hình mới đến toàn thể cán bộ, công chức; lồng ghép nội dung.")
    (citation,) = extract(text).citations
    assert citation.subject == "về tăng cường công tác dân vận trong tình hình mới"
    kept = "Căn cứ Quyết định số 12/QĐ-UBND ngày 03/6/2013 của UBND tỉnh về hỗ trợ đến các hộ nghèo; ban hành."
    assert extract(kept).citations[0].subject == "về hỗ trợ đến các hộ nghèo"


def test_the_audience_ends_an_issuer_and_a_date_opening_a_clause_ends_a_subject():
    text = ("Thực hiện Kế hoạch số 18-KH/BDVHU ngày 15/02/2023 của Ban Dân vận Huyện ủy về kiểm tra việc "
            "thực hiện Quy chế dân chủ ở cơ sở, ngày 15/9/2023 Thường trực Ban Dân vận làm việc với Đảng ủy xã. "
            "Đảng ủy xã đã quán triệt Nghị định số 59/2023/NĐ-CP ngày 14/8/2023 của Chính phủ đến toàn thể "
            "cán bộ, đảng viên.")
    plan, decree = extract(text).citations
    assert plan.subject == "về kiểm tra việc thực hiện Quy chế dân chủ ở cơ sở"
    assert decree.issuer == "Chính phủ"
