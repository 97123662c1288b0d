"""Orthography units: tone stripping, skeletons, tone placement, well-formedness."""

from __future__ import annotations

import unicodedata

import pytest

from pipeline.correct.orthography import (
    canonical_tone_placement,
    has_marks,
    is_vietnamese_syllable,
    place_tone,
    skeleton,
    strip_diacritics,
    strip_tone,
    tone_of,
)


@pytest.mark.parametrize(
    ("word", "expected"),
    [("người", "ngươi"), ("Đảng", "Đang"), ("QUỐC", "QUÔC"), ("hoà", "hoa"), ("abc", "abc")],
)
def test_strip_tone_keeps_letter_modifiers(word: str, expected: str) -> None:
    assert strip_tone(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [("Đảng", "dang"), ("người", "nguoi"), ("ĂN", "an"), ("s6", "s6"), ("Quyết", "quyet")],
)
def test_skeleton(word: str, expected: str) -> None:
    assert skeleton(word) == expected


def test_strip_diacritics_keeps_case() -> None:
    assert strip_diacritics("Đảng Ủy") == "Dang Uy"


@pytest.mark.parametrize(
    ("word", "tone"),
    [("ma", 0), ("mà", 1), ("má", 2), ("mả", 3), ("mã", 4), ("mạ", 5), ("ĐỘC", 5), ("ươn", 0)],
)
def test_tone_of(word: str, tone: int) -> None:
    assert tone_of(word) == tone


@pytest.mark.parametrize(
    ("word", "new", "old"),
    [
        ("hòa", "hoà", "hòa"),
        ("hoà", "hoà", "hòa"),
        ("thủy", "thuỷ", "thủy"),
        ("khỏe", "khoẻ", "khỏe"),
        ("Hòa", "Hoà", "Hòa"),
        ("HÒA", "HOÀ", "HÒA"),
        ("hoàn", "hoàn", "hoàn"),  # closed syllable: same in both styles
        ("quý", "quý", "quý"),  # "qu" is the onset
        ("giữ", "giữ", "giữ"),  # "gi" is the onset
        ("người", "người", "người"),
        ("khuỷu", "khuỷu", "khuỷu"),
        ("thuở", "thuở", "thuở"),
        ("abc", "abc", "abc"),
    ],
)
def test_canonical_tone_placement(word: str, new: str, old: str) -> None:
    assert canonical_tone_placement(word, "new") == new
    assert canonical_tone_placement(word, "old") == old


def test_canonical_tone_placement_rejects_unknown_style() -> None:
    with pytest.raises(ValueError, match="style"):
        canonical_tone_placement("hòa", "middle")


@pytest.mark.parametrize(
    ("base", "tone", "expected"), [("hoa", 1, "hoà"), ("nguoi", 0, "nguoi"), ("ươn", 5, "ượn")]
)
def test_place_tone(base: str, tone: int, expected: str) -> None:
    assert place_tone(base, tone) == expected


@pytest.mark.parametrize(
    "word",
    ["của", "được", "nước", "Đảng", "số", "là", "lý", "chức", "quỳnh", "khuyếch", "xoong", "ĐẢNG",
     "hòa", "hoà", "gìn", "y", "oanh", "nghiêng"],
)
def test_well_formed_syllables(word: str) -> None:
    assert is_vietnamese_syllable(word)


@pytest.mark.parametrize(
    "word",
    ["ctia", "dugc", "nudc", "s6", "cta", "ke" + "ng" * 2, "gha", "ngi", "tàt", "ă", "qủa",
     "hoàà", "", "a1", "ki-lô", "ciêm", "kông"],
)
def test_ill_formed_syllables(word: str) -> None:
    assert not is_vietnamese_syllable(word)


def test_nfd_input_is_handled() -> None:
    nfd = unicodedata.normalize("NFD", "thuỷ")
    assert is_vietnamese_syllable(nfd)
    assert canonical_tone_placement(nfd, "old") == "thủy"


@pytest.mark.parametrize(("word", "marked"), [("Đang", True), ("dang", False), ("hoà", True)])
def test_has_marks(word: str, marked: bool) -> None:
    assert has_marks(word) is marked
