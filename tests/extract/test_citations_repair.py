"""A symbol damaged by OCR takes the code the report writes cleanly elsewhere."""

from pipeline.extract import extract


def test_an_issuer_code_with_an_impossible_character_is_mended_from_the_same_report():
    text = ("Thực hiện Kế hoạch số 12-KH/BDVTU-UBND ngày 05/3/2020 của Ban Dân vận Tỉnh ủy và\n"
            "Kế hoạch số 13-KH/BDV&UBND ngày 06/4/2021 về công tác dân vận chính quyền.\n")
    symbols = [c.symbol for c in extract(text).citations]
    assert symbols == ["12-KH/BDVTU-UBND", "13-KH/BDVTU-UBND"]


def test_a_damaged_code_with_no_close_clean_code_is_left_as_read():
    text = "Kế hoạch số 13-KH/XY&Z ngày 06/4/2021 và Kế hoạch số 12/KH-UBND ngày 05/3/2020.\n"
    symbols = [c.symbol for c in extract(text).citations]
    assert "13-KH/XY&Z" in symbols
