"""Find document symbols ("436/QĐ-UBND", "43-KL/TW", "20/2013/QĐ-UBND", "80/2015/QH13")
in text and bring them to their canonical form.

Old symbols of the form "N-ISSUER" ("1036-TTg", "217-CP") are the "legacy" system: like
the công văn shape "N/ISSUER" they only count after a type word or "số".

Tolerated damage: spaces around '/' and '-' ("286 /BC-UBND", "43- KL/TW"), a symbol split
across a line end after '/' or '-' ("436/QĐ-" + "UBND"), OCR look-alikes in the type code
("QD", "QP", "0P" -> "QĐ") and case slips in known codes ("TTG" -> "TTg", "Ctr" -> "CTr").
The system is told by the separators (reference §0): '/' State, '-' then '/' Party, a
four-digit year in the middle a legal normative document, ``QHk`` a law.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from pipeline.extract.doctypes import (
    AMBIGUOUS_CODE_TYPES,
    ISSUER_NAMES,
    canonical_issuer_group,
    canonical_type_code,
    code_of_type,
    type_of_code,
)
from pipeline.extract.text import strip_diacritics

_LAW_TYPES = frozenset({"Luật", "Bộ luật", "Nghị quyết", "Pháp lệnh"})
System = Literal["state", "cong_van", "normative", "law", "party", "legacy"]

_LETTERS = "A-Za-zĐđÀ-ỹ0-9&"  # diacritics are tolerated, then folded (a corrector may add them)
_GROUP_ANY = rf"[{_LETTERS}]++(?!\w)"
_GROUP_UPPER = r"[A-ZĐÀ-Ỹ0-9&]{2,}+(?!\w)"
_SYMBOL_RX = re.compile(
    r"(?<![\w/.,-])(?P<num>\d{1,5}[a-z]?)"
    rf"(?P<tail>(?:[/-]{_GROUP_ANY}|[ \t]*[/-][ \t]*(?:\n[ \t]*)?{_GROUP_UPPER})+)"
)
_PART_RX = re.compile(rf"[ \t\n]*(?P<sep>[/-])[ \t\n]*(?P<group>[{_LETTERS}]+)")
_LAW_GROUP = re.compile(r"^(?:UBTV)?QH\d{0,2}$")


@dataclass(frozen=True, slots=True)
class Symbol:
    """One document symbol found in the text.

    ``start``/``end`` are offsets in the text searched; ``canonical`` is the symbol with
    official spelling and no spaces; ``key`` identifies the document (number without
    leading zeros, symbol compared without diacritics or case).
    """

    start: int
    end: int
    raw: str
    number: str
    system: System
    type_code: str | None
    issuer_groups: tuple[str, ...]
    year: int | None
    canonical: str
    key: str

    @property
    def issuer_code(self) -> str | None:
        """The issuing-body part of the symbol ("UBND", "TW", "QH13"), or None."""
        return "-".join(self.issuer_groups) or None


@dataclass(frozen=True, slots=True)
class _Candidate:
    """Offsets, text and number of a candidate symbol before classification."""

    start: int
    end: int
    raw: str
    number: str


def fold_group(group: str) -> str | None:
    """A symbol group with diacritics removed (Đ kept): "TƯ" -> "TU", "VÀ" -> "VA".

    A group with a lower-case accented letter ("Sở") is a word, not a code: None.
    """
    if all(c.isascii() or c in "Đđ" for c in group):
        return group
    if any(c.islower() and not c.isascii() for c in group):
        return None
    return "".join(c if c.isascii() or c in "Đđ" else strip_diacritics(c) for c in group)


def find_symbols(text: str) -> Iterator[Symbol]:
    """Yield every well-formed document symbol in ``text``, in order."""
    for match in _SYMBOL_RX.finditer(text):
        parts, end = [], match.start("tail")
        for part in _PART_RX.finditer(match["tail"]):
            group = fold_group(part["group"])
            if group is None:
                break
            parts.append((part["sep"], group))
            end = match.start("tail") + part.end()
        candidate = _Candidate(match.start(), end, text[match.start() : end], match["num"])
        symbol = _classify(candidate, parts)
        if symbol is not None:
            yield symbol


def _is_year(group: str) -> bool:
    return len(group) == 4 and group.isdigit() and 1945 <= int(group) <= 2100


def _has_letter(group: str) -> bool:
    return any(c.isalpha() for c in group)


def _classify(match: _Candidate, parts: list[tuple[str, str]]) -> Symbol | None:
    """Decide the system of a candidate and build its canonical form; None if it is none."""
    if not parts or not any(_has_letter(g) for _, g in parts):
        return None  # a date (11/6/2019) or a range (2021-2025)
    seps = [s for s, _ in parts]
    groups = [g for _, g in parts]
    if seps[0] == "/" and _is_year(groups[0]) and len(groups) >= 2 and seps[1] == "/":
        return _normative(match, groups, seps)
    if seps[0] == "-" and len(groups) >= 2 and seps[1] == "/":
        return _party(match, groups, seps)
    if seps[0] == "/" and all(s == "-" for s in seps[1:]):
        return _state(match, groups)
    if seps == ["-"] and _is_known_issuer(groups[0]):
        issuer = canonical_issuer_group(groups[0])
        return _make(match, "legacy", None, (issuer,), None, issuer, "-")
    return None


def _is_known_issuer(group: str) -> bool:
    """True for issuer codes of the reference tables ("UBND", "TTg", "CP")."""
    return canonical_issuer_group(group) in ISSUER_NAMES


def _issuers(groups: list[str]) -> tuple[str, ...] | None:
    out = tuple(canonical_issuer_group(g) for g in groups)
    if any(not _has_letter(g) for g in out):
        return None
    return out


def _normative(match: _Candidate, groups: list[str], seps: list[str]) -> Symbol | None:
    year, rest = int(groups[0]), groups[1:]
    if any(s != "-" for s in seps[2:]):
        return None
    if len(rest) == 1 and _LAW_GROUP.match(rest[0].upper()):
        law = rest[0].upper()
        return _make(match, "law", None, (law,), year, f"{year}/{law}")
    type_code = canonical_type_code(rest[0], party=False) if len(rest) > 1 else None
    issuers = _issuers(rest[1:] if type_code else rest)
    if issuers is None:
        return None
    body = "-".join(((type_code,) if type_code else ()) + issuers)
    return _make(match, "normative", type_code, issuers, year, f"{year}/{body}")


def _party(match: _Candidate, groups: list[str], seps: list[str]) -> Symbol | None:
    type_code = canonical_type_code(groups[0], party=True)
    issuers = _issuers(groups[1:])
    if type_code is None or issuers is None or any(s != "-" for s in seps[2:]):
        return None
    return _make(match, "party", type_code, issuers, None, f"{type_code}/{'-'.join(issuers)}", "-")


def _state(match: _Candidate, groups: list[str]) -> Symbol | None:
    first = groups[0]
    type_code = None if _is_known_issuer(first) else canonical_type_code(first, party=False)
    if type_code is not None:
        issuers = _issuers(groups[1:])
        if issuers is None:
            return None
        body = "-".join((type_code,) + issuers)
        return _make(match, "state", type_code, issuers, None, body)
    issuers = _issuers(groups)
    if issuers is None or not first[0].isupper():
        return None
    return _make(match, "cong_van", None, issuers, None, "-".join(issuers))


def with_type_word(symbol: Symbol, type_name: str | None) -> Symbol:
    """The symbol with its type code spelled as the type word in front implies.

    "Hợp đồng số 15/HD-UBND" is 15/HĐ-UBND: the stroke of Đ was lost, and the type word
    settles between the look-alike codes HD (hướng dẫn) and HĐ (hợp đồng).
    """
    if not type_name or symbol.type_code is None:
        return symbol
    party = symbol.system == "party"
    hint = code_of_type(type_name, party=party)
    fixed = canonical_type_code(symbol.type_code, party=party, hint=hint) if hint else None
    if fixed is None or fixed == symbol.type_code:
        return symbol
    sep = "-" if party else "/"
    year = f"{symbol.year}/" if symbol.system == "normative" else ""
    prefix = f"{symbol.number}{sep}{year}"
    canonical = prefix + fixed + symbol.canonical[len(prefix) + len(symbol.type_code) :]
    return dataclasses.replace(symbol, type_code=fixed, canonical=canonical)


def _make(
    match: _Candidate,
    system: System,
    type_code: str | None,
    issuers: tuple[str, ...],
    year: int | None,
    body: str,
    sep: str = "/",
) -> Symbol:
    number = match.number
    digits = number.rstrip("abcdefghijklmnopqrstuvwxyz")
    suffix = number[len(digits):]
    key = f"{int(digits)}{suffix}{sep}{strip_diacritics(body).upper()}"
    return Symbol(
        start=match.start,
        end=match.end,
        raw=match.raw,
        number=number,
        system=system,
        type_code=type_code,
        issuer_groups=issuers,
        year=year,
        canonical=f"{number}{sep}{body}",
        key=key,
    )


def code_type(symbol: Symbol) -> str | None:
    """The type name the symbol's shape and code imply ("QĐ" -> "Quyết định")."""
    if symbol.system == "cong_van":
        return "Công văn"
    if symbol.system == "law":
        return "Nghị quyết" if symbol.issuer_groups[0].startswith("UBTVQH") else "Luật"
    if symbol.type_code is None:
        return None
    return type_of_code(symbol.type_code, party=symbol.system == "party")


def type_conflicts(word_type: str | None, symbol: Symbol) -> bool:
    """True when the type word contradicts the type the symbol's code implies."""
    if not word_type:
        return False
    if symbol.system == "law":
        return word_type not in _LAW_TYPES
    allowed = AMBIGUOUS_CODE_TYPES.get(symbol.type_code or "", frozenset())
    implied = code_type(symbol)
    return implied is not None and word_type != implied and word_type not in allowed
