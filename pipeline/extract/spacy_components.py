"""spaCy components over the plain extraction functions: ``vanthu_sections`` and
``vanthu_citations`` on a blank Vietnamese pipeline that needs no downloaded model.

Results go to ``doc.spans["sections"]`` (label: the section kind) and
``doc.spans["citations"]`` (one span per mention, label: the Vietnamese type name), and to
``Doc`` extensions under the ``vnr_`` prefix: ``doc._.vnr_header``, ``doc._.vnr_sections``,
``doc._.vnr_citations`` and ``doc._.vnr_structure``. The components expect the project's
text contract (NFC, "\\n" line breaks) so that character offsets map onto the Doc.
"""

from __future__ import annotations

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.extract.core import Layout, analyse_layout, find_citations
from pipeline.extract.records import ReportStructure, Section
from pipeline.extract.text import LineIndex

SECTIONS_KEY = "sections"
CITATIONS_KEY = "citations"


def _register_extensions() -> None:
    """Register our Doc and Span extensions once (guarded, at import)."""
    for name in ("vnr_layout", "vnr_citations"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Doc.has_extension("vnr_header"):
        Doc.set_extension("vnr_header", getter=lambda doc: doc._.vnr_layout.document if doc._.vnr_layout else None)
    if not Doc.has_extension("vnr_sections"):
        Doc.set_extension("vnr_sections", getter=lambda doc: doc._.vnr_layout.sections if doc._.vnr_layout else ())
    if not Doc.has_extension("vnr_structure"):
        Doc.set_extension("vnr_structure", getter=_structure)
    if not Span.has_extension("vnr_symbol"):
        Span.set_extension("vnr_symbol", default=None)


def _structure(doc: Doc) -> ReportStructure | None:
    layout: Layout | None = doc._.vnr_layout
    if layout is None or doc._.vnr_citations is None:
        return None
    return ReportStructure(layout.document, layout.sections, doc._.vnr_citations)


_register_extensions()


def _layout(doc: Doc) -> Layout:
    if doc._.vnr_layout is None:
        doc._.vnr_layout = analyse_layout(doc.text)
    return doc._.vnr_layout


def _flatten(sections: tuple[Section, ...]) -> list[Section]:
    out: list[Section] = []
    for section in sections:
        out.append(section)
        out.extend(_flatten(section.children))
    return out


class SectionFinder:
    """Adapter: runs :func:`analyse_layout` and writes section spans."""

    def __call__(self, doc: Doc) -> Doc:
        layout = _layout(doc)
        lines = LineIndex.of(doc.text)
        spans = []
        for section in _flatten(layout.sections):
            start = lines.start_of(section.start_line)
            span = doc.char_span(start, start + len(section.text), label=section.kind, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        doc.spans[SECTIONS_KEY] = spans
        return doc


class CitationFinder:
    """Adapter: runs :func:`find_citations` and writes one span per mention."""

    def __call__(self, doc: Doc) -> Doc:
        citations = find_citations(_layout(doc))
        doc._.vnr_citations = citations
        spans = []
        for cited in citations:
            for mention in cited.mentions:
                span = doc.char_span(mention.start, mention.end, label=cited.type or "", alignment_mode="expand")
                if span is not None:
                    span._.vnr_symbol = cited.symbol
                    spans.append(span)
        doc.spans[CITATIONS_KEY] = spans
        return doc


@Language.factory("vanthu_sections", assigns=["doc.spans"])
def make_section_finder(nlp: Language, name: str) -> SectionFinder:
    """Factory of the section-tree component."""
    return SectionFinder()


@Language.factory("vanthu_citations", assigns=["doc.spans"])
def make_citation_finder(nlp: Language, name: str) -> CitationFinder:
    """Factory of the cited-documents component."""
    return CitationFinder()


def build_nlp() -> Language:
    """``spacy.blank("vi")`` without pyvi, with both components."""
    nlp = spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}})
    nlp.add_pipe("vanthu_sections")
    nlp.add_pipe("vanthu_citations")
    return nlp
