"""The closing block: signature (TM./KT./TL./TUQ./Q.), signer's title and name, "Nơi nhận".

OCR often merges the two columns ("Nơi nhận: TM. ỦY BAN NHÂN DÂN", "- Như trên; KT. CHỦ
TỊCH"); each line is split into a left part (the Nơi nhận list) and a right part (the
signature) before parsing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.records import Signer
from pipeline.extract.text import skeleton, squash_spaces, upper_ratio

_NOI_NHAN = re.compile(r"^[ \t]*n[o0][a-z]{0,2}i[ \t]*nh[a-z]{1,2}n[ \t]*:?")
_AUTHORITY = re.compile(r"(?:^|(?<=\s))(?P<prefix>TM|KT|TL|TUQ|T/M|K/T|T/L|T\.M|Q)[ \t]*\.[ \t]*(?=[A-ZĐÀ-Ỹ])")
# the dot may be lost after TM, KT ...; not after Q ("Q. CHỦ TỊCH"): "QUYẾT ĐỊNH:" is no authority
_AUTHORITY_LINE = re.compile(r"^[ \t]*(?:(?:TM|KT|TL|TUQ|T/M|K/T|T/L|T\.M)[ \t]*\.?|Q[ \t]*\.)[ \t]*[A-ZĐÀ-Ỹ]{2,}")
_NAME = re.compile(r"^(?:[A-ZĐÀ-Ỹ][a-zà-ỹđ]+[ \t]+){1,4}[A-ZĐÀ-Ỹ][a-zà-ỹđ]+$")
_JUNK_HEAD = re.compile(r"^[^A-Za-zÀ-ỹĐđ]+")
TAIL_LINES = 40


@dataclass(frozen=True, slots=True)
class Closing:
    """What the closing block holds, and the line where it starts (1-based)."""

    start_line: int
    signer: Signer | None
    distribution: tuple[str, ...]


def find_closing_start(lines: list[str], first: int) -> int | None:
    """Line of "Nơi nhận" or of the first signing-authority line near the end, or None."""
    low = max(first, len(lines) - TAIL_LINES + 1)
    noi_nhan = None
    for line_no in range(len(lines), low - 1, -1):
        if _NOI_NHAN.match(skeleton(lines[line_no - 1])):
            noi_nhan = line_no
            break
    authority = [
        n for n in range(low, len(lines) + 1) if _AUTHORITY_LINE.match(lines[n - 1])
    ]
    if noi_nhan is not None:
        before = [n for n in authority if noi_nhan - 8 <= n < noi_nhan]
        return before[0] if before else noi_nhan
    return authority[0] if authority else None


def _split_line(line: str) -> tuple[str, str]:
    """(left, right): the Nơi nhận part and the signature part of one closing line."""
    skel = skeleton(line)
    label = _NOI_NHAN.match(skel)
    if label:
        return line[: label.end()].strip(), line[label.end() :].strip()
    stripped = line.strip()
    if not stripped.startswith(("-", "+", "•")):
        return "", stripped
    authority = _AUTHORITY.search(stripped, 1)
    if authority:
        return stripped[: authority.start()].strip(), stripped[authority.start() :].strip()
    cut = max(stripped.rfind(";"), stripped.rfind("."))
    if 0 < cut < len(stripped) - 1:
        tail = _JUNK_HEAD.sub("", stripped[cut + 1 :]).strip()
        if tail and (upper_ratio(tail) >= 0.8 or _NAME.match(tail)):
            return stripped[: cut + 1].strip(), tail
    return stripped, ""


def _clean_item(item: str) -> str:
    return squash_spaces(item.lstrip("-+• \t").rstrip(";,. \t"))


def _signer(rights: list[tuple[int, str]]) -> Signer | None:
    """Authority lines, then the title (capitals), then the name (Title Case).

    Scan specks read as capitals ("CS)") are no title: a title has two words or more
    ("CHỦ TỊCH", "GIÁM ĐỐC"), and an authority line below a title with none above it
    starts the signature again. A name that lost a space ("NguyễnVăn An") is split.
    """
    authority, title, name, first_line = [], None, None, None
    for line_no, text in rights:
        text = _JUNK_HEAD.sub("", text).strip()
        if not text:
            continue
        if _AUTHORITY_LINE.match(text) and (title is None or not authority):
            if title is not None:
                title, first_line = None, None
            prefix = _AUTHORITY.match(text)
            if prefix:
                text = f"{prefix['prefix']}. {text[prefix.end():].strip()}"
            authority.append(text)
            first_line = first_line or line_no
        elif title is None and _is_title(text) and (authority or len(text) < 40):
            title = text
            first_line = first_line or line_no
        elif name is None and (authority or title) and _NAME.match(spaced := _with_lost_spaces(text)):
            name = spaced
    if not authority and title is None:
        return None
    return Signer(tuple(authority), title, name, first_line)


def _with_lost_spaces(text: str) -> str:
    """A space put back between a lower-case letter and a capital ("NguyễnVăn" -> "Nguyễn Văn")."""
    return "".join(f" {ch}" if ch.isupper() and i and text[i - 1].islower() else ch for i, ch in enumerate(text))


def _is_title(text: str) -> bool:
    """Capitals in two words or more: "CHỦ TỊCH", "PHÓ GIÁM ĐỐC"."""
    words = [w for w in text.split() if sum(ch.isalpha() for ch in w) >= 2]
    return upper_ratio(text) >= 0.8 and len(words) >= 2


def parse_closing(lines: list[str], start: int) -> Closing:
    """Signer and Nơi nhận list of lines start..end."""
    lefts: list[str] = []
    rights: list[tuple[int, str]] = []
    seen_label = False
    for line_no in range(start, len(lines) + 1):
        left, right = _split_line(lines[line_no - 1])
        if left and _NOI_NHAN.match(skeleton(left)):
            seen_label = True
        elif left and seen_label:
            lefts.append(_clean_item(left))
        if right:
            rights.append((line_no, right))
    items = tuple(item for item in lefts if item)
    return Closing(start, _signer(rights), items)
