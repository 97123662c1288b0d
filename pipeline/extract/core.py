"""``extract(text)``: header, section tree and cited documents of one report."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.extract.citations import CitationContext, find_mentions, group_citations
from pipeline.extract.closing import find_closing_start, parse_closing
from pipeline.extract.consensus import consensus_spelling
from pipeline.extract.header import Header, issuing_bodies, parse_header
from pipeline.extract.records import CitedDocument, DocumentHeader, ReportStructure, Section
from pipeline.extract.sections import parse_sections, section_paths
from pipeline.extract.text import LineIndex, normalise_text


def _document_header(header: Header, lines: list[str], closing_start: int | None) -> DocumentHeader:
    """The header's fields; place and recipients spelt as the rest of the report spells them."""
    closing = parse_closing(lines, closing_start) if closing_start else None
    signer = closing.signer if closing else None
    authority_body = None
    if signer and signer.authority:
        authority_body = signer.authority[0].split(".", 1)[-1].strip() or None
    symbol = header.symbol
    issuer, superior = issuing_bodies(header.left_lines, authority_body, symbol.issuer_code if symbol else None)
    body = "\n".join(lines[header.body_start_line - 1 :] if header.body_start_line else lines)
    doc_type = header.type
    if doc_type is None and symbol is not None and symbol.system == "cong_van":
        doc_type = "Công văn"
    return DocumentHeader(
        type=doc_type,
        symbol=symbol.canonical if symbol else None,
        number=symbol.number if symbol else None,
        issuer=issuer,
        superior_body=superior,
        place=consensus_spelling(header.place, body, max_letter_edits=1) if header.place else None,
        date=header.date,
        title=header.title,
        subject=header.subject,
        recipients=tuple(consensus_spelling(r, body) for r in header.recipients),
        signer=signer,
        distribution=closing.distribution if closing else (),
        body_start_line=header.body_start_line,
        closing_start_line=closing_start,
    )


def _excluded_ranges(index: LineIndex, header: Header, closing_start: int | None, size: int) -> tuple[tuple[int, int], ...]:
    ranges = []
    if header.symbol_line is not None:
        start = index.start_of(header.symbol_line)
        end = index.start_of(header.symbol_line + 1) if header.symbol_line < len(index.starts) else size
        ranges.append((start, end))
    if closing_start is not None:
        ranges.append((index.start_of(closing_start), size))
    return tuple(ranges)


@dataclass(frozen=True, slots=True)
class Layout:
    """The header and section tree of a report, with what citation finding needs."""

    text: str
    document: DocumentHeader
    sections: tuple[Section, ...]
    context: CitationContext


def analyse_layout(text: str) -> Layout:
    """Header, closing and section tree of a report (``text`` is normalised first)."""
    text = normalise_text(text)
    lines = text.split("\n")
    index = LineIndex.of(text)
    header = parse_header(lines)
    closing_start = find_closing_start(lines, header.body_start_line)
    body_end = (closing_start - 1) if closing_start else len(lines)
    sections = parse_sections(lines, header.body_start_line, body_end)
    context = CitationContext(
        excluded=_excluded_ranges(index, header, closing_start, len(text)),
        own_key=header.symbol.key if header.symbol else None,
        section_paths=section_paths(sections, len(lines)),
    )
    return Layout(text, _document_header(header, lines, closing_start), sections, context)


def find_citations(layout: Layout) -> tuple[CitedDocument, ...]:
    """Every document the report cites, once per canonical symbol."""
    return group_citations(layout.text, find_mentions(layout.text, layout.context), layout.context)


def extract(text: str) -> ReportStructure:
    """Extract the header, the section tree and every cited document of a report.

    ``text`` is the (corrected) report text, NFC with "\\n" line breaks; lines are
    numbered from 1.
    """
    layout = analyse_layout(text)
    return ReportStructure(layout.document, layout.sections, find_citations(layout))
