"""The OCR stage: Tesseract through pytesseract, and the layout repair of its lines."""

from pipeline.ocr.layout import arrange_lines
from pipeline.ocr.tesseract import OcrSettings, check_environment, recognize_image

__all__ = ["OcrSettings", "arrange_lines", "check_environment", "recognize_image"]
