"""Placing styled lines and rules on A4 pages and drawing them with their ground truth.

A document is laid out as a sequence of :class:`Block` s. A block is a group of items
(printed lines and rules) at fixed offsets from the block's top that is never split
across pages: a body line, a two-column header, a signature block. :func:`paginate`
fills pages with blocks; :func:`draw_page` draws one page and returns its image with the
ground-truth text, one line per printed line, *in the order the items were listed*, so
that the caller decides the reading order (left column before right column).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from pipeline.models import BBox
from pipeline.render.fonts import TextStyle, load_font, mm_to_pixels, points_to_pixels

Align = Literal["left", "center", "right", "justify"]

A4_MM = (210.0, 297.0)


@dataclass(frozen=True, slots=True)
class PageGeometry:
    """Page size and margins in pixels at one resolution."""

    dpi: int
    width: int
    height: int
    top: int
    bottom: int
    left: int
    right: int

    @classmethod
    def a4(cls, dpi: int, margins_mm: tuple[float, float, float, float]) -> PageGeometry:
        """A4 portrait with margins (top, bottom, left, right) in millimetres."""
        top, bottom, left, right = (mm_to_pixels(m, dpi) for m in margins_mm)
        width, height = (mm_to_pixels(m, dpi) for m in A4_MM)
        if left + right >= width or top + bottom >= height:
            raise ValueError(f"margins {margins_mm} leave no room on an A4 page")
        return cls(dpi, width, height, top, bottom, left, right)

    @property
    def text_left(self) -> int:
        return self.left

    @property
    def text_right(self) -> int:
        return self.width - self.right

    @property
    def text_height(self) -> int:
        return self.height - self.top - self.bottom


@dataclass(frozen=True, slots=True)
class LineItem:
    """One printed line inside the horizontal span [left, right) of the page."""

    text: str
    style: TextStyle
    left: int
    right: int
    y: int = 0  # top of the line box, relative to the block
    align: Align = "left"
    indent: int = 0  # pixels added on the left (first-line indent)


@dataclass(frozen=True, slots=True)
class RuleItem:
    """A horizontal rule (not part of the text)."""

    left: int
    right: int
    y: int
    thickness: int = 2


Item = LineItem | RuleItem


@dataclass(frozen=True, slots=True)
class Block:
    """Items that stay together on one page; ``height`` is the vertical space taken."""

    items: tuple[Item, ...]
    height: int
    is_space: bool = False  # vertical space, dropped at the top of a page


@dataclass(frozen=True, slots=True)
class RenderedPage:
    """A rendered page: gray image (mode "L", white paper) and its ground truth.

    ``text`` holds one line per printed line in reading order, joined by "\\n";
    ``line_boxes[i]`` is the ink box of line ``i`` of ``text`` in image pixels.
    """

    image: Image.Image = field(repr=False, compare=False)
    dpi: int
    text: str
    line_boxes: tuple[BBox, ...] = ()

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n") if self.text else []


def line_height(style: TextStyle, dpi: int, spacing: float) -> int:
    """Baseline-to-baseline distance in pixels for a style and a spacing factor."""
    return round(points_to_pixels(style.size_pt, dpi) * spacing)


def space_block(height: int) -> Block:
    """Vertical white space between blocks."""
    return Block((), max(0, height), is_space=True)


def paginate(blocks: Iterable[Block], usable_height: int) -> list[list[tuple[int, Block]]]:
    """Fill pages with blocks; each page is a list of (y offset in the text area, block).

    A block taller than a whole page is still placed (alone) rather than lost.
    """
    pages: list[list[tuple[int, Block]]] = [[]]
    y = 0
    for block in blocks:
        if block.is_space and not pages[-1]:
            continue
        if y + block.height > usable_height and pages[-1]:
            pages.append([])
            y = 0
            if block.is_space:
                continue
        pages[-1].append((y, block))
        y += block.height
    return [page for page in pages if any(not b.is_space for _, b in page)] or [[]]


def draw_page(placed: Sequence[tuple[int, Block]], geometry: PageGeometry) -> RenderedPage:
    """Draw the placed blocks of one page; ground truth follows the order of the items."""
    image = Image.new("L", (geometry.width, geometry.height), 255)
    draw = ImageDraw.Draw(image)
    texts: list[str] = []
    boxes: list[BBox] = []
    for y0, block in placed:
        for item in block.items:
            top = geometry.top + y0 + item.y
            if isinstance(item, RuleItem):
                draw.rectangle((item.left, top, item.right - 1, top + item.thickness - 1), fill=0)
                continue
            box = _draw_line(draw, item, top, geometry.dpi)
            if box is not None:
                texts.append(item.text)
                boxes.append(box)
    return RenderedPage(image, geometry.dpi, "\n".join(texts), tuple(boxes))


def _draw_line(draw: ImageDraw.ImageDraw, item: LineItem, top: int, dpi: int) -> BBox | None:
    """Draw one line with its alignment; returns its ink box, or None for a blank line."""
    words = item.text.split()
    if not words:
        return None
    font = load_font(item.style, dpi)
    baseline = top + font.getmetrics()[0]
    if item.align == "justify" and len(words) > 1:
        return _draw_justified(draw, words, item, font, baseline)
    width = font.getlength(item.text)
    left = float(item.left + item.indent)
    if item.align == "center":
        left = item.left + (item.right - item.left - width) / 2
    elif item.align == "right":
        left = item.right - width
    origin = (round(left), baseline)
    draw.text(origin, item.text, font=font, fill=0, anchor="ls")
    return BBox(*(int(v) for v in draw.textbbox(origin, item.text, font=font, anchor="ls")))


def _draw_justified(
    draw: ImageDraw.ImageDraw,
    words: list[str],
    item: LineItem,
    font: ImageFont.FreeTypeFont,
    baseline: int,
) -> BBox:
    """Draw words spread so that the line fills its span exactly."""
    left = item.left + item.indent
    widths = [font.getlength(w) for w in words]
    gap = (item.right - left - sum(widths)) / (len(words) - 1)
    gap = max(gap, font.getlength(" "))
    x = float(left)
    box: BBox | None = None
    for word, width in zip(words, widths, strict=True):
        origin = (round(x), baseline)
        draw.text(origin, word, font=font, fill=0, anchor="ls")
        word_box = BBox(*(int(v) for v in draw.textbbox(origin, word, font=font, anchor="ls")))
        box = word_box if box is None else box.union(word_box)
        x += width + gap
    assert box is not None
    return box
