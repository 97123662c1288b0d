"""Finding and canonicalising document symbols."""

from __future__ import annotations

import pytest

from pipeline.extract.symbols import find_symbols


@pytest.mark.parametrize(
    ("text", "canonical", "system", "year"),
    [
        ("436/QĐ-UBND", "436/QĐ-UBND", "state", None),
        ("436/QĐ-\nUBND", "436/QĐ-UBND", "state", None),  # split across a line end
        ("286 /BC-UBND", "286/BC-UBND", "state", None),
        ("112/TB - UBND", "112/TB-UBND", "state", None),
        ("436/QD-UBND", "436/QĐ-UBND", "state", None),  # lost stroke
        ("436/QP-UBND", "436/QĐ-UBND", "state", None),  # OCR look-alike
        ("436/0P-UBND", "436/QĐ-UBND", "state", None),
        ("16/CT-TTg", "16/CT-TTg", "state", None),
        ("503/UBND", "503/UBND", "cong_van", None),
        ("486/UBND-VX", "486/UBND-VX", "cong_van", None),
        ("826/SNV-XDCQ", "826/SNV-XDCQ", "cong_van", None),
        ("20/2013/QD-UBND", "20/2013/QĐ-UBND", "normative", 2013),
        ("36/2006/CT-TTG", "36/2006/CT-TTg", "normative", 2006),
        ("30a/2008/NQ-CP", "30a/2008/NQ-CP", "normative", 2008),
        ("206/2013/TTLT-BTC-BCA", "206/2013/TTLT-BTC-BCA", "normative", 2013),
        ("80/2015/QH13", "80/2015/QH13", "law", 2015),
        ("351/2017/UBTVQH14", "351/2017/UBTVQH14", "law", 2017),
        ("43-KL/TW", "43-KL/TW", "party", None),
        ("43- KL/TW", "43-KL/TW", "party", None),
        ("20-\nKH/BDVHU-UBND", "20-KH/BDVHU-UBND", "party", None),
        ("08-QĐi/TW", "08-QĐi/TW", "party", None),
        ("65-Ctr/TU", "65-CTr/TU", "party", None),
        ("1036-TTg", "1036-TTg", "legacy", None),
        ("17-CT/TƯ", "17-CT/TU", "party", None),  # a corrector put a horn on U
        ("436/QĐ-UBND-Sở", "436/QĐ-UBND", "state", None),  # a lower-case word is not a group
    ],
)
def test_symbol_is_found_and_canonicalised(text: str, canonical: str, system: str, year: int | None) -> None:
    found = list(find_symbols(f"theo {text} ngày"))
    assert [(s.canonical, s.system, s.year) for s in found] == [(canonical, system, year)]


@pytest.mark.parametrize(
    "text",
    ["11/6/2019", "2021-2025", "2020 - 2025", "Covid-19", "12/22 xã", "Mẫu 04-MTr", "B2-2a-NXĐTCN", "HIV/AIDS", "12/Sở"],
)
def test_not_a_symbol(text: str) -> None:
    assert list(find_symbols(text)) == []


@pytest.mark.parametrize(
    ("a", "b"),
    [("06/KH-UBND", "6/KH-UBND"), ("436/QĐ-UBND", "436/QD-UBND"), ("16/CT-TTg", "16/CT-TTG")],
)
def test_same_document_same_key(a: str, b: str) -> None:
    (first,), (second,) = list(find_symbols(a)), list(find_symbols(b))
    assert first.key == second.key
