"""Serialise OCR results: plain text, JSON, hOCR, ALTO and searchable PDF.

Each writer takes the pages of one document and returns the file's content; the caller
writes it atomically.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from xml.etree import ElementTree as ET

from pipeline import __version__
from pipeline.errors import OcrEngineError
from pipeline.models import BBox, OcrPage

FORMATS = ("txt", "json", "hocr", "alto", "pdf")
SUFFIXES = {"txt": ".txt", "json": ".json", "hocr": ".hocr", "alto": ".alto.xml", "pdf": ".pdf"}
PAGE_SEPARATOR = "\n\n"


def to_text(pages: Sequence[OcrPage]) -> str:
    """Lines of each page in reading order; pages separated by a blank line."""
    return PAGE_SEPARATOR.join(p.text for p in pages) + "\n"


def _box(b: BBox) -> list[int]:
    return [b.left, b.top, b.right, b.bottom]


def to_dict(pages: Sequence[OcrPage], source: str) -> dict:
    return {
        "source": source,
        "generator": f"vanthu {__version__}",
        "engine": pages[0].engine if pages else None,
        "lang": pages[0].lang if pages else None,
        "pages": [
            {
                "page_number": p.page_number, "width": p.width, "height": p.height, "dpi": p.dpi,
                "rotation": p.rotation, "skew_deg": p.skew_deg, "preprocessing": list(p.steps),
                "mean_confidence": round(p.mean_confidence, 2),
                "lines": [
                    {
                        "text": line.text, "bbox": _box(line.bbox),
                        "words": [
                            {"text": w.text, "bbox": _box(w.bbox), "confidence": round(w.confidence, 2)}
                            for w in line.words
                        ],
                    }
                    for line in p.lines
                ],
            }
            for p in pages
        ],
    }


def to_json(pages: Sequence[OcrPage], source: str) -> str:
    """Compact JSON: an indented dump goes through json's pure-Python encoder, which took longer
    than all other output for a page's thousands of word boxes (``jq .`` indents it)."""
    return json.dumps(to_dict(pages, source), ensure_ascii=False, separators=(",", ":")) + "\n"


def _title(b: BBox, extra: str = "") -> str:
    return f"bbox {b.left} {b.top} {b.right} {b.bottom}{extra}"


def to_hocr(pages: Sequence[OcrPage], source: str) -> str:
    """hOCR 1.2 (XHTML with ocr_page / ocr_line / ocrx_word and x_wconf)."""
    html = ET.Element("html", xmlns="http://www.w3.org/1999/xhtml", lang="vi")
    head = ET.SubElement(html, "head")
    ET.SubElement(head, "title").text = source
    ET.SubElement(head, "meta", {"http-equiv": "Content-Type", "content": "text/html;charset=utf-8"})
    ET.SubElement(head, "meta", name="ocr-system", content=f"vanthu {__version__}")
    ET.SubElement(head, "meta", name="ocr-capabilities", content="ocr_page ocr_line ocrx_word")
    body = ET.SubElement(html, "body")
    for p in pages:
        page_box = BBox(0, 0, p.width, p.height)
        page_el = ET.SubElement(body, "div", {"class": "ocr_page", "id": f"page_{p.page_number}",
                                              "title": f'image "{source}"; {_title(page_box)}; ppageno {p.page_index}'})
        for li, line in enumerate(p.lines, 1):
            line_el = ET.SubElement(page_el, "span", {"class": "ocr_line", "id": f"line_{p.page_number}_{li}",
                                                      "title": _title(line.bbox)})
            for wi, w in enumerate(line.words, 1):
                word_el = ET.SubElement(line_el, "span", {
                    "class": "ocrx_word", "id": f"word_{p.page_number}_{li}_{wi}",
                    "title": _title(w.bbox, f"; x_wconf {max(0, round(w.confidence))}"),
                })
                word_el.text = w.text
                word_el.tail = " "
    ET.indent(html)
    return '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n' + ET.tostring(html, encoding="unicode") + "\n"


ALTO_NS = "http://www.loc.gov/standards/alto/ns-v4#"


def to_alto(pages: Sequence[OcrPage], source: str) -> str:
    """ALTO v4 with pixel measurements; word confidence WC in 0-1."""
    ET.register_namespace("", ALTO_NS)
    q = lambda tag: f"{{{ALTO_NS}}}{tag}"  # noqa: E731
    alto = ET.Element(q("alto"))
    desc = ET.SubElement(alto, q("Description"))
    ET.SubElement(desc, q("MeasurementUnit")).text = "pixel"
    info = ET.SubElement(desc, q("sourceImageInformation"))
    ET.SubElement(info, q("fileName")).text = source
    layout = ET.SubElement(alto, q("Layout"))
    for p in pages:
        page_el = ET.SubElement(layout, q("Page"), ID=f"p{p.page_number}", PHYSICAL_IMG_NR=str(p.page_number),
                                WIDTH=str(p.width), HEIGHT=str(p.height))
        space = ET.SubElement(page_el, q("PrintSpace"), HPOS="0", VPOS="0", WIDTH=str(p.width), HEIGHT=str(p.height))
        for li, line in enumerate(p.lines, 1):
            block = ET.SubElement(space, q("TextBlock"), ID=f"p{p.page_number}_b{li}", **_alto_box(line.bbox))
            line_el = ET.SubElement(block, q("TextLine"), ID=f"p{p.page_number}_l{li}", **_alto_box(line.bbox))
            for wi, w in enumerate(line.words):
                if wi:
                    ET.SubElement(line_el, q("SP"))
                ET.SubElement(line_el, q("String"), CONTENT=w.text,
                              WC=f"{max(0.0, w.confidence) / 100:.2f}", **_alto_box(w.bbox))
    ET.indent(alto)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(alto, encoding="unicode") + "\n"


def _alto_box(b: BBox) -> dict[str, str]:
    return {"HPOS": str(b.left), "VPOS": str(b.top), "WIDTH": str(b.width), "HEIGHT": str(b.height)}


def merge_pdfs(page_pdfs: Sequence[bytes]) -> bytes:
    """One PDF from Tesseract's one-page PDFs (image plus invisible text layer)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    writer = PdfWriter()
    try:
        for data in page_pdfs:
            for page in PdfReader(io.BytesIO(data)).pages:
                writer.add_page(page)
    except PdfReadError as e:
        raise OcrEngineError(f"Tesseract wrote an unreadable PDF page ({e})") from e
    writer.add_metadata({"/Producer": f"vanthu {__version__}"})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def render(fmt: str, pages: Sequence[OcrPage], source: str, page_pdfs: Sequence[bytes] = ()) -> str | bytes:
    """The content of the output file in ``fmt`` (one of FORMATS)."""
    if fmt == "txt":
        return to_text(pages)
    if fmt == "json":
        return to_json(pages, source)
    if fmt == "hocr":
        return to_hocr(pages, source)
    if fmt == "alto":
        return to_alto(pages, source)
    if fmt == "pdf":
        return merge_pdfs(page_pdfs)
    raise ValueError(f"unknown output format {fmt!r}")
