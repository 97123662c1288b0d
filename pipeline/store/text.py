"""Text keys of the store: diacritic folding for search, canonical symbols, issuer keys, snippets.

``fold`` maps each character to exactly one character (marks off, đ -> d, lower case), so an
offset found in folded text is the same offset in the original: snippets keep the diacritics.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")
# Generic abbreviations of Vietnamese body names (Decree 30/2020, appendix): not tied to any report.
_ISSUER_ABBREVIATIONS = {
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "mttq": "mat tran to quoc",
    "bch": "ban chap hanh",
    "btv": "ban thuong vu",
}


def _fold_char(ch: str) -> str:
    if ch in "đĐ":
        return "d"
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    low = base.lower()
    return low if len(low) == 1 else (base if len(base) == 1 else ch)


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        out = self[code] = _fold_char(chr(code))
        return out


_FOLD = _FoldTable()


def fold(text: str) -> str:
    """Marks off, đ -> d, lower case; one character out for each character in (NFC text)."""
    return text.translate(_FOLD)


def words(text: str) -> list[str]:
    """The folded words of ``text`` (letters and digits), in order."""
    return _WORD.findall(fold(unicodedata.normalize("NFC", text)))


def canonical_symbol(symbol: str | None) -> str:
    """``"436/QĐ- UBND"`` -> ``"436/QĐ-UBND"``: NFC, no spaces (case kept: TTg); ``""`` if unknown."""
    if not symbol:
        return ""
    return re.sub(r"\s+", "", unicodedata.normalize("NFC", symbol))


def issuer_key(issuer: str | None) -> str:
    """A key for comparing body names: folded words, standard abbreviations spelled out."""
    if not issuer:
        return ""
    return " ".join(_ISSUER_ABBREVIATIONS.get(w, w) for w in words(issuer))


def issuer_code(symbol: str | None) -> str:
    """The issuing body's part of a symbol: ``"47/KH-UBND"`` -> ``"UBND"``,
    ``"16-KH/BDVHU-UBND"`` (Party style, type code before the slash) -> ``"BDVHU-UBND"``."""
    parts = canonical_symbol(symbol).upper().split("/")
    if len(parts) < 2:
        return ""
    if "-" in parts[-2]:
        return parts[-1]
    return parts[-1].split("-", 1)[1] if "-" in parts[-1] else ""


def snippet(text: str, terms: list[str], width: int = 60) -> str:
    """A window of ``text`` around its first match of any folded term, matches in [brackets]."""
    folded = fold(text)
    phrase = re.search(r"(?<!\w)" + r"\W+".join(map(re.escape, terms)) + r"(?!\w)", folded) if terms else None
    if phrase:
        lo, hi = max(0, phrase.start() - width), min(len(text), phrase.end() + width)
        body = text[lo:phrase.start()] + "[" + text[phrase.start():phrase.end()] + "]" + text[phrase.end():hi]
        return ("…" if lo > 0 else "") + body.replace("\n", " ") + ("…" if hi < len(text) else "")
    hits = sorted(
        (m.start(), m.end()) for t in terms if t
        for m in re.finditer(rf"(?<!\w){re.escape(t)}(?!\w)", folded)
    )
    if not hits:
        return text[: 2 * width].replace("\n", " ")
    lo = max(0, hits[0][0] - width)
    hi = min(len(text), hits[0][1] + width)
    out, pos = [], lo
    for start, end in hits:
        if start < pos or end > hi:
            continue
        out.append(text[pos:start] + "[" + text[start:end] + "]")
        pos = end
    out.append(text[pos:hi])
    body = "".join(out).replace("\n", " ")
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(text) else "")
