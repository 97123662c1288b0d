"""Typed, immutable records handed between the OCR-side stages.

Units: pixel coordinates are integers in the page image as OCRed (after orientation fix
and any upscaling, expressed back in the *source* page's pixel grid); confidence is 0-100
as Tesseract reports it; ``page_index`` is 0-based, ``page_number`` 1-based.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True, slots=True)
class BBox:
    """An axis-aligned box in pixels: left, top inclusive; right, bottom exclusive."""

    left: int
    top: int
    right: int
    bottom: int

    def __post_init__(self) -> None:
        if self.right < self.left or self.bottom < self.top:
            raise ValueError(f"malformed box {self}")

    @property
    def width(self) -> int:
        return self.right - self.left

    @property
    def height(self) -> int:
        return self.bottom - self.top

    def union(self, other: BBox) -> BBox:
        return BBox(
            min(self.left, other.left),
            min(self.top, other.top),
            max(self.right, other.right),
            max(self.bottom, other.bottom),
        )


@dataclass(frozen=True, slots=True)
class PageImage:
    """One page as read from the input file, before any clean-up."""

    source: str
    page_index: int
    image: np.ndarray = field(repr=False, compare=False)  # uint8, gray (H, W) or RGB (H, W, 3)
    dpi: int

    @property
    def page_number(self) -> int:
        return self.page_index + 1


@dataclass(frozen=True, slots=True)
class PreparedPage:
    """A page after preprocessing, ready for the OCR engine.

    ``scale`` maps prepared pixels back to source pixels (source = prepared / scale).
    ``steps`` names the preprocessing steps that changed the image, in order.
    """

    source: str
    page_index: int
    image: np.ndarray = field(repr=False, compare=False)  # uint8 gray (H, W)
    dpi: int
    scale: float
    rotation: int  # degrees clockwise applied to the source to make it upright: 0/90/180/270
    skew_deg: float
    steps: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OcrWord:
    text: str  # NFC
    bbox: BBox
    confidence: float  # 0-100; -1 when the engine gave none

    def __post_init__(self) -> None:
        if not unicodedata.is_normalized("NFC", self.text):
            raise ValueError(f"OcrWord text is not NFC: {self.text!r}")


@dataclass(frozen=True, slots=True)
class OcrLine:
    words: tuple[OcrWord, ...]
    bbox: BBox
    block: int  # layout region index in reading order (0-based)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


@dataclass(frozen=True, slots=True)
class OcrPage:
    """The OCR result of one page, lines in reading order."""

    source: str
    page_index: int
    width: int
    height: int
    dpi: int
    lines: tuple[OcrLine, ...]
    engine: str  # e.g. "tesseract 5.3.0"
    lang: str
    rotation: int = 0
    skew_deg: float = 0.0
    steps: tuple[str, ...] = ()

    @property
    def page_number(self) -> int:
        return self.page_index + 1

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    @property
    def mean_confidence(self) -> float:
        confs = [w.confidence for ln in self.lines for w in ln.words if w.confidence >= 0]
        return sum(confs) / len(confs) if confs else -1.0


@dataclass(frozen=True, slots=True)
class TextDocument:
    """A document that arrived as text (OCRed earlier): NFC text plus the original as read."""

    source: str
    text: str  # NFC, newlines normalised to \n
    original: str  # decoded text before NFC and conversion
    encoding: str  # what it was decoded from, e.g. "utf-8", "utf-16", "tcvn3", "vni"

    def __post_init__(self) -> None:
        if not unicodedata.is_normalized("NFC", self.text):
            raise ValueError("TextDocument.text must be NFC")
