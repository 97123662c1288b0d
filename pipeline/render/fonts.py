"""Serif fonts with full Vietnamese coverage, looked up by a short family name.

Only fonts whose glyph set covers every precomposed Vietnamese letter are listed:
Liberation Serif 2.x (metric-compatible with Times New Roman, the font Vietnamese offices
print with) and TeX Gyre Termes. Liberation 1.x lacks some of these glyphs, so its paths
are deliberately not used.

Text is laid out with Pillow's basic layout engine (no kerning, no shaping): the
documents are NFC, every letter is a single precomposed glyph, and the result does not
depend on whether the machine has libraqm.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from pipeline.errors import MissingDependencyError

_LIBERATION2 = Path("/usr/share/fonts/truetype/liberation2")
_TERMES = Path("/usr/share/texmf/fonts/opentype/public/tex-gyre")

# family -> (regular, bold, italic, bold italic)
FONT_FILES: dict[str, tuple[Path, Path, Path, Path]] = {
    "liberation-serif": (
        _LIBERATION2 / "LiberationSerif-Regular.ttf",
        _LIBERATION2 / "LiberationSerif-Bold.ttf",
        _LIBERATION2 / "LiberationSerif-Italic.ttf",
        _LIBERATION2 / "LiberationSerif-BoldItalic.ttf",
    ),
    "termes": (
        _TERMES / "texgyretermes-regular.otf",
        _TERMES / "texgyretermes-bold.otf",
        _TERMES / "texgyretermes-italic.otf",
        _TERMES / "texgyretermes-bolditalic.otf",
    ),
}

FONT_PACKAGES = {"liberation-serif": "fonts-liberation2", "termes": "tex-gyre"}


@dataclass(frozen=True, slots=True)
class TextStyle:
    """How one printed line looks: family, size in points, weight and slant."""

    family: str = "liberation-serif"
    size_pt: float = 13.0
    bold: bool = False
    italic: bool = False


def font_path(family: str, *, bold: bool = False, italic: bool = False) -> Path:
    """The font file of one family and style; raises if the family is unknown or missing."""
    if family not in FONT_FILES:
        known = ", ".join(sorted(FONT_FILES))
        raise ValueError(f"unknown font family {family!r}; known: {known}")
    path = FONT_FILES[family][int(bold) + 2 * int(italic)]
    if not path.is_file():
        raise MissingDependencyError(
            f"font file {path} not found",
            hint=f"install the Debian package {FONT_PACKAGES[family]}",
        )
    return path


def points_to_pixels(size_pt: float, dpi: int) -> int:
    """A font size in points as a whole number of pixels at the given resolution."""
    return max(1, round(size_pt * dpi / 72))


def mm_to_pixels(length_mm: float, dpi: int) -> int:
    """A length in millimetres as a whole number of pixels at the given resolution."""
    return round(length_mm * dpi / 25.4)


@lru_cache(maxsize=64)
def load_font(style: TextStyle, dpi: int) -> ImageFont.FreeTypeFont:
    """The Pillow font for a style at a resolution (cached; fonts are immutable)."""
    path = font_path(style.family, bold=style.bold, italic=style.italic)
    return ImageFont.truetype(
        str(path), points_to_pixels(style.size_pt, dpi), layout_engine=ImageFont.Layout.BASIC
    )


def text_width(text: str, style: TextStyle, dpi: int) -> float:
    """Advance width of a text in pixels."""
    return load_font(style, dpi).getlength(text)
