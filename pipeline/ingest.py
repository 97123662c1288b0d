"""Read input files: page images from PDF, TIFF, PNG and JPEG, and text OCRed earlier.

Pages are yielded one at a time, so a 500-page PDF is never held in memory at once.
The format is decided by the file's content, and a name that says otherwise is refused
(a PNG called ``.pdf`` is more likely a mistake than a wish).
"""

from __future__ import annotations

import enum
import unicodedata
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image, ImageSequence, UnidentifiedImageError

from pipeline.encodings import decode_text
from pipeline.errors import InputFileError, UnsupportedFormatError
from pipeline.models import PageImage, TextDocument

MAX_PAGE_PIXELS = 150_000_000  # ~A3 at 800 dpi; 20,000 x 20,000 (400 M) is refused as a bomb
DEFAULT_DPI = 300
MIN_DPI, MAX_DPI = 70, 1200


class Format(enum.Enum):
    PDF = "pdf"
    TIFF = "tiff"
    PNG = "png"
    JPEG = "jpeg"
    TEXT = "text"


_MAGIC = (
    (b"%PDF", Format.PDF),
    (b"II*\x00", Format.TIFF),
    (b"MM\x00*", Format.TIFF),
    (b"\x89PNG\r\n\x1a\n", Format.PNG),
    (b"\xff\xd8\xff", Format.JPEG),
)
_SUFFIXES = {
    ".pdf": Format.PDF, ".tif": Format.TIFF, ".tiff": Format.TIFF, ".png": Format.PNG,
    ".jpg": Format.JPEG, ".jpeg": Format.JPEG, ".txt": Format.TEXT, ".text": Format.TEXT,
}
SUPPORTED_SUFFIXES = tuple(sorted(_SUFFIXES))


def detect_format(path: Path) -> Format:
    """The file's format from its first bytes, checked against its name."""
    if not path.exists():
        raise InputFileError(path, "no such file")
    if path.is_dir():
        raise InputFileError(path, "is a folder, not a file")
    if path.stat().st_size == 0:
        raise InputFileError(path, "the file is empty (0 bytes)")
    with path.open("rb") as fh:
        head = fh.read(16)
    by_content = next((fmt for magic, fmt in _MAGIC if head.startswith(magic)), None)
    by_name = _SUFFIXES.get(path.suffix.lower())
    if by_content is None:
        if by_name is Format.TEXT:
            return Format.TEXT
        if by_name is not None:
            raise InputFileError(path, f"not a valid {by_name.value.upper()} file (unrecognised content)")
        raise UnsupportedFormatError(
            path, f"unsupported format {path.suffix or '(no extension)'}",
            hint=f"vanthu reads {', '.join(SUPPORTED_SUFFIXES)}",
        )
    if by_name is not None and by_name is not by_content:
        raise InputFileError(
            path, f"the content is {by_content.value.upper()} but the name says {by_name.value.upper()}",
            hint=f"rename it to {path.stem}.{by_content.value}",
        )
    return by_content


def iter_pages(path: Path, *, dpi: int = DEFAULT_DPI) -> Iterator[PageImage]:
    """Every page of an image or PDF file, one at a time."""
    fmt = detect_format(path)
    if fmt is Format.PDF:
        yield from _pdf_pages(path, dpi)
    elif fmt is Format.TEXT:
        raise InputFileError(path, "is a text file, not a scan", hint="use `vanthu correct` for text")
    else:
        yield from _image_pages(path)


def count_pages(path: Path) -> int:
    """Number of pages without rendering them (1 for single images)."""
    fmt = detect_format(path)
    if fmt is Format.PDF:
        with _open_pdf(path) as pdf:
            return len(pdf)
    if fmt is Format.TIFF:
        with _open_image(path) as img:
            return getattr(img, "n_frames", 1)
    return 1


# --- images -----------------------------------------------------------------------------

def _open_image(path: Path) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # _check_size decides
            img = Image.open(path)
    except Image.DecompressionBombError as e:
        raise InputFileError(path, f"image too large to be a page ({e})") from e
    except (UnidentifiedImageError, OSError, SyntaxError) as e:
        raise InputFileError(path, f"corrupt or unreadable image ({e})") from e
    return img


def _image_pages(path: Path) -> Iterator[PageImage]:
    with _open_image(path) as img:
        if img.format in ("PNG", "JPEG") and "A" not in img.mode and img.mode != "P":
            _check_size(path, img.size)
            fast = _decode_gray(path)
            if fast is not None:  # OpenCV decodes twice as fast; PIL explains failures better
                yield PageImage(source=str(path), page_index=0, image=fast, dpi=_image_dpi(img))
                return
        for index, frame in enumerate(ImageSequence.Iterator(img)):
            _check_size(path, frame.size)
            try:
                array = _to_array(frame)
            except (OSError, SyntaxError, ValueError) as e:
                raise InputFileError(path, f"page {index + 1}: corrupt or truncated image data ({e})") from e
            yield PageImage(source=str(path), page_index=index, image=array, dpi=_image_dpi(frame))


def _decode_gray(path: Path) -> np.ndarray | None:
    import cv2

    data = np.fromfile(path, dtype=np.uint8)
    image = cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)
    return image if image is not None and image.size else None


def _check_size(path: Path, size: tuple[int, int]) -> None:
    width, height = size
    if width * height > MAX_PAGE_PIXELS:
        raise InputFileError(
            path, f"image of {width} x {height} pixels is too large to be a page "
            f"(limit {MAX_PAGE_PIXELS:,} pixels; possibly a decompression bomb)",
        )
    if width < 16 or height < 16:
        raise InputFileError(path, f"image of {width} x {height} pixels is too small to be a page")


def _to_array(frame: Image.Image) -> np.ndarray:
    frame.load()
    if frame.mode in ("RGBA", "LA", "P", "PA"):
        frame = _flatten_alpha(frame)
    if frame.mode in ("1", "L", "I;16", "I", "F"):
        return np.asarray(frame.convert("L"), dtype=np.uint8)
    return np.asarray(frame.convert("RGB"), dtype=np.uint8)


def _flatten_alpha(frame: Image.Image) -> Image.Image:
    rgba = frame.convert("RGBA")
    background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")


def _image_dpi(frame: Image.Image) -> int:
    dpi = frame.info.get("dpi")
    try:
        value = int(round(float(dpi[0]))) if dpi else 0
    except (TypeError, ValueError, IndexError):
        value = 0
    return value if MIN_DPI <= value <= MAX_DPI else DEFAULT_DPI


# --- PDF --------------------------------------------------------------------------------

def _open_pdf(path: Path):  # -> pdfium.PdfDocument
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as e:
        raise InputFileError(path, _why_pdf_fails(path)) from e
    if len(pdf) == 0:
        pdf.close()
        raise InputFileError(path, "the PDF has no pages")
    return pdf


def _why_pdf_fails(path: Path) -> str:
    """PDFium's error codes are unreliable (a stale global); ask pypdf what is wrong instead."""
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)  # its warnings would repeat our message
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            return "the PDF is password-protected (decrypt it first, e.g. `qpdf --decrypt`)"
        if len(reader.pages) == 0:
            return "the PDF has no pages"
    except (PyPdfError, ValueError, KeyError, OSError) as e:
        return f"corrupt or unreadable PDF ({e})"
    return "corrupt or unreadable PDF"


def _pdf_pages(path: Path, dpi: int) -> Iterator[PageImage]:
    import pypdfium2 as pdfium

    with _open_pdf(path) as pdf:
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                page_dpi = _scan_dpi(page) or dpi
                width_pt, height_pt = page.get_size()
                _check_size(path, (int(width_pt / 72 * page_dpi), int(height_pt / 72 * page_dpi)))
                bitmap = page.render(scale=page_dpi / 72, grayscale=True)
                pixels = bitmap.to_numpy()
                array = np.array(pixels[..., 0] if pixels.ndim == 3 else pixels)
            except pdfium.PdfiumError as e:
                raise InputFileError(path, f"page {index + 1} cannot be rendered ({e})") from e
            finally:
                page.close()
            yield PageImage(source=str(path), page_index=index, image=array, dpi=page_dpi)


def _scan_dpi(page) -> int | None:
    """The resolution of a scanned page: its one full-page image's pixels per inch."""
    import pypdfium2.raw as pdfium_c

    images = list(page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,), max_depth=2))
    if len(images) != 1:
        return None
    left, bottom, right, top = images[0].get_bounds()
    width_pt, _ = page.get_size()
    if (right - left) < 0.8 * width_pt:
        return None
    px_width, _ = images[0].get_px_size()
    dpi = round(px_width / ((right - left) / 72))
    return dpi if MIN_DPI <= dpi <= MAX_DPI else None


# --- text OCRed earlier -----------------------------------------------------------------

MAX_TEXT_BYTES = 64 * 1024 * 1024


def read_text_document(path: Path) -> TextDocument:
    """A text file as NFC text with ``\\n`` line ends, the decoded original kept beside it."""
    fmt = detect_format(path)
    if fmt is not Format.TEXT:
        raise InputFileError(path, f"is a {fmt.value.upper()} file, not text", hint="use `vanthu ocr` for scans")
    if path.stat().st_size > MAX_TEXT_BYTES:
        raise InputFileError(path, f"text file larger than {MAX_TEXT_BYTES // 2**20} MiB")
    return text_document_from_bytes(path.read_bytes(), str(path))


def text_document_from_bytes(data: bytes, source: str) -> TextDocument:
    """Decode, normalise line ends and NFC, once, at the boundary."""
    original, encoding = decode_text(data, source)
    text = unicodedata.normalize("NFC", original.replace("\r\n", "\n").replace("\r", "\n"))
    return TextDocument(source=source, text=text, original=original, encoding=encoding)
