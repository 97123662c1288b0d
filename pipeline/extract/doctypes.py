"""Document types, their symbol codes and issuer abbreviations.

Transcribed from ``shared/reference/vn-admin-doc-format.md``: Decree 30/2020/NĐ-CP
Appendix III (State administrative types and abbreviations), the legal-normative codes
observed in §2.3-2.4, and the Party types of HD 36-HD/VPTW (§3.4-3.5).
"""

from __future__ import annotations

from functools import lru_cache

from pipeline.extract.text import skeleton, strip_diacritics

# Vietnamese type name -> State abbreviation (Decree 30, Appendix III; VBQPPL codes §2.3).
STATE_TYPE_CODES: dict[str, str] = {
    "Nghị quyết": "NQ",
    "Quyết định": "QĐ",
    "Chỉ thị": "CT",
    "Quy chế": "QC",
    "Quy định": "QyĐ",
    "Thông cáo": "TC",
    "Thông báo": "TB",
    "Hướng dẫn": "HD",
    "Chương trình": "CTr",
    "Kế hoạch": "KH",
    "Phương án": "PA",
    "Đề án": "ĐA",
    "Dự án": "DA",
    "Báo cáo": "BC",
    "Biên bản": "BB",
    "Tờ trình": "TTr",
    "Hợp đồng": "HĐ",
    "Công điện": "CĐ",
    "Bản ghi nhớ": "BGN",
    "Bản thỏa thuận": "BTT",
    "Giấy ủy quyền": "GUQ",
    "Giấy mời": "GM",
    "Giấy giới thiệu": "GGT",
    "Giấy nghỉ phép": "GNP",
    "Phiếu gửi": "PG",
    "Phiếu chuyển": "PC",
    "Phiếu báo": "PB",
    "Bản sao y": "SY",
    "Bản trích sao": "TrS",
    "Bản sao lục": "SL",
    "Nghị định": "NĐ",
    "Thông tư": "TT",
    "Thông tư liên tịch": "TTLT",
    "Nghị quyết liên tịch": "NQLT",
    "Lệnh": "L",
    "Văn bản hợp nhất": "VBHN",
}

# Party abbreviation -> type name (HD 36-HD/VPTW; QĐ is shared by Quyết định and Quy định).
PARTY_CODE_TYPES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "QĐi": "Quy định",
    "QyĐ": "Quy định",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "QC": "Quy chế",
    "TT": "Thông tri",
    "HD": "Hướng dẫn",
    "TB": "Thông báo",
    "BC": "Báo cáo",
    "KH": "Kế hoạch",
    "CTr": "Chương trình",
    "TTr": "Tờ trình",
    "ĐA": "Đề án",
    "PA": "Phương án",
    "DA": "Dự án",
    "CV": "Công văn",
    "BB": "Biên bản",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "BS": "Bản sao",
    "TC": "Thông cáo",
    "QTr": "Quy trình",
}

# Codes that legitimately carry more than one type name: no conflict is flagged for these.
AMBIGUOUS_CODE_TYPES: dict[str, frozenset[str]] = {
    "QĐ": frozenset({"Quyết định", "Quy định"}),
    "QĐi": frozenset({"Quy định"}),
    "TT": frozenset({"Thông tư", "Thông tri"}),
    "QH": frozenset({"Luật", "Bộ luật", "Nghị quyết"}),
    "UBTVQH": frozenset({"Pháp lệnh", "Nghị quyết"}),
    "CTr": frozenset({"Chương trình"}),
}

# Type words written in running text, beyond the names above (longest first when matching).
EXTRA_TYPE_WORDS: tuple[str, ...] = (
    "Kết luận",
    "Thông tri",
    "Công văn",
    "Luật",
    "Bộ luật",
    "Pháp lệnh",
    "Văn bản",
    "Quy trình",
    "Bản sao",
)

# Words that stand for the same type name.
TYPE_WORD_ALIASES: dict[str, str] = {
    "Chương trình hành động": "Chương trình",
    "Chương trình phối hợp": "Chương trình",
    "Kế hoạch liên tịch": "Kế hoạch",
    "Thông báo kết luận": "Thông báo",
    "Quy chế phối hợp": "Quy chế",
    "Văn bản": "",  # generic: the type comes from the symbol
}

# Abbreviated type words written before a code in prose ("NQ 10-NQ/TW", "KH 200/KH-UBND").
PROSE_ABBREVIATIONS: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "KH": "Kế hoạch",
    "CTr": "Chương trình",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "CV": "Công văn",
    "HD": "Hướng dẫn",
    "TB": "Thông báo",
    "BC": "Báo cáo",
}

# Issuer abbreviations with a fixed spelling (mixed case kept) and their expansion.
ISSUER_NAMES: dict[str, str] = {
    "UBND": "Ủy ban nhân dân",
    "HĐND": "Hội đồng nhân dân",
    "CP": "Chính phủ",
    "TTg": "Thủ tướng Chính phủ",
    "VPCP": "Văn phòng Chính phủ",
    "QH": "Quốc hội",
    "UBTVQH": "Ủy ban Thường vụ Quốc hội",
    "CTN": "Chủ tịch nước",
    "TW": "Trung ương",
    "TU": "Tỉnh ủy",
    "HU": "Huyện ủy",
    "ĐU": "Đảng ủy",
    "VPTW": "Văn phòng Trung ương Đảng",
    "BNV": "Bộ Nội vụ",
    "BTC": "Bộ Tài chính",
    "BYT": "Bộ Y tế",
    "BCA": "Bộ Công an",
    "BQP": "Bộ Quốc phòng",
    "BCT": "Bộ Công Thương",
    "BXD": "Bộ Xây dựng",
    "BTNMT": "Bộ Tài nguyên và Môi trường",
    "BGDĐT": "Bộ Giáo dục và Đào tạo",
    "BLĐTBXH": "Bộ Lao động - Thương binh và Xã hội",
    "BNNPTNT": "Bộ Nông nghiệp và Phát triển nông thôn",
    "BKHĐT": "Bộ Kế hoạch và Đầu tư",
    "BKHCN": "Bộ Khoa học và Công nghệ",
    "BGTVT": "Bộ Giao thông vận tải",
    "BVHTTDL": "Bộ Văn hóa, Thể thao và Du lịch",
    "NHNN": "Ngân hàng Nhà nước",
    "HĐTP": "Hội đồng Thẩm phán",
    "SNV": "Sở Nội vụ",
}

def all_type_names() -> tuple[str, ...]:
    """Every type name we recognise in prose, longest first."""
    names = set(STATE_TYPE_CODES) | set(PARTY_CODE_TYPES.values()) | set(EXTRA_TYPE_WORDS)
    names |= set(TYPE_WORD_ALIASES)
    return tuple(sorted(names, key=lambda n: (-len(n.split()), -len(n), n)))


@lru_cache(maxsize=1)
def type_word_skeletons() -> dict[str, str]:
    """Skeleton of each type word ("quyet dinh") -> canonical type name ("" if generic)."""
    out: dict[str, str] = {}
    for name in all_type_names():
        out[skeleton(name)] = TYPE_WORD_ALIASES.get(name, name)
    return out


def _shape_key(code: str) -> str:
    """A key under which OCR look-alikes of a code collide: Đ/D/P/B, Q/O/0, I/l/1."""
    key = strip_diacritics(code).upper()
    return key.translate(str.maketrans({"P": "D", "B": "D", "Q": "O", "0": "O", "1": "I", "L": "I"}))


@lru_cache(maxsize=4)
def _code_lookup(party: bool) -> tuple[dict[str, str], dict[str, str], dict[str, list[str]]]:
    codes = list(PARTY_CODE_TYPES) if party else sorted(set(STATE_TYPE_CODES.values()))
    exact = {c: c for c in codes}
    folded = {strip_diacritics(c).upper(): c for c in codes if strip_diacritics(c) == c}
    folded.update({c.upper(): c for c in codes})
    shapes: dict[str, list[str]] = {}
    for c in codes:
        shapes.setdefault(_shape_key(c), []).append(c)
    return exact, folded, shapes


def canonical_type_code(raw: str, *, party: bool, hint: str | None = None) -> str | None:
    """The official spelling of a type code as written (possibly OCR-damaged), or None.

    Tries the exact code, then case-insensitive ("Ctr" -> "CTr", "QD" -> "QĐ"), then OCR
    look-alikes ("QP", "0P", "Qb" -> "QĐ") when exactly one code fits. ``hint`` is the
    code implied by the type word in front, used to settle look-alikes (HD vs HĐ).
    """
    exact, folded, shapes = _code_lookup(party)
    if hint is not None and _shape_key(raw) == _shape_key(hint):
        return hint
    if raw in exact:
        return raw
    upper = strip_diacritics(raw).upper()
    if upper in folded:
        return folded[upper]
    fits = shapes.get(_shape_key(raw), [])
    return fits[0] if len(fits) == 1 else None


def type_of_code(code: str, *, party: bool) -> str | None:
    """Type name implied by a canonical type code."""
    if party:
        return PARTY_CODE_TYPES.get(code)
    for name, abbr in STATE_TYPE_CODES.items():
        if abbr == code:
            return name
    return None


def code_of_type(name: str, *, party: bool) -> str | None:
    """Abbreviation of a type name in the State or the Party system."""
    if party:
        for code, type_name in PARTY_CODE_TYPES.items():
            if type_name == name:
                return code
        return None
    return STATE_TYPE_CODES.get(name)


@lru_cache(maxsize=1)
def _issuer_by_upper() -> dict[str, str]:
    out = {strip_diacritics(k).upper(): k for k in ISSUER_NAMES}
    out.update({k.upper(): k for k in ISSUER_NAMES})
    return out


def canonical_issuer_group(raw: str) -> str:
    """Known issuer abbreviations in their official case ("TTG" -> "TTg", "HDND" -> "HĐND")."""
    return _issuer_by_upper().get(strip_diacritics(raw).upper(), raw)
