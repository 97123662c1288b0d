"""Official Vietnamese administrative documents laid out as printed (Decree 30/2020 style).

Page 1 starts with the two-column header (issuing body and number on the left; national
title, motto and place/date on the right), then the type name and the summary centred,
then the body; the last page ends with the "Nơi nhận:" list beside the signature block.
Ground truth keeps the columns apart: left header column, right header column, body,
"Nơi nhận" column, signature column; one line per printed line.
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pipeline.render.body import wrap_text
from pipeline.render.fonts import TextStyle, load_font, mm_to_pixels, text_width
from pipeline.render.layout import (
    Align,
    Block,
    Item,
    LineItem,
    PageGeometry,
    RenderedPage,
    RuleItem,
    draw_page,
    line_height,
    paginate,
    space_block,
)

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOCUMENT_MARGINS_MM = (20.0, 20.0, 30.0, 20.0)  # top, bottom, left, right
FIRST_LINE_INDENT_MM = 12.7

ParagraphKind = Literal["text", "heading", "basis", "centered"]

# kind -> (bold, italic)
_KIND_STYLE = {
    "text": (False, False),
    "heading": (True, False),
    "basis": (False, True),
    "centered": (False, False),
}


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One body paragraph.

    ``kind``: "text" (justified, first-line indent), "heading" (bold, indented),
    "basis" (italic basis clause, "Căn cứ ...;"), "centered" (e.g. "Kính gửi: ...").
    A "\\n" inside ``text`` is a forced line break: those lines are printed as given
    (wrapped further only if too wide), which reproduces a known original layout.
    """

    text: str
    kind: ParagraphKind = "text"


@dataclass(frozen=True, slots=True)
class OfficialDocument:
    """The parts of an administrative document as printed (strings NFC, no "Số: " prefix).

    - ``issuing_body``: bold capitals, e.g. ("ỦY BAN NHÂN DÂN", "HUYỆN BÌNH SƠN");
      ``superior_body``: upright capitals above it, if any.
    - ``number``: "286/BC-UBND", printed as "Số: 286/BC-UBND".
    - ``doc_type``: "BÁO CÁO"; "" for a công văn, whose ``subject`` ("V/v ...") is then
      printed under the number instead of centred under the type name.
    - ``recipients``: the list under "Nơi nhận:", e.g. ("- Như trên;", "- Lưu: VT.").
    - ``signature``: authority lines, e.g. ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH").
    - ``addressees``: "Kính gửi: ..." lines, centred under the summary.
    """

    issuing_body: tuple[str, ...]
    number: str
    place_date: str
    doc_type: str
    subject: tuple[str, ...]
    body: tuple[Paragraph, ...]
    recipients: tuple[str, ...]
    signature: tuple[str, ...]
    signer: str
    superior_body: tuple[str, ...] = ()
    addressees: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Setup:
    """Page geometry and font family, with helpers for styles and distances."""

    geometry: PageGeometry
    family: str

    def style(self, size_pt: float, *, bold: bool = False, italic: bool = False) -> TextStyle:
        return TextStyle(self.family, size_pt, bold, italic)

    def px(self, mm: float) -> int:
        return mm_to_pixels(mm, self.geometry.dpi)

    def pitch(self, size_pt: float, spacing: float = 1.2) -> int:
        return line_height(self.style(size_pt), self.geometry.dpi, spacing)


class _Column:
    """Stacks lines downwards inside a horizontal span (a local layout helper)."""

    def __init__(self, setup: _Setup, span: tuple[int, int], align: Align = "center") -> None:
        self.setup, self.span, self.align = setup, span, align
        self.y = 0
        self.items: list[Item] = []

    def add(self, lines: Sequence[str], style: TextStyle, pitch: int) -> list[LineItem]:
        """Add lines (each wrapped to the span if needed); returns the added items."""
        added = []
        width = self.span[1] - self.span[0]
        for line in lines:
            for piece in wrap_text(line, style, self.setup.geometry.dpi, width):
                added.append(LineItem(piece, style, *self.span, y=self.y, align=self.align))
                self.y += pitch
        self.items.extend(added)
        return added

    def rule_under(self, item: LineItem, fraction: float) -> None:
        """A short rule centred just under a line, ``fraction`` of its printed width."""
        rule = centred_rule(item, self.setup.geometry.dpi, fraction, self.setup.px(1.2))
        self.items.append(rule)
        self.y = max(self.y, rule.y + rule.thickness)


def centred_rule(item: LineItem, dpi: int, fraction: float, gap: int) -> RuleItem:
    """A rule centred under a line's span, ``fraction`` of the line's printed width."""
    width = text_width(item.text, item.style, dpi) * fraction
    centre = (item.left + item.right) / 2
    ascent, descent = load_font(item.style, dpi).getmetrics()
    y = item.y + ascent + descent + gap
    return RuleItem(round(centre - width / 2), round(centre + width / 2), y, 3)


def render_official_document(
    doc: OfficialDocument,
    *,
    font: str = "liberation-serif",
    dpi: int = 300,
    body_size_pt: float = 14,
    page_numbers: bool = True,
) -> list[RenderedPage]:
    """The document printed on A4 pages, each with its ground truth in reading order.

    Page numbers (from page 2, centred in the top margin, as Decree 30 prescribes) come
    first in that page's ground truth.
    """
    setup = _Setup(PageGeometry.a4(dpi, DOCUMENT_MARGINS_MM), font)
    doc = nfc_document(doc)
    blocks = [_header_block(doc, setup), space_block(setup.px(6))]
    blocks += _title_blocks(doc, setup)
    blocks += _body_blocks(doc.body, setup, body_size_pt)
    blocks += [space_block(setup.px(4)), _footer_block(doc, setup)]
    pages = paginate(blocks, setup.geometry.text_height)
    if page_numbers:
        pages = [_with_page_number(p, i, setup) if i else p for i, p in enumerate(pages)]
    return [draw_page(page, setup.geometry) for page in pages]


def nfc_document(doc: OfficialDocument) -> OfficialDocument:
    """The document with every string NFC-normalised (the input boundary)."""

    def nfc(value: object) -> object:
        if isinstance(value, str):
            return unicodedata.normalize("NFC", value)
        if isinstance(value, Paragraph):
            return Paragraph(unicodedata.normalize("NFC", value.text), value.kind)
        if isinstance(value, tuple):
            return tuple(nfc(v) for v in value)
        return value

    changes = {f.name: nfc(getattr(doc, f.name)) for f in dataclasses.fields(doc)}
    return dataclasses.replace(doc, **changes)


def _header_block(doc: OfficialDocument, setup: _Setup) -> Block:
    """The two header columns (a borderless table reaching 5 mm into the margins).

    "Số: ..." and the place/date share one line, under the lower of the two rules.
    """
    g = setup.geometry
    split = g.text_left + setup.px(65)
    left = _Column(setup, (g.text_left - setup.px(5), split))
    right = _Column(setup, (split, g.text_right + setup.px(5)))
    pitch = setup.pitch(13)
    left.add(doc.superior_body, setup.style(13), pitch)
    issuing = left.add(doc.issuing_body, setup.style(13, bold=True), pitch)
    left.rule_under(issuing[-1], 0.4)
    right.add([NATIONAL_TITLE], setup.style(12, bold=True), pitch)
    motto = right.add([MOTTO], setup.style(13, bold=True), pitch)
    right.rule_under(motto[-1], 1.0)
    left.y = right.y = max(left.y, right.y) + setup.px(3)
    left.add([f"Số: {doc.number}"], setup.style(13), pitch)
    if not doc.doc_type:  # công văn: "V/v ..." under the number
        left.add(doc.subject, setup.style(12), setup.pitch(12))
    right.add([doc.place_date], setup.style(13, italic=True), pitch)
    return Block((*left.items, *right.items), max(left.y, right.y))


def _title_blocks(doc: OfficialDocument, setup: _Setup) -> list[Block]:
    """Type name and summary centred and bold over a short rule, then "Kính gửi"."""
    g, pitch = setup.geometry, setup.pitch(14)
    blocks: list[Block] = []
    if doc.doc_type:
        title = _Column(setup, (g.text_left, g.text_right))
        lines = title.add([doc.doc_type, *doc.subject], setup.style(14, bold=True), pitch)
        title.rule_under(dataclasses.replace(lines[-1], text="x" * 12), 1.0)
        blocks.append(Block(tuple(title.items), title.y))
    if doc.addressees:
        kinh_gui = _Column(setup, (g.text_left, g.text_right))
        kinh_gui.add(doc.addressees, setup.style(14), pitch)
        blocks += [space_block(setup.px(5)), Block(tuple(kinh_gui.items), kinh_gui.y)]
    return [*blocks, space_block(setup.px(5))]


def _body_blocks(body: Sequence[Paragraph], setup: _Setup, size_pt: float) -> list[Block]:
    """One block per printed body line, with paragraph spacing between paragraphs."""
    g = setup.geometry
    pitch, indent = setup.pitch(size_pt, 1.25), setup.px(FIRST_LINE_INDENT_MM)
    blocks: list[Block] = []
    for paragraph in body:
        bold, italic = _KIND_STYLE[paragraph.kind]
        style = setup.style(size_pt, bold=bold, italic=italic)
        centred = paragraph.kind == "centered"
        first_indent = 0 if centred else indent
        width = g.text_right - g.text_left
        lines = paragraph_lines(paragraph.text, style, g.dpi, width, first_indent)
        for index, line in enumerate(lines):
            last = index == len(lines) - 1
            align: Align = "center" if centred else ("left" if last else "justify")
            shift = first_indent if index == 0 else 0
            item = LineItem(line, style, g.text_left, g.text_right, align=align, indent=shift)
            blocks.append(Block((item,), pitch))
        blocks.append(space_block(setup.px(2)))
    return blocks


def paragraph_lines(text: str, style: TextStyle, dpi: int, width: int, indent: int) -> list[str]:
    """Printed lines of a paragraph: forced lines kept, over-wide ones wrapped.

    The first line is ``indent`` pixels narrower than the others.
    """
    lines: list[str] = []
    for forced in text.split("\n"):
        room = width - (indent if not lines else 0)
        pieces = wrap_text(forced, style, dpi, room)
        if len(pieces) > 1:  # the rest of an over-wide forced line gets the full width
            pieces = pieces[:1] + wrap_text(" ".join(pieces[1:]), style, dpi, width)
        lines.extend(pieces)
    return lines


def _footer_block(doc: OfficialDocument, setup: _Setup) -> Block:
    """"Nơi nhận:" and its list (left) beside the signature block (right), top-aligned."""
    g = setup.geometry
    split = g.text_left + setup.px(75)
    left = _Column(setup, (g.text_left - setup.px(5), split), align="left")
    right = _Column(setup, (split, g.text_right + setup.px(5)))
    left.add(["Nơi nhận:"], setup.style(12, bold=True, italic=True), setup.pitch(12))
    left.add(doc.recipients, setup.style(11), setup.pitch(11, 1.15))
    pitch = setup.pitch(14)
    right.add(doc.signature, setup.style(14, bold=True), pitch)
    right.y += setup.px(25)  # room for the signature and the seal
    right.add([doc.signer], setup.style(14, bold=True), pitch)
    return Block((*left.items, *right.items), max(left.y, right.y))


def _with_page_number(
    page: list[tuple[int, Block]], index: int, setup: _Setup
) -> list[tuple[int, Block]]:
    """The page with its number centred in the top margin, first in reading order."""
    g = setup.geometry
    y = -g.top + setup.px(8)
    item = LineItem(str(index + 1), setup.style(13), g.text_left, g.text_right, y=y, align="center")
    return [(0, Block((item,), 0)), *page]
