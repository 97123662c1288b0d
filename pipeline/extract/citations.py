"""Cited documents: every mention found, grouped once per canonical symbol."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

from pipeline.extract.mentions import RawMention, describe, relation_before
from pipeline.extract.records import CitedDocument, Mention
from pipeline.extract.symbols import code_type, find_symbols, type_conflicts
from pipeline.extract.text import LineIndex, sentence_bounds, skeleton, squash_spaces

MAX_SENTENCE_CHARS = 600


@dataclasses.dataclass(frozen=True, slots=True)
class CitationContext:
    """Where citations may be found and how to place them.

    ``excluded`` are (start, end) offset ranges that cite nothing (the header's own
    number line, the closing block); ``own_key`` the report's own symbol key;
    ``section_paths`` the section path of each 1-based line.
    """

    excluded: tuple[tuple[int, int], ...]
    own_key: str | None
    section_paths: Sequence[tuple[str, ...]]


def find_mentions(text: str, context: CitationContext) -> list[RawMention]:
    """All mentions of cited documents in reading order."""
    skel = skeleton(text)
    symbols = [
        s
        for s in find_symbols(text)
        if s.key != context.own_key and not any(a <= s.start < b for a, b in context.excluded)
    ]
    mentions: list[RawMention] = []
    for index, symbol in enumerate(symbols):
        next_start = symbols[index + 1].start if index + 1 < len(symbols) else len(text)
        prev = mentions[-1] if mentions else None
        mention = describe(text, skel, symbol, prev, next_start)
        if mention is not None:
            mentions.append(mention)
    return _share_list_context(mentions)


def _share_list_context(mentions: list[RawMention]) -> list[RawMention]:
    """In a list "A [ngày X] và B [ngày Y] của Z", A takes B's issuer when it has none, and
    B's date when it has neither date nor issuer of its own (the phrase after the last item
    applies to all; a heuristic the reference (§4.4) also uses)."""
    out = list(mentions)
    for index in range(len(out) - 2, -1, -1):
        current, nxt = out[index], out[index + 1]
        if not nxt.list_member or current.issuer:
            continue
        if current.has_date:
            out[index] = dataclasses.replace(current, issuer=nxt.issuer)
        else:
            out[index] = dataclasses.replace(current, date=nxt.date, has_date=nxt.has_date, issuer=nxt.issuer)
    return out


def _mention(text: str, lines: LineIndex, raw: RawMention, context: CitationContext) -> Mention:
    line = lines.line_of(raw.start)
    left, right = sentence_bounds(text, raw.start, raw.symbol.end)
    sentence = squash_spaces(text[left:right])[:MAX_SENTENCE_CHARS]
    path = context.section_paths[line] if line < len(context.section_paths) else ()
    return Mention(
        line=line,
        start=raw.start,
        end=raw.core_end,
        text=squash_spaces(text[raw.start : raw.core_end]),
        section_path=path,
        sentence=sentence,
        relation=raw.relation,
        type_word=raw.type_word or None,
    )


def _document(key: str, group: list[RawMention], mentions: tuple[Mention, ...]) -> CitedDocument:
    first = next(m.symbol for m in group if m.symbol.key == key)
    word_type = next((m.type_word for m in group if m.type_word), None)
    date = next((m.date for m in group if m.date), None)
    year = first.year if first.year is not None else (date.year if date else None)
    aliases = tuple(dict.fromkeys(m.alias_name for m in group if m.alias_name))
    return CitedDocument(
        type=word_type or code_type(first),
        symbol=first.canonical,
        number=first.number,
        system=first.system,
        type_code=first.type_code,
        issuer_code=first.issuer_code,
        date=date,
        year=year,
        issuer=next((m.issuer for m in group if m.issuer), None),
        subject=next((m.subject for m in group if m.subject), None),
        type_conflict=type_conflicts(word_type, first),
        aliases=aliases,
        mentions=mentions,
    )


def _alias_mentions(
    text: str, skel: str, group: list[RawMention], taken: list[tuple[int, int]], context: CitationContext
) -> list[RawMention]:
    """Later uses of an alias without a symbol ("Kế hoạch 35" after "(gọi tắt là Kế hoạch 35)")."""
    found = []
    for alias in dict.fromkeys(m.alias_name for m in group if m.alias_name):
        pattern = re.compile(r"(?<!\w)" + re.escape(skeleton(alias)) + r"(?![\w/-])")
        for match in pattern.finditer(skel, group[0].core_end):
            inside = any(a <= match.start() < b for a, b in taken + list(context.excluded))
            defining = skel[max(0, match.start() - 16) : match.start()].rstrip().endswith("goi tat la")
            if inside or defining:
                continue
            relation = relation_before(skel, max(0, match.start() - 120), match.start())
            found.append(dataclasses.replace(group[0], start=match.start(), core_end=match.end(), relation=relation, alias_name=None))
    return found


def _signature(raw: RawMention) -> tuple[str, str | None]:
    groups = raw.symbol.issuer_groups
    return raw.symbol.number.lstrip("0"), groups[-1] if groups else None


def _agreeing_key(raw: RawMention, groups: dict[str, list[RawMention]]) -> str | None:
    """Key of another document with the same number and issuer whose code fits raw's type word."""
    for key, group in groups.items():
        other = group[0].symbol
        if key != raw.symbol.key and _signature(group[0]) == _signature(raw) and code_type(other) == raw.type_word:
            return key
    return None


def _merge_damaged(groups: dict[str, list[RawMention]]) -> dict[str, list[RawMention]]:
    """Move a mention whose type code contradicts its type word to the document with the
    same number and issuer whose code agrees ("Quyết định số 436/TB-UBND", a corrector's
    slip, is 436/QĐ-UBND when that decision is cited elsewhere)."""
    merged: dict[str, list[RawMention]] = {}
    for key, group in groups.items():
        for raw in group:
            conflict = bool(raw.type_word) and type_conflicts(raw.type_word, raw.symbol)
            target = _agreeing_key(raw, groups) if conflict else None
            merged.setdefault(target or key, []).append(raw)
    return {k: sorted(v, key=lambda r: r.start) for k, v in merged.items()}


MAX_CODE_REPAIR = 3  # edits allowed between a damaged issuer code and one used elsewhere


def _repair_damaged_codes(raws: list[RawMention]) -> list[RawMention]:
    """An issuer code with a character no code has ("BDV&UBND", OCR damage) takes the nearest
    code of the same system and type that the report writes cleanly elsewhere ("BDVHU-UBND")."""
    clean = [r.symbol for r in raws if r.symbol.issuer_code and r.symbol.issuer_code.replace("-", "").isalnum()]
    repaired = []
    for raw in raws:
        code = raw.symbol.issuer_code or ""
        if not code or code.replace("-", "").isalnum():
            repaired.append(raw)
            continue
        peers = {s.issuer_code for s in clean if s.system == raw.symbol.system and s.type_code == raw.symbol.type_code}
        best = min(peers, key=lambda c: Levenshtein.distance(c, code), default=None)
        if best is None or Levenshtein.distance(best, code) > MAX_CODE_REPAIR:
            repaired.append(raw)
            continue
        fixed_raw = raw.symbol.canonical[: len(raw.symbol.canonical) - len(code)] + best
        symbol = next(find_symbols(fixed_raw), None)
        repaired.append(dataclasses.replace(raw, symbol=dataclasses.replace(
            symbol, start=raw.symbol.start, end=raw.symbol.end, raw=raw.symbol.raw)) if symbol else raw)
    return repaired


def group_citations(text: str, raws: list[RawMention], context: CitationContext) -> tuple[CitedDocument, ...]:
    """One :class:`CitedDocument` per symbol key, in order of first mention, with the later
    uses of its aliases as mentions too."""
    lines = LineIndex.of(text)
    skel = skeleton(text)
    raws = _repair_damaged_codes(raws)
    groups: dict[str, list[RawMention]] = {}
    for raw in raws:
        groups.setdefault(raw.symbol.key, []).append(raw)
    groups = _merge_damaged(groups)
    taken = [(r.start, r.core_end) for r in raws]
    for key, group in groups.items():
        groups[key] = sorted(group + _alias_mentions(text, skel, group, taken, context), key=lambda r: r.start)
    return tuple(
        _document(key, group, tuple(_mention(text, lines, r, context) for r in group))
        for key, group in groups.items()
    )
