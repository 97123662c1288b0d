"""Scoring the extractor against hand-labelled passages (used by the tests and the bench).

The labelled file format is described at the top of ``tests/extract/data/passages.txt``.
A predicted document matches an expected one when their symbols agree once the number's
leading zeros, case and diacritics are ignored; the canonical spelling is scored apart.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pipeline.extract.core import extract
from pipeline.extract.records import CitedDocument
from pipeline.extract.text import skeleton, squash_spaces, strip_diacritics


@dataclass(frozen=True, slots=True)
class ExpectedCitation:
    """One labelled cited document."""

    type: str
    symbol: str
    date: dt.date | None
    year: int | None
    issuer: str | None


@dataclass(frozen=True, slots=True)
class Passage:
    """A labelled passage: its id, source note, text and expected citations."""

    id: str
    source: str
    text: str
    expected: tuple[ExpectedCitation, ...]


@dataclass(frozen=True, slots=True)
class Scores:
    """Counts and rates over a set of passages."""

    expected: int
    predicted: int
    matched: int
    symbol_exact: int
    type_ok: int
    date_ok: int
    year_ok: int
    issuer_ok: int
    issuer_labelled: int
    errors: tuple[str, ...]

    @property
    def precision(self) -> float:
        return self.matched / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0

    def rate(self, count: int) -> float:
        """``count`` as a share of the matched documents."""
        return count / self.matched if self.matched else 1.0


def symbol_key(symbol: str) -> str:
    """Comparison key: number without leading zeros, rest without case or diacritics."""
    match = re.match(r"0*(\d+[a-z]?)(.*)", symbol.replace(" ", ""))
    head, rest = (match.group(1), match.group(2)) if match else ("", symbol)
    return head + strip_diacritics(rest).upper()


def _optional(value: str) -> str | None:
    value = value.strip()
    return None if value in ("", "-") else value


def _parse_expect(line: str) -> ExpectedCitation:
    parts = [p.strip() for p in line.split("|")]
    if len(parts) != 5:
        raise ValueError(f"expected 5 fields separated by '|': {line!r}")
    date = _optional(parts[2])
    year = _optional(parts[3])
    return ExpectedCitation(
        type=parts[0],
        symbol=parts[1],
        date=dt.date.fromisoformat(date) if date else None,
        year=int(year) if year else None,
        issuer=_optional(parts[4]),
    )


def parse_passages(content: str) -> list[Passage]:
    """Parse the labelled-passages format."""
    passages = []
    for block in re.split(r"^=== ", content, flags=re.M)[1:]:
        head, _, rest = block.partition("\n")
        source = re.search(r"^source: (.*)$", rest, re.M)
        text_part, _, expect_part = rest.partition("\nexpect:")
        text = text_part.split("text:\n", 1)[1].rstrip("\n")
        lines = [ln for ln in expect_part.strip().splitlines() if ln.strip()]
        expected = () if lines == ["none"] else tuple(_parse_expect(ln) for ln in lines)
        passages.append(Passage(head.strip(), source.group(1) if source else "", text, expected))
    return passages


def load_passages(path: Path) -> list[Passage]:
    """Read a labelled-passages file."""
    return parse_passages(path.read_text(encoding="utf-8"))


def _same_issuer(predicted: str | None, expected: str | None) -> bool:
    norm = lambda s: squash_spaces(skeleton(s or "")).strip(" ,.")  # noqa: E731
    return norm(predicted) == norm(expected)


def _score_one(passage: Passage, predicted: tuple[CitedDocument, ...]) -> tuple[list[int], list[str]]:
    found = {symbol_key(c.symbol): c for c in predicted}
    counts = [len(passage.expected), len(predicted), 0, 0, 0, 0, 0, 0, 0]
    errors = []
    wanted = {symbol_key(e.symbol) for e in passage.expected}
    errors += [f"{passage.id}: spurious {c.symbol}" for k, c in found.items() if k not in wanted]
    for exp in passage.expected:
        got = found.get(symbol_key(exp.symbol))
        if got is None:
            errors.append(f"{passage.id}: missed {exp.symbol}")
            continue
        checks = [
            got.symbol == exp.symbol,
            got.type == exp.type,
            got.date == exp.date,
            got.year == exp.year,
        ]
        for index, (ok, what) in enumerate(zip(checks, ("symbol", "type", "date", "year"), strict=True)):
            counts[3 + index] += ok
            if not ok:
                errors.append(f"{passage.id}: {exp.symbol} {what}: got {getattr(got, what)!r}, want {getattr(exp, what)!r}")
        counts[2] += 1
        if exp.issuer is not None:
            counts[8] += 1
            counts[7] += _same_issuer(got.issuer, exp.issuer)
    return counts, errors


def score_passages(passages: Iterable[Passage]) -> Scores:
    """Run :func:`extract` on each passage and compare with its labels."""
    totals = [0] * 9
    errors: list[str] = []
    for passage in passages:
        counts, errs = _score_one(passage, extract(passage.text).citations)
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        errors += errs
    exp, pred, matched, sym, typ, date, year, iss, iss_n = totals
    return Scores(exp, pred, matched, sym, typ, date, year, iss, iss_n, tuple(errors))
