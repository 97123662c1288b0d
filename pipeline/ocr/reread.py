"""A second look at lines the page-level run read badly.

Tesseract's page segmentation sometimes cuts the stacked diacritics of tightly set bold
capitals off their line ("PHO GIAM ĐỌC" under a stray "Ầ Ấ Ế"), or reads such a line as
noise ("mẽ."). Read again alone (one text line, psm 7) with room above for its marks,
the same line comes back right ("PHÓ GIÁM ĐỐC"). Only weak lines and lines under dropped
marks are read again, and the new reading is kept only if the engine is surer of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import groupby

import numpy as np

from pipeline.models import BBox, OcrLine, OcrWord
from pipeline.ocr.tesseract import OcrSettings, recognize_image

WEAK_CONFIDENCE = 85.0  # mean word confidence below which a line is read again
ROOM_ABOVE = 0.6  # share of the line's height added above it for its marks
ROOM_BELOW = 0.3
TWO_LINES = 1.6  # a line box this many typical heights tall holds two lines


def mean_confidence(line: OcrLine) -> float:
    return sum(w.confidence for w in line.words) / len(line.words) if line.words else 0.0


def lines_to_reread(lines: Sequence[OcrLine], stray_marks: Sequence[BBox]) -> list[int]:
    """Indexes of weak lines, and of lines just under marks that were cut off."""
    chosen = []
    for i, line in enumerate(lines):
        if mean_confidence(line) < WEAK_CONFIDENCE or any(_under(line.bbox, m) for m in stray_marks):
            chosen.append(i)
    return chosen


def _under(line: BBox, mark: BBox) -> bool:
    overlaps = mark.left < line.right and mark.right > line.left
    return overlaps and line.top - line.height <= mark.bottom <= line.top + line.height / 2


def reread_lines(
    lines: tuple[OcrLine, ...], stray_marks: Sequence[BBox], image: np.ndarray,
    scale: float, dpi: int, settings: OcrSettings,
) -> tuple[OcrLine, ...]:
    """``lines`` with the doubtful ones replaced by a surer reading of their region."""
    if not lines:
        return lines
    typical = float(np.median([ln.bbox.height for ln in lines]))
    replacement: dict[int, tuple[OcrLine, ...]] = {}
    for i in lines_to_reread(lines, stray_marks):
        # a box two lines high is two lines the engine merged: read it as a block
        psm = 6 if lines[i].bbox.height > TWO_LINES * typical else 7
        read = _reread(lines[i], image, scale, dpi, replace(settings, psm=psm))
        others = [ln.bbox for j, ln in enumerate(lines) if j != i]
        better = tuple(ln for ln in _within(lines[i].bbox, read) if not any(_same_place(ln.bbox, o) for o in others))
        if better and _mean(better) > mean_confidence(lines[i]):
            replacement[i] = better
    return tuple(ln for i, line in enumerate(lines) for ln in replacement.get(i, (line,)))


def _within(box: BBox, lines: Sequence[OcrLine]) -> tuple[OcrLine, ...]:
    """The lines read from the region whose middle lies inside the original line's box
    (the room left for marks may catch a neighbouring line or a rule)."""
    return tuple(ln for ln in lines if box.top <= (ln.bbox.top + ln.bbox.bottom) / 2 <= box.bottom)


def _same_place(a: BBox, b: BBox) -> bool:
    """Boxes overlapping by more than half of the smaller one: the same line read twice."""
    width = min(a.right, b.right) - max(a.left, b.left)
    height = min(a.bottom, b.bottom) - max(a.top, b.top)
    if width <= 0 or height <= 0:
        return False
    return width * height > 0.5 * min(a.width * a.height, b.width * b.height)


def _mean(lines: Sequence[OcrLine]) -> float:
    confs = [w.confidence for ln in lines for w in ln.words]
    return sum(confs) / len(confs) if confs else 0.0


def _reread(line: OcrLine, image: np.ndarray, scale: float, dpi: int, settings: OcrSettings) -> tuple[OcrLine, ...]:
    b = line.bbox
    top = max(0, round((b.top - ROOM_ABOVE * b.height) * scale))
    bottom = min(image.shape[0], round((b.bottom + ROOM_BELOW * b.height) * scale))
    left = max(0, round(b.left * scale) - 20)
    right = min(image.shape[1], round(b.right * scale) + 20)
    if bottom - top < 8 or right - left < 8:
        return ()
    engine = recognize_image(image[top:bottom, left:right], settings, dpi=dpi)
    out = []
    for _, group in groupby(engine.words, key=lambda w: (w.block, w.par, w.line)):
        words = tuple(
            OcrWord(w.text, BBox(round((w.left + left) / scale), round((w.top + top) / scale),
                                 round((w.left + w.width + left) / scale), round((w.top + w.height + top) / scale)),
                    w.conf)
            for w in group
        )
        box = words[0].bbox
        for w in words[1:]:
            box = box.union(w.bbox)
        out.append(OcrLine(words=words, bbox=box, block=line.block))
    return tuple(out)
