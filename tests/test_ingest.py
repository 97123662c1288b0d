"""Ingest: formats by content, streaming pages, and every kind of bad input."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from pipeline import ingest
from pipeline.encodings import _TCVN3, decode_text
from pipeline.errors import EncodingError, InputFileError, UnsupportedFormatError


def _png(path: Path, size=(200, 100), dpi=300) -> Path:
    Image.new("L", size, 255).save(path, format="PNG", dpi=(dpi, dpi))
    return path


def _fake_png_header(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims ``width`` x ``height`` (a decompression bomb, without the RAM)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 10))
                     + chunk(b"IEND", b""))
    return path


@pytest.mark.parametrize("name, fmt", [("a.png", ingest.Format.PNG), ("a.jpg", ingest.Format.JPEG),
                                       ("a.tif", ingest.Format.TIFF), ("a.pdf", ingest.Format.PDF)])
def test_detect_format_by_content(tmp_path, name, fmt):
    path = tmp_path / name
    Image.new("L", (50, 50), 255).save(path, **({"resolution": 300} if name.endswith("pdf") else {}))
    assert ingest.detect_format(path) is fmt


def test_multipage_tiff_streams_every_page_with_dpi(tmp_path):
    path = tmp_path / "scan.tif"
    frames = [Image.new("L", (120, 80), v) for v in (10, 128, 250)]
    frames[0].save(path, save_all=True, append_images=frames[1:], dpi=(200, 200), compression="tiff_lzw")
    pages = list(ingest.iter_pages(path))
    assert [p.page_index for p in pages] == [0, 1, 2]
    assert [int(p.image.mean()) for p in pages] == [10, 128, 250]
    assert all(p.dpi == 200 for p in pages)
    assert ingest.count_pages(path) == 3


def test_pdf_pages_render_at_the_scan_resolution(tmp_path):
    path = tmp_path / "scan.pdf"
    frames = [Image.new("L", (1240, 1754), 255) for _ in range(2)]  # A4 at 150 dpi
    frames[0].save(path, save_all=True, append_images=frames[1:], resolution=150)
    pages = list(ingest.iter_pages(path))
    assert len(pages) == 2
    assert pages[0].dpi == 150
    assert abs(pages[0].image.shape[1] - 1240) <= 2


def test_rgba_png_is_flattened_on_white(tmp_path):
    path = tmp_path / "alpha.png"
    Image.new("RGBA", (40, 40), (0, 0, 0, 0)).save(path)
    page = next(ingest.iter_pages(path))
    assert page.image.min() == 255


def _truncated_png(tmp_path: Path) -> Path:
    full = tmp_path / "full.png"
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (300, 300), dtype=np.uint8)).save(full)
    cut = tmp_path / "truncated.png"
    cut.write_bytes(full.read_bytes()[:2000])
    return cut


def _encrypted_pdf(tmp_path: Path) -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt(user_password="secret", owner_password="owner")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    return path


def _pageless_pdf(tmp_path: Path) -> Path:
    from pypdf import PdfWriter

    path = tmp_path / "empty.pdf"
    with path.open("wb") as fh:
        PdfWriter().write(fh)
    return path


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


BAD_INPUTS = {
    "zero bytes": (lambda t: _write(t / "zero.png", b""), "empty"),
    "missing": (lambda t: t / "nowhere.png", "no such file"),
    "truncated png": (_truncated_png, "corrupt or truncated"),
    "corrupt pdf": (lambda t: _write(t / "bad.pdf", b"%PDF-1.7\n garbage"), "PDF"),
    "password pdf": (_encrypted_pdf, "password"),
    "pdf without pages": (_pageless_pdf, "no pages"),
    "png named pdf": (lambda t: _png(t / "image.pdf"), "content is PNG"),
    "unsupported": (lambda t: _write(t / "a.docx", b"PK\x03\x04zip"), "unsupported format"),
    "bomb 20000x20000": (lambda t: _fake_png_header(t / "bomb.png", 20000, 20000), "too large"),
    "random bytes as png": (lambda t: _write(t / "noise.png", b"\x01\x02" * 100), "not a valid PNG"),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_bad_input_gives_a_clear_error_naming_the_file(tmp_path, case):
    make, reason = BAD_INPUTS[case]
    path = make(tmp_path)
    with pytest.raises(InputFileError) as info:
        list(ingest.iter_pages(path))
    assert str(path) in str(info.value)
    assert reason.lower() in str(info.value).lower()


def test_unsupported_format_names_what_is_supported(tmp_path):
    path = tmp_path / "notes.odt"
    path.write_bytes(b"PK\x03\x04")
    with pytest.raises(UnsupportedFormatError) as info:
        ingest.detect_format(path)
    assert ".pdf" in info.value.hint


TEXT = "Quyết định số 436/QĐ-UBND của Ủy ban nhân dân tỉnh Quảng Ngãi về công tác dân vận"
_TCVN3_ENCODE = {ch: bytes([b]) for b, ch in _TCVN3.items() if len(ch) == 1}


def _tcvn3(text: str) -> bytes:
    return b"".join(_TCVN3_ENCODE[ch] if ch in _TCVN3_ENCODE else ch.encode("ascii") for ch in text)


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8"),
    (TEXT.encode("utf-16"), "utf-16"),
    (TEXT.encode("utf-16-le"), "utf-16-le"),
    (_tcvn3(TEXT), "tcvn3"),
])
def test_text_encodings_are_detected_and_converted(data, encoding):
    text, found = decode_text(data, "x.txt")
    assert found == encoding
    assert text == TEXT


def test_windows_1258_with_combining_marks_is_converted_to_nfc(tmp_path):
    import unicodedata

    # Windows-1258 writes a toned letter as its base letter plus a combining tone mark.
    path = tmp_path / "old.txt"
    path.write_bytes("Ti\u00ea\u0301ng Vi\u00ea\u0323t".encode("cp1258"))
    doc = ingest.read_text_document(path)
    assert doc.encoding == "windows-1258"
    assert doc.text == "Tiếng Việt"
    assert unicodedata.is_normalized("NFC", doc.text)


@pytest.mark.parametrize("data, message", [
    ("Vieät Nam, Quyeát ñònh soá 436 cuûa UBND tænh veà coâng taùc".encode("cp1252"), "VNI"),
    (bytes(range(256)) * 4, "binary"),
])
def test_unconvertible_text_is_refused_with_advice(tmp_path, data, message):
    path = tmp_path / "legacy.txt"
    path.write_bytes(data)
    with pytest.raises(EncodingError) as info:
        ingest.read_text_document(path)
    assert message in str(info.value)


def test_text_document_keeps_the_original_beside_the_nfc_text(tmp_path):
    import unicodedata

    path = tmp_path / "nfd.txt"
    path.write_bytes(unicodedata.normalize("NFD", TEXT).replace(" ", "\r\n", 1).encode("utf-8"))
    doc = ingest.read_text_document(path)
    assert doc.text == TEXT.replace(" ", "\n", 1)
    assert doc.original != doc.text
    assert unicodedata.normalize("NFC", doc.original.replace("\r\n", "\n")) == doc.text
