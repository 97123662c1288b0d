"""Official Vietnamese administrative documents laid out as printed (Decree 30/2020 style).

Page 1 starts with the two-column header (issuing body and number on the left; national
title, motto and place/date on the right), then the type name and the summary centred,
then the body; the last page ends with the "Nơi nhận:" list beside the signature block.
Ground truth keeps the columns apart: left header column, right header column, body,
"Nơi nhận" column, signature column; one line per printed line.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
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

ParagraphKind = Literal["text", "heading", "basis", "centered"]


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
    """The parts of an administrative document, as printed (all strings NFC, no "Số: ")."""

    issuing_body: tuple[str, ...]  # bold capitals, e.g. ("ỦY BAN NHÂN DÂN", "HUYỆN BÌNH SƠN")
    number: str  # "286/BC-UBND", printed as "Số: 286/BC-UBND"
    place_date: str  # "Bình Sơn, ngày 20 tháng 6 năm 2022"
    doc_type: str  # "BÁO CÁO"; "" for a công văn (its summary goes under the number)
    subject: tuple[str, ...]  # trích yếu lines; "V/v ..." lines for a công văn
    body: tuple[Paragraph, ...]
    recipients: tuple[str, ...]  # the list under "Nơi nhận:", e.g. ("- Như trên;", "- Lưu: VT.")
    signature: tuple[str, ...]  # ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    signer: str
    superior_body: tuple[str, ...] = ()  # upright capitals above the issuing body
    addressees: tuple[str, ...] = ()  # "Kính gửi: ..." lines, centred under the summary


@dataclass(frozen=True, slots=True)
class _Setup:
    """Page geometry, font family and the sizes and spacings derived from them."""

    geometry: PageGeometry
    family: str

    def style(self, size_pt: float, *, bold: bool = False, italic: bool = False) -> TextStyle:
        return TextStyle(self.family, size_pt, bold, italic)

    def px(self, mm: float) -> int:
        return mm_to_pixels(mm, self.geometry.dpi)

    def pitch(self, size_pt: float, spacing: float = 1.2) -> int:
        return line_height(self.style(size_pt), self.geometry.dpi, spacing)


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
    doc = _nfc_document(doc)
    blocks = [_header_block(doc, setup), space_block(setup.px(6))]
    blocks += _title_blocks(doc, setup)
    blocks += _body_blocks(doc.body, setup, body_size_pt)
    blocks += [space_block(setup.px(4)), _footer_block(doc, setup)]
    pages = paginate(blocks, setup.geometry.text_height)
    if page_numbers:
        pages = [_with_page_number(p, i, setup) if i else p for i, p in enumerate(pages)]
    return [draw_page(page, setup.geometry) for page in pages]


def _nfc_document(doc: OfficialDocument) -> OfficialDocument:
    """The document with every string NFC-normalised (the input boundary)."""

    def nfc(value: object) -> object:
        if isinstance(value, str):
            return unicodedata.normalize("NFC", value)
        if isinstance(value, Paragraph):
            return Paragraph(unicodedata.normalize("NFC", value.text), value.kind)
        if isinstance(value, tuple):
            return tuple(nfc(v) for v in value)
        return value

    fields = ("issuing_body", "number", "place_date", "doc_type", "subject", "body")
    more = ("recipients", "signature", "signer", "superior_body", "addressees")
    return replace(doc, **{name: nfc(getattr(doc, name)) for name in fields + more})


def _column_lines(
    lines: Sequence[str],
    style: TextStyle,
    span: tuple[int, int],
    y: int,
    pitch: int,
    setup: _Setup,
    align: Align = "center",
) -> list[LineItem]:
    """Stack lines (each wrapped to the span if needed) downwards from ``y``."""
    items = []
    for line in lines:
        for piece in wrap_text(line, style, setup.geometry.dpi, span[1] - span[0]):
            items.append(LineItem(piece, style, span[0], span[1], y=y, align=align))
            y += pitch
    return items


def _centred_rule(item: LineItem, setup: _Setup, fraction: float) -> RuleItem:
    """A short rule centred just under a line, ``fraction`` of that line's printed width."""
    dpi = setup.geometry.dpi
    width = text_width(item.text, item.style, dpi) * fraction
    centre = (item.left + item.right) / 2
    ascent, descent = load_font(item.style, dpi).getmetrics()
    y = item.y + ascent + descent + setup.px(1.2)
    return RuleItem(round(centre - width / 2), round(centre + width / 2), y, 3)


def _header_columns(setup: _Setup) -> tuple[tuple[int, int], tuple[int, int]]:
    """Left and right header spans: a borderless table reaching 5 mm into the margins."""
    g = setup.geometry
    left, right = g.text_left - setup.px(5), g.text_right + setup.px(5)
    split = left + setup.px(70)
    return (left, split), (split, right)


def _header_block(doc: OfficialDocument, setup: _Setup) -> Block:
    """The two header columns; "Số:" and the place/date share one baseline."""
    left_span, right_span = _header_columns(setup)
    pitch, size = setup.pitch(13), 13
    upper = _column_lines(doc.superior_body, setup.style(size), left_span, 0, pitch, setup)
    upper += _column_lines(
        doc.issuing_body, setup.style(size, bold=True), left_span, len(upper) * pitch, pitch, setup
    )
    national = _column_lines([NATIONAL_TITLE], setup.style(12, bold=True), right_span, 0, pitch, setup)
    motto = _column_lines([MOTTO], setup.style(13, bold=True), right_span, pitch, pitch, setup)
    left_rule = _centred_rule(upper[-1], setup, 0.4)
    motto_rule = _centred_rule(motto[-1], setup, 1.0)
    gap = max(left_rule.y, motto_rule.y) - max(len(upper), len(national) + len(motto)) * pitch
    gap += setup.px(3)
    number_y = max(len(upper), len(national) + len(motto)) * pitch + gap
    number = _column_lines([f"Số: {doc.number}"], setup.style(size), left_span, number_y, pitch, setup)
    summary = []
    if not doc.doc_type:  # công văn: "V/v ..." under the number
        summary = _column_lines(doc.subject, setup.style(12), left_span, number_y + pitch, pitch, setup)
    date = _column_lines([doc.place_date], setup.style(size, italic=True), right_span, number_y, pitch, setup)
    items: list[Item] = [*upper, left_rule, *number, *summary, *national, *motto, motto_rule, *date]
    height = max(i.y for i in items) + pitch
    return Block(tuple(items), height)


def _title_blocks(doc: OfficialDocument, setup: _Setup) -> list[Block]:
    """Type name and summary centred and bold (with a short rule), then "Kính gửi"."""
    g, pitch = setup.geometry, setup.pitch(14)
    span = (g.text_left, g.text_right)
    blocks: list[Block] = []
    if doc.doc_type:
        lines = [doc.doc_type, *doc.subject]
        items: list[Item] = list(_column_lines(lines, setup.style(14, bold=True), span, 0, pitch, setup))
        last = items[-1]
        assert isinstance(last, LineItem)
        rule = _centred_rule(replace(last, text="x" * 12), setup, 1.0)
        blocks.append(Block((*items, rule), rule.y + setup.px(1)))
    kinh_gui = _column_lines(doc.addressees, setup.style(14), span, 0, pitch, setup)
    if kinh_gui:
        blocks += [space_block(setup.px(5)), Block(tuple(kinh_gui), len(kinh_gui) * pitch)]
    return blocks + [space_block(setup.px(5))]


_KIND_STYLE = {"text": (False, False), "heading": (True, False), "basis": (False, True), "centered": (False, False)}


def _body_blocks(body: Sequence[Paragraph], setup: _Setup, size_pt: float) -> list[Block]:
    """One block per printed body line, with paragraph spacing between paragraphs."""
    g = setup.geometry
    pitch, indent = setup.pitch(size_pt, 1.25), setup.px(12.7)
    blocks: list[Block] = []
    for paragraph in body:
        bold, italic = _KIND_STYLE[paragraph.kind]
        style = setup.style(size_pt, bold=bold, italic=italic)
        first_indent = 0 if paragraph.kind == "centered" else indent
        lines = _paragraph_lines(paragraph.text, style, g.dpi, g.text_right - g.text_left, first_indent)
        for index, line in enumerate(lines):
            last = index == len(lines) - 1
            align: Align = "center" if paragraph.kind == "centered" else ("left" if last else "justify")
            item = LineItem(line, style, g.text_left, g.text_right, align=align,
                            indent=first_indent if index == 0 else 0)
            blocks.append(Block((item,), pitch))
        blocks.append(space_block(setup.px(2)))
    return blocks


def _paragraph_lines(text: str, style: TextStyle, dpi: int, width: int, indent: int) -> list[str]:
    """Printed lines of a paragraph: forced lines kept, over-wide ones wrapped; first indented."""
    lines: list[str] = []
    for forced in text.split("\n"):
        room = width - (indent if not lines else 0)
        pieces = wrap_text(forced, style, dpi, room)
        if len(pieces) > 1:  # the rest of an over-wide forced line gets the full width
            rest = " ".join(pieces[1:])
            pieces = pieces[:1] + wrap_text(rest, style, dpi, width)
        lines.extend(pieces)
    return lines


def _footer_block(doc: OfficialDocument, setup: _Setup) -> Block:
    """"Nơi nhận:" and its list (left) beside the signature block (right), top-aligned."""
    g = setup.geometry
    left_span = (g.text_left - setup.px(5), g.text_left + setup.px(75))
    right_span = (g.text_left + setup.px(75), g.text_right + setup.px(5))
    label = LineItem("Nơi nhận:", setup.style(12, bold=True, italic=True), *left_span, y=0)
    items_pitch = setup.pitch(11, 1.15)
    listed = _column_lines(doc.recipients, setup.style(11), left_span, setup.pitch(12), items_pitch, setup, "left")
    pitch = setup.pitch(14)
    authority = _column_lines(doc.signature, setup.style(14, bold=True), right_span, 0, pitch, setup)
    name_y = len(authority) * pitch + setup.px(25)
    name = _column_lines([doc.signer], setup.style(14, bold=True), right_span, name_y, pitch, setup)
    items: list[Item] = [label, *listed, *authority, *name]
    return Block(tuple(items), max(i.y for i in items) + pitch)


def _with_page_number(
    page: list[tuple[int, Block]], index: int, setup: _Setup
) -> list[tuple[int, Block]]:
    """The page with its number centred in the top margin, first in reading order."""
    g = setup.geometry
    y = -g.top + setup.px(8)
    item = LineItem(str(index + 1), setup.style(13), g.text_left, g.text_right, y=y, align="center")
    return [(0, Block((item,), 0)), *page]
