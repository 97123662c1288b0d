"""Roman numerals of top-level headings, read one by one and then in sequence.

Legacy OCR reads the I of a heading numeral as l, 1 or | ("Il.", "11l.", "1V."). Read alone,
such a numeral is repaired by mapping the look-alikes to I ("Il" -> "II"). That is not
always enough: "Ill" could be III or a damaged II, and a misread numeral can read as another
valid one ("II." twice in a row where III is due). The headings of one document run I, II,
III, IV...; so a numeral that cannot be read, or that repeats or goes back, is given the one
its place in the sequence expects, provided the printed shape is close to it. A numeral that
reads validly and moves forward (even skipping one: a heading may have been lost in the scan)
is kept, unless it was damaged and differs from the expected one only in its count of I's;
I is always kept: a second part of a document starts again at I. The rule is the one
``pipeline.extract.sections`` applies to its heading tree, made more careful.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from pipeline.correct.segment import Slot
from pipeline.extract.sections import parse_roman, to_roman

_ROMAN_LIKE = re.compile(r"^[IVXl1|]{1,6}$")
_ROMAN = re.compile(r"^(X{0,3})(IX|IV|V?I{0,3})$")
_LOOKALIKES = re.compile(r"[l1|]")
# How far (in edits of the look-alike-mapped letters) a misread numeral may be from the one
# the sequence expects: one letter lost, added or confused, or two for "I1l" read for IV.
MAX_SHAPE_DISTANCE = 2


@dataclass(frozen=True, slots=True)
class Heading:
    """A line-initial numeral slot: as printed, as read alone (None: no valid numeral)."""

    slot: Slot
    printed: str
    reading: str | None


def read_numeral(slot: Slot, following: Slot | None) -> str | None:
    """A line-initial Roman numeral followed by "." or ")", look-alikes mapped ("Il." -> "II").

    None when the slot is no such numeral or does not read as a valid one.
    """
    mapped = heading_shape(slot, following)
    return mapped if mapped is not None and _ROMAN.match(mapped) else None


def heading_shape(slot: Slot, following: Slot | None) -> str | None:
    """The look-alike-mapped letters of a heading numeral slot, valid or not, else None."""
    if not (slot.is_word and slot.line_initial and following is not None and following.text in ".)"):
        return None
    if not _ROMAN_LIKE.match(slot.text) or slot.text.isdigit():
        return None
    if slot.text == "l" and following.text == ")":  # the list item after "k)", not I
        return None
    return _LOOKALIKES.sub("I", slot.text)


def headings(slots: list[Slot]) -> list[Heading]:
    """The heading numerals among a document's slots, in order."""
    out = []
    for i, slot in enumerate(slots):
        following = slots[i + 1] if i + 1 < len(slots) and slots[i + 1].line == slot.line else None
        shape = heading_shape(slot, following)
        if shape is not None:
            out.append(Heading(slot, shape, read_numeral(slot, following)))
    return out


def _value(numeral: str | None) -> int:
    return parse_roman(numeral)[0] or 0 if numeral else 0


def _keeps(heading: Heading, previous: int) -> bool:
    """Whether a heading keeps its own reading after the numeral ``previous`` (0: none yet).

    Kept: the first numeral read, the expected next one, a restart at I, and a forward skip, unless the numeral
    was damaged (look-alikes mapped) and differs from the expected one only in its count of
    I's: "Ill" after I is II read with one stroke too many, while "1V" after I stays IV.
    """
    value = _value(heading.reading)
    if value in (1, previous + 1) or (previous == 0 and value > 0):  # a text may start at any part
        return True
    if value <= previous:
        return False
    damaged = heading.printed != heading.slot.text
    expected = to_roman(previous + 1)
    return not damaged or heading.printed.replace("I", "") != expected.replace("I", "")


def sequence_numerals(slots: list[Slot]) -> dict[Slot, str]:
    """The numeral each heading slot should print, read in the sequence of the document.

    A heading whose reading fits (see :func:`_keeps`) keeps it; otherwise it takes the
    numeral after the previous one when its printed shape is close enough to it, and is
    left to the word corrector when not (it may be no heading at all).
    """
    out: dict[Slot, str] = {}
    previous = 0
    for heading in headings(slots):
        if _keeps(heading, previous):
            chosen = heading.reading
        else:
            expected = to_roman(previous + 1)
            close = Levenshtein.distance(heading.printed, expected) <= MAX_SHAPE_DISTANCE
            chosen = expected if close else heading.reading
        if chosen is None:
            continue
        out[heading.slot] = chosen
        previous = _value(chosen)
    return out
