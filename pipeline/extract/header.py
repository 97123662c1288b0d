"""The report's header: issuing body, number and symbol, place and date, type, subject,
recipients ("Kính gửi").

OCR often merges the two header columns into single lines ("HUYỆN BÌNH SƠN Độc lập - Tự do
- Hạnh phúc", "Số: 286/BC-UBND Bình Sơn, ngày 20 tháng 6 năm 2022"); each line is cut at
the known right-column strings (Quốc hiệu, Tiêu ngữ, "ĐẢNG CỘNG SẢN VIỆT NAM", the place
and date) before parsing, as the reference (§1.4) advises.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pipeline.extract.dates import PLACE_DATE_RX, to_date
from pipeline.extract.doctypes import type_word_skeletons
from pipeline.extract.symbols import Symbol, find_symbols
from pipeline.extract.text import skeleton, squash_spaces, upper_ratio

_V = r"[a-z]{1,2}"  # one damaged or diacritic-less vowel group
_RIGHT_COLUMN = re.compile(
    rf"c{_V}ng[ \t]*h{_V}a[ \t]*x{_V}[ \t]*h{_V}i[ \t]*ch{_V}[ \t]*ngh{_V}a[ \t]*vi{_V}t[ \t]*n{_V}m"
    rf"|d{_V}c[ \t]*l{_V}p[ \t]*-[ \t]*t{_V}[ \t]*d{_V}[ \t]*-[ \t]*h{_V}nh[ \t]*ph{_V}c"
    rf"|d{_V}ng[ \t]*c{_V}ng[ \t]*s{_V}n[ \t]*vi{_V}t[ \t]*n{_V}m"
)
_NUMBER_LINE = re.compile(r"^[ \t]*s[a-z0-9]{0,2}[ \t]*:")
_NUMBER_PREFIX = re.compile(r"^[ \t]*s[a-z0-9]{0,2}[ \t]*:[ \t]*\S*")  # "Số: /BC-UBND" (blank number)
_PARTY_NUMBER_LINE = re.compile(r"^[ \t]*so[ \t]+\d")
_KINH_GUI = re.compile(rf"^[ \t]*k{_V}nh[ \t]*g[a-z]{{1,3}}i[ \t]*:?")
_VV = re.compile(r"^[ \t]*v[ \t]*/[ \t]*v[ \t.:]*")
_ADMIN_UNIT = re.compile(r"^(?:huyen|tinh|xa|thanh pho|quan|thi xa|phuong|thi tran)\b(?!\s+uy\b)")
HEADER_LINES = 40
MAX_NUMBER_LINE_CHARS = 110


@dataclass(frozen=True, slots=True)
class Header:
    """What the header holds (see :class:`pipeline.extract.records.DocumentHeader`)."""

    symbol: Symbol | None
    symbol_line: int | None
    left_lines: tuple[str, ...]
    place: str | None
    date: dt.date | None
    type: str | None
    title: str | None
    subject: str | None
    recipients: tuple[str, ...]
    body_start_line: int


def _left_part(line: str) -> str:
    """The left column of a possibly merged header line."""
    match = _RIGHT_COLUMN.search(skeleton(line))
    return (line[: match.start()] if match else line).strip()


def _number_and_place(lines: list[str], limit: int) -> tuple[int | None, Symbol | None, int | None, str | None, dt.date | None]:
    """Find the own number line and the place-date; returns their lines and values."""
    number_line = symbol = place_line = place = date = None
    for line_no in range(1, limit + 1):
        line = lines[line_no - 1]
        if len(line) > MAX_NUMBER_LINE_CHARS:
            continue  # a body sentence, not a header line
        skel = skeleton(line)
        symbols = list(find_symbols(line))
        pd = PLACE_DATE_RX.search(skel)
        is_number = _NUMBER_LINE.match(skel) or _PARTY_NUMBER_LINE.match(skel)
        if number_line is None and symbols and (is_number or pd):
            number_line, symbol = line_no, symbols[0]
        elif number_line is None and is_number:
            number_line = line_no  # "Số: /BC-UBND": blank number
        if place_line is None and pd:
            place_line, date = line_no, to_date(pd)
            place = _place(line, skel, symbols, pd.start())
        if number_line and place_line:
            break
    return number_line, symbol, place_line, place, date


def _place(line: str, skel: str, symbols: list[Symbol], comma: int) -> str | None:
    """The place before ", ngày ...": what follows the number when the columns merged."""
    left_end = 0
    if symbols and symbols[0].start < comma:
        left_end = symbols[0].end
    else:
        prefix = _NUMBER_PREFIX.match(skel)
        left_end = prefix.end() if prefix and prefix.end() < comma else 0
    return squash_spaces(line[left_end:comma]) or None


def _type_line(lines: list[str], start: int, limit: int) -> tuple[int | None, str | None]:
    """The line that names the type in capitals ("BÁO CÁO", "KẾ HOẠCH")."""
    words = type_word_skeletons()
    for line_no in range(start, limit + 1):
        text = lines[line_no - 1].strip()
        if not text:
            continue
        name = words.get(skeleton(text))
        if name and upper_ratio(text) >= 0.7:
            return line_no, name
    return None, None


def _block(lines: list[str], start: int, limit: int) -> tuple[list[str], int]:
    """Non-blank lines from ``start`` (blank lines before them skipped) to the next blank
    line, a "Kính gửi" line, the start of the body or ``limit``; returns them and the last
    line used."""
    line_no = start
    while line_no <= limit and not lines[line_no - 1].strip():
        line_no += 1
    out, last = [], start - 1
    while line_no <= limit and lines[line_no - 1].strip():
        skel = skeleton(lines[line_no - 1])
        if (_KINH_GUI.match(skel) or _RIGHT_COLUMN.match(skel.strip()) or PLACE_DATE_RX.search(skel)
                or len(out) >= 6 or (out and _starts_body(lines[line_no - 1], out))):
            break
        out.append(lines[line_no - 1].strip())
        last = line_no
        line_no += 1
    return out, last


# What begins the body under a subject printed with no blank line after it: a capitalised
# basis or opening phrase, an article, a numbered heading.
_BODY_OPENER = re.compile(r"^\s*(?:Căn cứ|Thực hiện|Theo|Để|Nhằm|Điều \d|Chương|Phần|[IVX]+\.|\d+\.)(?!\w)")


def _starts_body(line: str, subject: list[str]) -> bool:
    """``line`` begins the body rather than continuing ``subject``: a body opener, or a line
    in capitals under a subject in ordinary case (a decision's authority line, "CHỦ TỊCH
    ỦY BAN NHÂN DÂN ...")."""
    in_case = any(ch.islower() for text in subject for ch in text)
    return bool(_BODY_OPENER.match(line)) or (in_case and upper_ratio(line) >= 0.9)


def _recipients(lines: list[str], start: int, limit: int) -> tuple[tuple[str, ...], int | None]:
    """Items after "Kính gửi:", on its line or one per following "- " line."""
    for line_no in range(start, limit + 1):
        match = _KINH_GUI.match(skeleton(lines[line_no - 1]))
        if not match:
            continue
        items, last = [], line_no
        rest = lines[line_no - 1][match.end() :].strip()
        if rest:
            items.append(rest)
        for nxt in range(line_no + 1, limit + 1):
            text = lines[nxt - 1].strip()
            if not text.startswith(("-", "+", "•")):
                break
            items.append(text)
            last = nxt
        cleaned = tuple(squash_spaces(i.lstrip("-+• ").rstrip(";,. ")) for i in items)
        return tuple(i for i in cleaned if i), last
    return (), None


def parse_header(lines: list[str]) -> Header:
    """Parse the header region at the top of the report."""
    limit = min(len(lines), HEADER_LINES)
    number_line, symbol, place_line, place, date = _number_and_place(lines, min(limit, 15))
    anchor = max(n for n in (number_line, place_line, 0) if n is not None)
    left = tuple(p for p in (_left_part(lines[i]) for i in range(0, (number_line or anchor or 1) - 1)) if p.strip("*-_ "))
    first = (number_line or anchor) + 1
    type_line, type_name = _type_line(lines, first, min(limit, anchor + 6))
    title = lines[type_line - 1].strip() if type_line else None
    subject_lines, last = _block(lines, (type_line or anchor) + 1, limit)
    if type_line is None:
        subject_lines, last = _vv_subject(lines, first, limit)
    recipients, rec_last = _recipients(lines, max(anchor, last) + 1, min(limit, max(anchor, last) + 8))
    body_start = max(anchor, last, rec_last or 0, type_line or 0) + 1
    subject = squash_spaces(" ".join(subject_lines)) or None
    return Header(symbol, number_line, left, place, date, type_name, title, subject, recipients, body_start)


def _vv_subject(lines: list[str], start: int, limit: int) -> tuple[list[str], int]:
    """A công văn's "V/v ..." subject under the number, if there is one."""
    for line_no in range(start, min(limit, start + 4) + 1):
        match = _VV.match(skeleton(lines[line_no - 1]))
        if match:
            first = lines[line_no - 1][match.end() :].strip()
            follows = line_no < len(lines) and bool(lines[line_no].strip())
            more, last = _block(lines, line_no + 1, limit) if follows else ([], line_no)
            return [first, *more], max(line_no, last)
    return [], start - 1


def issuing_bodies(left: tuple[str, ...], authority_body: str | None, issuer_code: str | None) -> tuple[str | None, str | None]:
    """(issuer, superior_body) from the header's left column.

    A last line that starts with an administrative unit ("HUYỆN BÌNH SƠN") completes the
    body named on the line above ("ỦY BAN NHÂN DÂN"); when that line was lost, the body
    is taken from the signature ("TM. ỦY BAN NHÂN DÂN") or the symbol's issuer code.
    """
    if not left:
        return None, None
    last = left[-1]
    if _ADMIN_UNIT.match(skeleton(last)):
        if len(left) >= 2:
            return squash_spaces(f"{left[-2]} {last}"), (squash_spaces(" ".join(left[:-2])) or None)
        organ = authority_body or issuer_code
        return (squash_spaces(f"{organ} {last}") if organ else last), None
    return last, (squash_spaces(" ".join(left[:-1])) or None)
