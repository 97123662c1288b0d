"""The section tree of a report body: Roman parts, Arabic items, letters, bullets.

Numbers are repaired by their place in the sequence: OCR-misread Roman numerals ("Il.",
"11l.", "I1l.") and numbering slips in the original (a second "1." where "2." belongs)
take the number the sequence expects, and the printed form is kept beside it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline.extract.records import Section
from pipeline.extract.text import squash_spaces, upper_ratio

_LEAD = r"^[ \t]*[_|]?[ \t]*"
_ROMAN_RX = re.compile(_LEAD + r"(?P<num>[IVXLivxl1]{1,6})[ \t]*[.)][ \t]*(?P<title>\S.*)$")
_ARABIC_RX = re.compile(
    _LEAD + r"(?P<num>\d{1,2}(?:\.\d{1,2}){0,3})[ \t]*[.)][ \t]+(?P<title>[^\d\s].*)$"
)
_LETTER_RX = re.compile(r"^[ \t]*(?P<num>[a-zđ])[ \t]*\)[ \t]+(?P<title>\S.*)$")
_BULLET_RX = re.compile(r"^[ \t]*(?P<num>[-+•])[ \t]+(?P<title>\S.*)$")
_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50}
_ROMAN_LOOKALIKES = str.maketrans({"1": "I", "l": "I", "i": "I", "v": "V", "x": "X"})
_BULLET_RANKS = {"-": 20, "•": 20, "+": 21}
_TITLE_END = re.compile(r"[.:;](?=\s|$)")
MAX_TITLE_CHARS = 300


@dataclass(slots=True)
class _Heading:
    """A heading line while the tree is being built (mutable, private)."""

    line: int
    kind: str
    rank: int
    printed: str
    value: int
    title: str
    children: list[_Heading] = field(default_factory=list)
    end_line: int = 0


def to_roman(value: int) -> str:
    """Roman numeral of 1..399."""
    out = []
    for number, letters in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out.append(letters)
            value -= number
    return "".join(out)


def parse_roman(printed: str) -> tuple[int | None, bool]:
    """(value, clean): value of a Roman numeral as printed, clean=False if look-alikes
    (1, l, i) had to be mapped or the numeral is malformed (value is then a guess)."""
    mapped = printed.translate(_ROMAN_LOOKALIKES).upper()
    if any(c not in _ROMAN_VALUES for c in mapped):
        return None, False
    total = 0
    for i, char in enumerate(mapped):
        value = _ROMAN_VALUES[char]
        nxt = _ROMAN_VALUES[mapped[i + 1]] if i + 1 < len(mapped) else 0
        total += -value if value < nxt else value
    clean = mapped == printed and total > 0 and to_roman(total) == mapped
    return (total if total > 0 else None), clean


def _match_heading(line_no: int, line: str) -> _Heading | None:
    """Recognise one line as a heading of some kind, or None."""
    m = _ROMAN_RX.match(line)
    if m and not m["num"].isdigit() and upper_ratio(m["title"]) >= 0.7:
        value, clean = parse_roman(m["num"])
        return _Heading(line_no, "roman", 0, m["num"], (value or 0) if clean else -(value or 0), m["title"])
    m = _ARABIC_RX.match(line)
    if m:
        parts = m["num"].split(".")
        return _Heading(line_no, "arabic", len(parts), m["num"], int(parts[-1]), m["title"])
    m = _LETTER_RX.match(line)
    if m:
        return _Heading(line_no, "letter", 10, m["num"], ord(m["num"]) - ord("a") + 1, m["title"])
    m = _BULLET_RX.match(line)
    if m:
        return _Heading(line_no, "bullet", _BULLET_RANKS[m["num"]], m["num"], 0, m["title"])
    return None


def _renumber(heading: _Heading, previous: _Heading | None) -> None:
    """Give ``heading`` the number its place in the sequence expects when it is damaged.

    Roman values are negative when the printed numeral was not clean (look-alikes).
    A number that repeats or goes back is a slip; a clean forward skip is kept.
    """
    if heading.kind == "bullet":
        return
    expected = (previous.value if previous else 0) + 1
    value = heading.value
    if value < 0:  # damaged Roman numeral
        heading.value = expected if -value != expected else -value
    elif value < expected:
        heading.value = expected


def _number_text(heading: _Heading) -> str:
    if heading.kind == "roman":
        return to_roman(heading.value)
    if heading.kind == "arabic":
        prefix = heading.printed.split(".")[:-1]
        return ".".join(prefix + [str(heading.value)])
    if heading.kind == "letter":
        return chr(ord("a") + heading.value - 1)
    return heading.printed


def _title(lines: list[str], heading: _Heading, stop: int) -> str:
    """The heading's title: following capital lines for Roman parts, else the first sentence."""
    parts = [heading.title]
    for line_no in range(heading.line + 1, min(stop, heading.line + 6)):
        line = lines[line_no - 1]
        if not line.strip() or _match_heading(line_no, line):
            break
        if heading.kind == "roman" and upper_ratio(line) < 0.8:
            break
        if heading.kind != "roman" and not line.lstrip()[:1].islower():
            break  # a new sentence starts: the heading line was the whole title
        parts.append(line)
    text = squash_spaces(" ".join(parts))
    if heading.kind != "roman":
        end = _TITLE_END.search(text)
        text = text[: end.start()] if end else text
    return text[:MAX_TITLE_CHARS].strip()


def _build(lines: list[str], headings: list[_Heading], body_end: int) -> list[_Heading]:
    """Nest the headings by rank, repair numbers, set each node's last line."""
    roots: list[_Heading] = []
    stack: list[_Heading] = []
    for heading in headings:
        while stack and stack[-1].rank >= heading.rank:
            stack.pop()
        siblings = stack[-1].children if stack else roots
        previous = next((s for s in reversed(siblings) if s.kind == heading.kind), None)
        _renumber(heading, previous)
        siblings.append(heading)
        stack.append(heading)
    for index, heading in enumerate(headings):
        nxt = next((h for h in headings[index + 1 :] if h.rank <= heading.rank), None)
        end = (nxt.line - 1) if nxt else body_end
        while end > heading.line and not lines[end - 1].strip():
            end -= 1
        heading.end_line = end
    return roots


def _freeze(lines: list[str], heading: _Heading, level: int, stop: int) -> Section:
    return Section(
        kind=heading.kind,
        number=_number_text(heading),
        printed_number=heading.printed,
        title=_title(lines, heading, stop),
        level=level,
        start_line=heading.line,
        end_line=heading.end_line,
        text="\n".join(lines[heading.line - 1 : heading.end_line]),
        children=tuple(_freeze(lines, c, level + 1, stop) for c in heading.children),
    )


def parse_sections(lines: list[str], body_start: int, body_end: int) -> tuple[Section, ...]:
    """The section tree of lines body_start..body_end (1-based, inclusive)."""
    headings = []
    for line_no in range(body_start, body_end + 1):
        heading = _match_heading(line_no, lines[line_no - 1])
        if heading is not None:
            headings.append(heading)
    roots = _build(lines, headings, body_end)
    return tuple(_freeze(lines, h, 1, body_end + 1) for h in roots)


def section_paths(sections: tuple[Section, ...], n_lines: int) -> list[tuple[str, ...]]:
    """For each 1-based line (index 0 unused), the numbers of its enclosing sections.

    Bullets are left out of paths: they carry no number worth citing.
    """
    paths: list[tuple[str, ...]] = [()] * (n_lines + 2)

    def visit(section: Section, prefix: tuple[str, ...]) -> None:
        if section.kind == "bullet":
            return
        path = prefix + (section.number,)
        for line in range(section.start_line, section.end_line + 1):
            paths[line] = path
        for child in section.children:
            visit(child, path)

    for root in sections:
        visit(root, ())
    return paths
