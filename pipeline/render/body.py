"""Plain A4 pages of body text, one given line per printed line, and line wrapping.

These pages are what OCR training pairs are made from: the caller gives lines (for
corpus paragraphs, :func:`wrap_paragraphs` first) and gets images with the exact text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence

from pipeline.render.fonts import TextStyle, mm_to_pixels, text_width
from pipeline.render.layout import (
    Block,
    LineItem,
    PageGeometry,
    RenderedPage,
    draw_page,
    line_height,
    paginate,
)

DEFAULT_MARGINS_MM = (20.0, 15.0, 30.0, 20.0)  # top, bottom, left, right (Decree 30 ranges)
BODY_LINE_SPACING = 1.2


def wrap_paragraphs(
    paragraphs: Iterable[str],
    font: str = "liberation-serif",
    font_size_pt: float = 13,
    dpi: int = 300,
    width_mm: float = 160.0,
    *,
    bold: bool = False,
    italic: bool = False,
) -> list[str]:
    """Greedy word wrap of each paragraph to a printed width; paragraphs start new lines.

    Text is NFC-normalised and whitespace runs fold to one space. A word wider than the
    whole line is cut into pieces that fit. Empty paragraphs give no line.
    """
    style = TextStyle(font, font_size_pt, bold, italic)
    width = mm_to_pixels(width_mm, dpi)
    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(wrap_text(unicodedata.normalize("NFC", paragraph), style, dpi, width))
    return lines


def wrap_text(text: str, style: TextStyle, dpi: int, width: int) -> list[str]:
    """Lines of at most ``width`` pixels made of whole words (or pieces of long ones)."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, style, dpi) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        pieces = _split_long_word(word, style, dpi, width)
        lines.extend(pieces[:-1])
        current = pieces[-1]
    if current:
        lines.append(current)
    return lines


def _split_long_word(word: str, style: TextStyle, dpi: int, width: int) -> list[str]:
    """A word cut into pieces no wider than ``width`` (the word itself when it fits)."""
    pieces: list[str] = []
    piece = ""
    for char in word:
        if piece and text_width(piece + char, style, dpi) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    pieces.append(piece)
    return pieces


def render_body_pages(
    lines: Sequence[str],
    *,
    font: str = "liberation-serif",
    dpi: int = 300,
    font_size_pt: float = 13,
    margins_mm: tuple[float, float, float, float] = DEFAULT_MARGINS_MM,
    line_spacing: float = BODY_LINE_SPACING,
) -> list[RenderedPage]:
    """Left-aligned body text on as many A4 pages as needed, one given line per printed line.

    ``margins_mm`` is (top, bottom, left, right). Lines are NFC-normalised and stripped;
    an empty line leaves a blank printed line and is not part of the ground truth. Lines
    wider than the text area run into the right margin (wrap them first).
    """
    geometry = PageGeometry.a4(dpi, margins_mm)
    style = TextStyle(font, font_size_pt)
    height = line_height(style, dpi, line_spacing)
    blocks = []
    for line in lines:
        text = " ".join(unicodedata.normalize("NFC", line).split())
        item = LineItem(text, style, geometry.text_left, geometry.text_right)
        blocks.append(Block((item,), height))
    return [draw_page(page, geometry) for page in paginate(blocks, geometry.text_height)]


def render_body_page(
    lines: Sequence[str],
    *,
    font: str = "liberation-serif",
    dpi: int = 300,
    font_size_pt: float = 13,
    margins_mm: tuple[float, float, float, float] = DEFAULT_MARGINS_MM,
    line_spacing: float = BODY_LINE_SPACING,
) -> RenderedPage:
    """One A4 page of body text; raises ValueError when the lines need more than a page."""
    pages = render_body_pages(
        lines,
        font=font,
        dpi=dpi,
        font_size_pt=font_size_pt,
        margins_mm=margins_mm,
        line_spacing=line_spacing,
    )
    if len(pages) > 1:
        raise ValueError(f"{len(lines)} lines need {len(pages)} pages; use render_body_pages")
    return pages[0]


def lines_per_page(
    *,
    dpi: int = 300,
    font_size_pt: float = 13,
    margins_mm: tuple[float, float, float, float] = DEFAULT_MARGINS_MM,
    line_spacing: float = BODY_LINE_SPACING,
) -> int:
    """How many body lines fit on one page with these settings."""
    geometry = PageGeometry.a4(dpi, margins_mm)
    height = line_height(TextStyle(size_pt=font_size_pt), dpi, line_spacing)
    return geometry.text_height // height


def text_width_mm(margins_mm: tuple[float, float, float, float] = DEFAULT_MARGINS_MM) -> float:
    """Width of the text area of an A4 page with these margins, in millimetres."""
    return 210.0 - margins_mm[2] - margins_mm[3]
