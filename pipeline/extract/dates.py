"""Dates as reports write them: "ngày 11/6/2019", "ngày 11 tháng 6 năm 2019", "ngày 03-6-2013".

Patterns run on the skeleton (see :mod:`pipeline.extract.text`), so "ngay", "ngày" and OCR
forms such as "ngiy" or "ndm" for "năm" all match.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_WS = r"[ \t\n]*"
_NUMERIC = rf"(?P<d>\d{{1,2}})[ \t]*[/.-][ \t]*(?P<m>\d{{1,2}})[ \t]*[/.-][ \t]*(?P<y>\d{{4}})(?!\d)"
_WORDS = (
    rf"(?P<d2>\d{{1,2}}){_WS}th[a-z]{{2,3}}g{_WS}(?P<m2>\d{{1,2}}){_WS}n[a-z]{{1,3}}m{_WS}"
    r"(?P<y2>\d{4})(?!\d)"
)
DATE_BODY = rf"(?:{_NUMERIC}|{_WORDS})"
_KEYWORD = r"ng[a-z]{1,2}y"
# A date right after a symbol: ", ngày 07/01/2019", " ngày 11 tháng 6 năm 2019".
_DATE_AFTER = re.compile(rf"{_WS},?{_WS}\(?{_WS}{_KEYWORD}{_WS}:?{_WS}{DATE_BODY}")
# An incomplete date ("ngày 21 tháng năm 2001", "ngày 06 tháng 4 năm"): skipped, no value.
_DATE_BROKEN = re.compile(
    rf"{_WS},?{_WS}{_KEYWORD}(?:[ \t\n]+\d{{1,2}})?{_WS}th[a-z]{{2,3}}g(?:[ \t\n]+\d{{1,2}})?[ \t\n]+n[a-z]{{1,3}}m(?:[ \t\n]+\d{{4}})?"
)
# A date further on in the clause, introduced by "ban hành ngày", "ký ngày", "thông qua ngày".
_DATE_ISSUED = re.compile(rf"(?:ban hanh|ky|thong qua){_WS}{_KEYWORD}{_WS}{DATE_BODY}")
# A place and date line: "Bình Sơn, ngày 20 tháng 6 năm 2022" (headers write the date in words).
PLACE_DATE_RX = re.compile(rf",{_WS}{_KEYWORD}{_WS}{_WORDS}")


@dataclass(frozen=True, slots=True)
class DateMatch:
    """A date found in the text: offsets, the date (None if impossible) and its text."""

    start: int
    end: int
    value: dt.date | None


def to_date(match: re.Match[str]) -> dt.date | None:
    """The calendar date of a match of the date patterns, None if it does not exist."""
    groups = match.groupdict()
    day = groups.get("d") or groups["d2"]
    month = groups.get("m") or groups["m2"]
    year = groups.get("y") or groups["y2"]
    try:
        value = dt.date(int(year), int(month), int(day))
    except ValueError:
        return None
    return value if 1900 <= value.year <= 2100 else None


def date_after(skel: str, pos: int) -> DateMatch | None:
    """The date that follows ``pos`` directly ("ngày ..."), or None."""
    match = _DATE_AFTER.match(skel, pos)
    if match is None:
        broken = _DATE_BROKEN.match(skel, pos)
        return DateMatch(broken.start(), broken.end(), None) if broken else None
    return DateMatch(match.start(), match.end(), to_date(match))


def issue_date_in(skel: str, start: int, end: int) -> DateMatch | None:
    """A date introduced by "ban hành/ký/thông qua ngày" within skel[start:end]."""
    match = _DATE_ISSUED.search(skel, start, end)
    if match is None:
        return None
    return DateMatch(match.start(), match.end(), to_date(match))
