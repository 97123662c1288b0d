"""Rendering of Vietnamese text and official documents to page images, and scan damage.

Used to make OCR training pairs and the sample scans: every page comes with its exact
ground-truth text, one line per printed line, in reading order.
"""

from pipeline.render.body import render_body_page, render_body_pages, wrap_paragraphs
from pipeline.render.degrade import CONDITIONS, degrade
from pipeline.render.document import OfficialDocument, Paragraph, render_official_document
from pipeline.render.layout import RenderedPage
from pipeline.render.sources import document_from_dict, load_source

__all__ = [
    "CONDITIONS",
    "OfficialDocument",
    "Paragraph",
    "RenderedPage",
    "degrade",
    "document_from_dict",
    "load_source",
    "render_body_page",
    "render_body_pages",
    "render_official_document",
    "wrap_paragraphs",
]
