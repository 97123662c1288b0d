"""Frozen records of the extraction stage: header, section tree, cited documents."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Signer:
    """The signature block: authority lines ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH"),
    the signer's title ("PHÓ CHỦ TỊCH") and name when printed."""

    authority: tuple[str, ...]
    title: str | None
    name: str | None
    line: int | None


@dataclass(frozen=True, slots=True)
class DocumentHeader:
    """The report's own metadata, from its header and closing block.

    ``issuer`` is the issuing body (cơ quan ban hành), ``superior_body`` the body above it
    (cơ quan chủ quản). ``distribution`` is the "Nơi nhận" list. Lines are 1-based.
    """

    type: str | None
    symbol: str | None
    number: str | None
    issuer: str | None
    superior_body: str | None
    place: str | None
    date: dt.date | None
    title: str | None
    subject: str | None
    recipients: tuple[str, ...]
    signer: Signer | None
    distribution: tuple[str, ...]
    body_start_line: int
    closing_start_line: int | None


@dataclass(frozen=True, slots=True)
class Section:
    """One node of the section tree.

    ``kind`` is "roman", "arabic", "letter" or "bullet"; ``number`` the number after repair
    by its place in the sequence ("III"), ``printed_number`` what the text shows ("11l").
    ``start_line``/``end_line`` are 1-based and inclusive; ``text`` covers that span.
    """

    kind: str
    number: str
    printed_number: str
    title: str
    level: int
    start_line: int
    end_line: int
    text: str
    children: tuple[Section, ...]

    @property
    def renumbered(self) -> bool:
        """True when the printed number was repaired (OCR misread or numbering slip)."""
        return self.number != self.printed_number


@dataclass(frozen=True, slots=True)
class Mention:
    """One place where a document is cited.

    ``start``/``end`` are character offsets of the whole mention (type word to symbol);
    ``section_path`` the numbers of the enclosing sections ("II", "2"); ``relation`` the
    lead word ("thực hiện", "căn cứ", "theo", "alias", ...) or None.
    """

    line: int
    start: int
    end: int
    text: str
    section_path: tuple[str, ...]
    sentence: str
    relation: str | None
    type_word: str | None


@dataclass(frozen=True, slots=True)
class CitedDocument:
    """A document the report cites, once per canonical symbol, with all its mentions.

    ``type`` is the Vietnamese type name, from the type word when present, else from the
    symbol's code; ``type_conflict`` is True when the word and the code disagree.
    ``year`` comes from the symbol for legal normative documents and laws, else from the date.
    """

    type: str | None
    symbol: str
    number: str
    system: str
    type_code: str | None
    issuer_code: str | None
    date: dt.date | None
    year: int | None
    issuer: str | None
    subject: str | None
    type_conflict: bool
    aliases: tuple[str, ...]
    mentions: tuple[Mention, ...]


@dataclass(frozen=True, slots=True)
class ReportStructure:
    """Everything extracted from one report."""

    document: DocumentHeader
    sections: tuple[Section, ...]
    citations: tuple[CitedDocument, ...]
