"""OCR of whole pages in every orientation, and the searchable PDF output."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from pipeline.cli import main
from pipeline.errors import ExitCode
from pipeline.metrics import cer
from pipeline.spine import ocr_file


@pytest.mark.tesseract
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_a_page_in_any_orientation_reads_as_well_as_upright(tmp_path, clean_page, turn):
    image, dpi, truth = clean_page
    path = tmp_path / f"turned{turn}.png"
    image.rotate(turn, expand=True).save(path, dpi=(dpi, dpi))
    (result,) = list(ocr_file(path))
    assert result.page.rotation == turn  # PIL turned it counter-clockwise; vanthu turns it back clockwise
    assert cer(result.page.text, truth) <= 0.003


@pytest.mark.tesseract
def test_searchable_pdf_carries_the_text_over_the_page_image(tmp_path, clean_png):
    import pypdfium2 as pdfium

    out = tmp_path / "out"
    assert main(["ocr", str(clean_png), "-o", str(out), "-f", "pdf", "-f", "hocr", "-f", "alto"]) == ExitCode.OK
    pdf = pdfium.PdfDocument(str(out / "page.pdf"))
    text = pdf[0].get_textpage().get_text_range()
    assert "Kế hoạch số 96/KH-UBND" in " ".join(text.split())
    pixels = pdf[0].render(scale=0.5).to_numpy()
    assert np.asarray(pixels).min() < 100  # the page image is there, not only invisible text
    assert (out / "page.hocr").read_text().count("ocrx_word") > 50
    assert "<String" in (out / "page.alto.xml").read_text()


@pytest.mark.tesseract
def test_a_blank_page_gives_no_text_and_no_error(tmp_path):
    path = tmp_path / "blank.png"
    Image.new("L", (2480, 3508), 255).save(path, dpi=(300, 300))
    (result,) = list(ocr_file(path))
    assert result.page.text == ""
