"""Heading numerals read in the sequence of the document (texts written for these tests)."""

from __future__ import annotations

import pytest

from pipeline.correct import correct
from pipeline.correct.numerals import sequence_numerals
from pipeline.correct.segment import line_slots


def numerals_of(text: str) -> list[str]:
    """The numeral chosen for each heading of ``text``, in order."""
    slots = [s for i, line in enumerate(text.split("\n")) for s in line_slots(line, i)]
    chosen = sequence_numerals(slots)
    return [chosen[s] for s in slots if s in chosen]


@pytest.mark.parametrize(("text", "expected"), [
    # one by one these read II, II: the second must be III
    ("I. MỤC TIÊU\nII. NHIỆM VỤ\nII. GIẢI PHÁP", ["I", "II", "III"]),
    # look-alikes, in and out of sequence
    ("I. A\nIl. B\n11l. C\n1V. D\nV. E\nV1. F", ["I", "II", "III", "IV", "V", "VI"]),
    # "Ill" after I is II with a stray stroke; III next is kept
    ("I. A\nIll. B\nIII. C", ["I", "II", "III"]),
    # a damaged numeral that repeats the previous one takes the next
    ("I. A\nII. B\nIII. C\nI1l. D", ["I", "II", "III", "IV"]),
    # lV and a duplicate V
    ("III. A\nlV. B\nV. C\nV. D", ["III", "IV", "V", "VI"]),
])
def test_numerals_follow_the_sequence(text: str, expected: list[str]) -> None:
    assert numerals_of(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # valid and moving forward: a clean skip is kept, and a second part restarts at I
    ("I. A\nII. B\nIV. C\nI. D\nII. E", ["I", "II", "IV", "I", "II"]),
    # a damaged numeral with a V after I is IV, not II: the shapes differ in more than I's
    ("I. A\n1V. B", ["I", "IV"]),
    # far from the expected numeral: left as read
    ("I. A\nII. B\nXV. C", ["I", "II", "XV"]),
])
def test_numerals_that_fit_are_kept(text: str, expected: list[str]) -> None:
    assert numerals_of(text) == expected


@pytest.mark.parametrize("text", [
    "1. Mục tiêu\n1. Nhiệm vụ",  # Arabic numbers are no Roman numerals
    "Ông V. Hùng\nII tờ trình",  # not line-initial, or no "." / ")" after it
    "I want\nVI is six",
])
def test_only_line_initial_numerals_with_a_stop_are_headings(text: str) -> None:
    assert numerals_of(text) == []


def test_corrector_applies_and_logs_the_sequence(models) -> None:
    text = "I. MUC TIEU\nII. NHIEM VU\nII. GIAI PHAP\n1V. TO CHUC THUC HIEN"
    result = correct(text, models=models)
    assert [line.split(".")[0] for line in result.text.split("\n")] == ["I", "II", "III", "IV"]
    logged = {(e.line, e.original, e.correction) for e in result.edits if e.column == 0}
    assert logged == {(3, "II", "III"), (4, "1V", "IV")}


def test_sequence_spans_the_whole_document_not_one_sentence(models) -> None:
    text = "I. MỤC TIÊU\nNội dung của phần này.\n\nII. NHIỆM VỤ\nNội dung.\n\nII. GIẢI PHÁP"
    assert correct(text, models=models).text.split("\n")[-1] == "III. GIẢI PHÁP"


def test_an_excerpt_may_start_at_any_numeral() -> None:
    assert numerals_of("Il. NHIỆM VỤ\nIII. GIẢI PHÁP") == ["II", "III"]


def test_list_letter_l_is_no_heading_numeral():
    from pipeline.correct import correct

    assert correct("k) Lập kế hoạch kiểm tra;\nl) Báo cáo kết quả thực hiện.").text.splitlines()[1].startswith("l)")
