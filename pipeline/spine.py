"""The spine: the stages called in order, and nothing else.

ingest -> preprocess -> OCR (-> correct -> extract, as those stages land) -> outputs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np

from pipeline import ingest, outputs
from pipeline.errors import InputFileError
from pipeline.fsutil import atomic_write
from pipeline.models import OcrPage, PageImage, PreparedPage
from pipeline.ocr.layout import arrange
from pipeline.ocr.reread import reread_lines
from pipeline.ocr.tesseract import OcrSettings, detect_orientation, recognize_image
from pipeline.preprocess import PreprocessSettings, preprocess, rotate_right_angle

LOW_CONFIDENCE = 65.0  # below this mean word confidence, a page may be upside down (measured: 46)


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything one run needs, built once at the edge."""

    preprocess: PreprocessSettings = field(default_factory=PreprocessSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    dpi: int = ingest.DEFAULT_DPI


@dataclass(frozen=True, slots=True)
class PageResult:
    page: OcrPage
    pdf: bytes | None  # Tesseract's one-page searchable PDF, when asked for


@dataclass(frozen=True, slots=True)
class DocumentResult:
    source: str
    pages: int
    outputs: tuple[str, ...]


def ocr_page(page: PageImage, settings: Settings, *, want_pdf: bool = False) -> PageResult:
    """Preprocess and OCR one page; an upside-down page is found by its low confidence."""
    def osd(image: np.ndarray) -> int:
        half = cv2.resize(image, None, fx=0.5, fy=0.5, interpolation=cv2.INTER_AREA)
        return detect_orientation(half, settings.ocr)[0]

    prepared = preprocess(page, settings.preprocess, detect_orientation=osd)
    result = _recognize(prepared, settings, want_pdf)
    if settings.preprocess.orientation and 0 <= result.page.mean_confidence < LOW_CONFIDENCE:
        if osd(prepared.image) == 180:
            flipped = replace(
                prepared, image=rotate_right_angle(prepared.image, 180),
                rotation=(prepared.rotation + 180) % 360, steps=prepared.steps + ("rotate180",),
            )
            result = _recognize(flipped, settings, want_pdf)
    return result


def _recognize(prepared: PreparedPage, settings: Settings, want_pdf: bool) -> PageResult:
    engine = recognize_image(prepared.image, settings.ocr, dpi=prepared.dpi, want_pdf=want_pdf)
    height, width = prepared.image.shape
    layout = arrange(engine.words, page_width=width, scale=prepared.scale)
    lines = reread_lines(layout.lines, layout.stray_marks, prepared.image, prepared.scale, prepared.dpi, settings.ocr)
    page = OcrPage(
        source=prepared.source, page_index=prepared.page_index,
        width=round(width / prepared.scale), height=round(height / prepared.scale),
        dpi=round(prepared.dpi / prepared.scale),
        lines=lines,
        engine=engine.engine, lang=settings.ocr.lang, rotation=prepared.rotation,
        skew_deg=prepared.skew_deg, steps=prepared.steps,
    )
    return PageResult(page=page, pdf=engine.pdf)


def ocr_file(path: Path, settings: Settings = Settings(), *, want_pdf: bool = False) -> Iterator[PageResult]:
    """OCR every page of one scan, streaming: one page in memory at a time."""
    for page in ingest.iter_pages(path, dpi=settings.dpi):
        yield ocr_page(page, settings, want_pdf=want_pdf)


def ocr_to_outputs(
    path: Path, formats: Sequence[str], out_dir: Path, settings: Settings = Settings()
) -> DocumentResult:
    """OCR one scan and write it in each of ``formats`` to ``out_dir``, atomically."""
    results = list(ocr_file(path, settings, want_pdf="pdf" in formats))
    pages = [r.page for r in results]
    written = []
    for fmt in formats:
        target = out_dir / (path.stem + outputs.SUFFIXES[fmt])
        atomic_write(target, outputs.render(fmt, pages, str(path), [r.pdf for r in results if r.pdf]))
        written.append(str(target))
    return DocumentResult(source=str(path), pages=len(pages), outputs=tuple(written))


def read_document_text(path: Path, settings: Settings) -> tuple[str, list[OcrPage]]:
    """The document's text as read: OCR of a scan, or the (decoded, NFC) text of a .txt."""
    if ingest.detect_format(path) is ingest.Format.TEXT:
        return ingest.read_text_document(path).text, []
    pages = [r.page for r in ocr_file(path, settings)]
    return outputs.to_text(pages), pages


@dataclass(frozen=True, slots=True)
class PageSummary:
    """What the store keeps of an OCRed page."""

    page_number: int
    mean_confidence: float  # 0-100; -1 when no word was read
    preprocessing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ProcessedDocument:
    """Everything one document gave: texts, edits, structure, and the files written."""

    source: str
    name: str
    pages: tuple[PageSummary, ...]  # empty for text inputs
    raw_text: str
    corrected_text: str
    edits: tuple  # tuple[pipeline.correct.Edit, ...]
    structure: dict  # pipeline.extract.structure_to_dict(), schema-valid
    outputs: tuple[str, ...]


def process_document(
    path: Path, out_dir: Path, settings: Settings = Settings(), *, name: str | None = None
) -> ProcessedDocument:
    """The end-to-end job on one input: read (OCR) -> correct -> extract -> write the outputs.

    Written to ``out_dir`` (NAME is ``name``, by default the file's stem): NAME.raw.txt
    (text as read), NAME.txt (corrected), NAME.edits.jsonl (the corrector's edit log),
    NAME.json (header, sections, citations) and, for scans, NAME.words.json (pages, lines,
    words with boxes and confidences).
    """
    from pipeline.correct import correct
    from pipeline.extract import extract, structure_to_dict, validate_structure_dict

    name = name or path.stem
    raw, pages = read_document_text(path, settings)
    corrected = correct(raw)
    structure = structure_to_dict(extract(corrected.text))
    validate_structure_dict(structure)
    written = _write_outputs(out_dir, name, path, raw, corrected, structure, pages)
    summaries = tuple(PageSummary(p.page_number, p.mean_confidence, p.steps) for p in pages)
    return ProcessedDocument(
        source=str(path), name=name, pages=summaries, raw_text=raw, corrected_text=corrected.text,
        edits=corrected.edits, structure=structure, outputs=written,
    )


def _write_outputs(out_dir: Path, name: str, path: Path, raw: str, corrected, structure: dict,
                   pages: Sequence[OcrPage]) -> tuple[str, ...]:
    from pipeline.correct import edits_to_jsonl

    files = {
        ".raw.txt": raw,
        ".txt": corrected.text,
        ".edits.jsonl": edits_to_jsonl(corrected.edits),
        ".json": json.dumps(structure, ensure_ascii=False, indent=1) + "\n",
    }
    if pages:
        files[".words.json"] = outputs.to_json(pages, str(path))
    for suffix, content in files.items():
        atomic_write(out_dir / (name + suffix), content)
    return tuple(str(out_dir / (name + suffix)) for suffix in files)


def needs_ocr(path: Path) -> bool:
    """False for text inputs (and for files too broken to tell: they fail later, clearly)."""
    try:
        return ingest.detect_format(path) is not ingest.Format.TEXT
    except InputFileError:
        return False
