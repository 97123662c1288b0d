"""Text helpers shared by the extractor: normalisation, skeletons, line numbers, sentences.

The *skeleton* of a text is the same text in lower case with every diacritic removed and
đ mapped to d ("Quyết định" -> "quyet dinh"). It has exactly the same length as the text,
character for character, so a match found in the skeleton is sliced from the original.
Matching on skeletons makes the extractor robust to wrong or missing tone marks left by the
OCR corrector.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Dash variants U+2010-U+2015 and the minus sign become '-'; Icelandic eth becomes Đ/đ.
_NORMALISE_TABLE = str.maketrans(
    {
        **{chr(c): "-" for c in range(0x2010, 0x2016)},
        "\u2212": "-",
        "\u00d0": "\u0110",
        "\u00f0": "\u0111",
        "\u00a0": " ",
        "\r": "",
    }
)


def normalise_text(text: str) -> str:
    """NFC, '\\n' line breaks, one kind of dash, Đ instead of the look-alike eth."""
    text = text.replace("\r\n", "\n")
    return unicodedata.normalize("NFC", text).translate(_NORMALISE_TABLE)


@lru_cache(maxsize=1)
def _skeleton_table() -> dict[int, str]:
    """Map every precomposed Latin letter to its lower-case base letter (one char each)."""
    table: dict[int, str] = {0x0110: "d", 0x0111: "d"}
    for code in range(0x00C0, 0x1EFA):
        char = chr(code)
        if not char.isalpha():
            continue
        base = unicodedata.normalize("NFD", char)[0].lower()
        if len(base) == 1 and base.isascii():
            table[code] = base
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code).lower()
    return table


def skeleton(text: str) -> str:
    """Lower case, diacritics stripped, đ -> d; same length as ``text``."""
    return text.translate(_skeleton_table())


def strip_diacritics(text: str) -> str:
    """Diacritics stripped and đ -> d, case kept (for comparing upper-case codes)."""
    out = []
    for char in text:
        low = skeleton(char)
        out.append(low.upper() if char.isupper() else low)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class LineIndex:
    """Offsets of line starts, to turn a character offset into a 1-based line number."""

    starts: tuple[int, ...]

    @classmethod
    def of(cls, text: str) -> LineIndex:
        starts = [0]
        starts.extend(m.end() for m in re.finditer("\n", text))
        return cls(tuple(starts))

    def line_of(self, offset: int) -> int:
        """1-based line number of the character at ``offset``."""
        return bisect.bisect_right(self.starts, offset)

    def start_of(self, line: int) -> int:
        """Offset of the first character of 1-based ``line``."""
        return self.starts[line - 1]


_SENTENCE_END = re.compile(r"[.!?](?=[\s\"”’)]|$)|\n[ \t]*\n")


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) of the sentence that contains text[start:end].

    A sentence ends at '.', '!' or '?' followed by white space or a quote, or at a blank
    line. Periods inside numbers and codes ("1.725", "./.") do not end one.
    """
    left = 0
    for match in _SENTENCE_END.finditer(text, max(0, start - 600), start):
        left = match.end()
    right_match = _SENTENCE_END.search(text, end)
    right = right_match.end() if right_match else len(text)
    if right_match and right_match.group().startswith("\n"):
        right = right_match.start()
    return left, right


def squash_spaces(text: str) -> str:
    """Runs of white space (line breaks included) folded to one space, ends stripped."""
    return " ".join(text.split())


def upper_ratio(text: str) -> float:
    """Share of letters that are upper case (1.0 when there are no letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    return sum(1 for c in letters if c.isupper()) / len(letters)
