"""Header and closing: merged columns, number, place and date, type, subject, signer."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pipeline.extract import ReportStructure, extract

MERGED = """ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
XÃ BÌNH HÒA Độc lập - Tự do - Hạnh phúc
Số: 45/BC-UBND Bình Hòa, ngày 12 tháng 9 năm 2022
BÁO CÁO
Kết quả thực hiện công tác cải cách hành chính
9 tháng năm 2022

Kính gửi:
- Ủy ban nhân dân huyện;
- Phòng Nội vụ huyện.

Thực hiện Công văn số 1102/UBND-NV ngày 25/8/2022 của UBND huyện, UBND xã báo cáo như sau:
I. KẾT QUẢ
Nơi nhận: TM. ỦY BAN NHÂN DÂN
- Như trên; CHỦ TỊCH
- Lưu: VT.
Nguyễn Văn An
"""

SEPARATE = """UBND TỈNH QUẢNG NGÃI
SỞ NỘI VỤ
Số: 826/SNV-XDCQ
V/v báo cáo kết quả 04 năm thực hiện
Quyết định số 436/QĐ-UBND
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Quảng Ngãi, ngày 25 tháng 5 năm 2022

Kính gửi: Ủy ban nhân dân các huyện, thị xã, thành phố.

Thực hiện Quyết định số 436/QĐ-UBND ngày 11/6/2019 của UBND tỉnh, Sở Nội vụ đề nghị như sau.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
Trần Thị Bình
Nơi nhận:
- Như trên;
- Lưu: VT, XDCQ.
"""

PARTY = """ĐẢNG BỘ TỈNH QUẢNG NGÃI ĐẢNG CỘNG SẢN VIỆT NAM
HUYỆN ỦY BÌNH SƠN
*
Số 215-TB/HU Bình Sơn, ngày 10 tháng 8 năm 2021
THÔNG BÁO
kết luận của Thường trực Huyện ủy

Thực hiện Quy chế làm việc, Thường trực Huyện ủy kết luận như sau.
T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MERGED, {
            "type": "Báo cáo", "symbol": "45/BC-UBND", "issuer": "ỦY BAN NHÂN DÂN XÃ BÌNH HÒA",
            "superior_body": None, "place": "Bình Hòa", "date": dt.date(2022, 9, 12), "title": "BÁO CÁO",
            "subject": "Kết quả thực hiện công tác cải cách hành chính 9 tháng năm 2022",
            "recipients": ("Ủy ban nhân dân huyện", "Phòng Nội vụ huyện"),
            "distribution": ("Như trên", "Lưu: VT"),
        }),
        (SEPARATE, {
            "type": "Công văn", "symbol": "826/SNV-XDCQ", "issuer": "SỞ NỘI VỤ",
            "superior_body": "UBND TỈNH QUẢNG NGÃI", "place": "Quảng Ngãi", "date": dt.date(2022, 5, 25),
            "title": None, "subject": "báo cáo kết quả 04 năm thực hiện Quyết định số 436/QĐ-UBND",
            "recipients": ("Ủy ban nhân dân các huyện, thị xã, thành phố",),
            "distribution": ("Như trên", "Lưu: VT, XDCQ"),
        }),
        (PARTY, {
            "type": "Thông báo", "symbol": "215-TB/HU", "issuer": "HUYỆN ỦY BÌNH SƠN",
            "superior_body": "ĐẢNG BỘ TỈNH QUẢNG NGÃI", "place": "Bình Sơn", "date": dt.date(2021, 8, 10),
            "title": "THÔNG BÁO", "subject": "kết luận của Thường trực Huyện ủy", "recipients": (),
            "distribution": (),
        }),
    ],
    ids=["merged-columns", "cong-van-separate-columns", "party"],
)
def test_header_fields(text: str, expected: dict[str, Any]) -> None:
    document = extract(text).document
    assert {key: getattr(document, key) for key in expected} == expected


@pytest.mark.parametrize(
    ("text", "authority", "title", "name"),
    [
        (MERGED, ("TM. ỦY BAN NHÂN DÂN",), "CHỦ TỊCH", "Nguyễn Văn An"),
        (SEPARATE, ("KT. GIÁM ĐỐC",), "PHÓ GIÁM ĐỐC", "Trần Thị Bình"),
        (PARTY, ("T/M BAN THƯỜNG VỤ",), "PHÓ BÍ THƯ", None),
    ],
    ids=["merged", "before-noi-nhan", "party"],
)
def test_signer(text: str, authority: tuple[str, ...], title: str, name: str | None) -> None:
    signer = extract(text).document.signer
    assert signer is not None
    assert (signer.authority, signer.title, signer.name) == (authority, title, name)


def test_blank_number_header() -> None:
    text = "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHUYỆN BÌNH SƠN Độc lập - Tự do - Hạnh phúc\nSố: /BC-UBND Bình Sơn, ngày 20 tháng 6 năm 2022\nBÁO CÁO\n"
    document = extract(text).document
    assert (document.symbol, document.place, document.type) == (None, "Bình Sơn", "Báo cáo")
    assert document.issuer == "ỦY BAN NHÂN DÂN HUYỆN BÌNH SƠN"


def test_header_own_number_is_not_a_citation() -> None:
    symbols = [c.symbol for c in extract(MERGED).citations]
    assert symbols == ["1102/UBND-NV"]


def test_seed_header(seed_structure: ReportStructure, seed_expected: dict[str, Any]) -> None:
    document = seed_structure.document
    expected = seed_expected["document"]
    got = {key: getattr(document, key) for key in expected if key != "signer"}
    got["date"] = document.date.isoformat() if document.date else None
    got["recipients"] = list(document.recipients)
    got["distribution"] = list(document.distribution)
    assert got == {key: value for key, value in expected.items() if key != "signer"}
    signer = document.signer
    assert signer is not None
    assert [list(signer.authority), signer.title, signer.name] == [
        expected["signer"]["authority"], expected["signer"]["title"], expected["signer"]["name"]
    ]


DECISION = """UBND HUYỆN MỘ ĐỨC CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
ỦY BAN NHÂN DÂN Độc lập - Tự do - Hạnh phúc
XÃ ĐỨC PHONG
Số: 12/QĐ-UBND Đức Phong, ngày 05 tháng 3 năm 2024
QUYẾT ĐỊNH
Về việc thành lập Tổ công tác cải cách
hành chính xã năm 2024
CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ ĐỨC PHONG
Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;
Theo đề nghị của Công chức Văn phòng - Thống kê xã.
QUYẾT ĐỊNH:
Điều 1. Thành lập Tổ công tác.
Nơi nhận:
- Như Điều 3;
- Lưu: VT.
. *.
CS)
"
TM.ỦY BAN NHÂN DÂN
CHỦ TỊCH
TrầnVăn Tư
"""


def test_a_decision_subject_ends_at_its_authority_line_and_specks_are_no_title() -> None:
    document = extract(DECISION).document
    assert document.subject == "Về việc thành lập Tổ công tác cải cách hành chính xã năm 2024"
    signer = document.signer
    assert (signer.authority, signer.title, signer.name) == (("TM. ỦY BAN NHÂN DÂN",), "CHỦ TỊCH", "Trần Văn Tư")


@pytest.mark.parametrize("opener", ["Căn cứ Nghị định số 30/2020/NĐ-CP;", "Thực hiện Kế hoạch số 12/KH-UBND;", "I. MỤC ĐÍCH"])
def test_a_plan_subject_ends_where_its_body_starts_without_a_blank_line(opener: str) -> None:
    text = ("ỦY BAN NHÂN DÂN CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nHUYỆN TƯ NGHĨA Độc lập - Tự do - Hạnh phúc\n"
            "Số: 31/KH-UBND Tư Nghĩa, ngày 10 tháng 2 năm 2023\nKẾ HOẠCH\n"
            f"Thực hiện công tác dân vận năm 2023\n{opener}\n")
    assert extract(text).document.subject == "Thực hiện công tác dân vận năm 2023"
