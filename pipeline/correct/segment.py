"""Cutting text into decoding units: paragraphs of lines, and *slots* inside them.

A slot is a maximal run of letters and digits (plus the stray symbols that legacy OCR puts
inside words, such as ¢ € ¥ &), or one other non-space character. Slots carry their line and
column so that the corrected text keeps every line, every space and every untouched
character exactly where it was.
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

IN_WORD_JUNK = "¢€¥£©®°¤@$&|"
# ... of which legacy OCR also prints alone for a whole word: "dân chủ & cơ sở" (ở); such a
# slot is read like a word, its own symbol one of its readings
LETTER_JUNK = frozenset("&¢€¥")
# An apostrophe belongs to a word only between two letters or digits (legacy OCR writes "u’o"
# for ươ); elsewhere it is a quote and a slot of its own.
_SLOT_RE = re.compile(
    rf"((?:[^\W_]|[{re.escape(IN_WORD_JUNK)}]|(?<=[^\W_])['’`](?=[^\W_]))+)|(\S)"
)
_JUNK = IN_WORD_JUNK + "'’`"
_LIGATURES = {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
CONTROL_CHARACTERS = frozenset([*map(chr, range(0x09)), "\x0b", "\x0c", *map(chr, range(0x0E, 0x20)), "\x7f", "\ufffd"])


class Slot(NamedTuple):
    """One decodable piece of a line. ``line`` is 0-based; ``start``/``end`` are columns.

    Immutable like the frozen dataclasses between stages, but a named tuple: a page has
    hundreds of slots, made, hashed and compared in C this way (a tenth of the time).
    """

    line: int
    start: int
    end: int
    text: str
    is_word: bool
    line_initial: bool


def normalize_input(text: str) -> str:
    """NFC, ligatures spelt out, control characters (binary garbage) replaced by spaces.

    Replacements keep the length of each line only where they are one character for one;
    ligatures are expanded, which is why this runs once, before any column is computed.
    """
    text = unicodedata.normalize("NFC", text)
    for lig, plain in _LIGATURES.items():
        text = text.replace(lig, plain)
    return _CONTROL.sub(" ", text)


def line_slots(line: str, index: int) -> list[Slot]:
    """The slots of one line."""
    slots = []
    for number, match in enumerate(_SLOT_RE.finditer(line)):
        word = match.group(1)
        # a run of word characters is a word unless it is all junk (its other characters
        # are letters and digits, and apostrophes between them)
        is_word = bool(word) and (word.strip(_JUNK) != "" or word in LETTER_JUNK)
        slots.append(Slot(index, match.start(), match.end(), match.group(0), is_word, number == 0))
    return slots


def paragraphs(lines: list[str]) -> list[list[Slot]]:
    """Slots of runs of consecutive non-blank lines (a blank line ends a paragraph)."""
    out: list[list[Slot]] = []
    current: list[Slot] = []
    for index, line in enumerate(lines):
        slots = line_slots(line, index)
        if not slots:
            if current:
                out.append(current)
            current = []
            continue
        current.extend(slots)
    if current:
        out.append(current)
    return out


SENTENCE_END = frozenset(".?!")


def sentences(slots: list[Slot]) -> list[list[Slot]]:
    """A paragraph's slots cut after ., ? or ! when the next slot begins with a capital.

    Sentences are decoded independently (and side by side, see ``batch_decoder``); the
    language model starts each one as it starts a corpus line.
    """
    out: list[list[Slot]] = []
    start = 0
    for i in range(len(slots) - 1):
        if slots[i].text in SENTENCE_END and slots[i + 1].text[:1].isupper():
            out.append(slots[start : i + 1])
            start = i + 1
    out.append(slots[start:])
    return [s for s in out if s]
