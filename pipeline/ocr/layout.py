"""Turn Tesseract's words into lines in reading order, keeping side-by-side columns apart.

Vietnamese official documents print two blocks side by side twice: the header (issuer and
number on the left, national motto and place/date on the right) and the closing ("Nơi
nhận" on the left, the signature block on the right). An engine that reads straight across
merges them ("HUYỆN BÌNH SƠN Độc lập - Tự do - Hạnh phúc"). Here a line is cut where a gap
between words is far wider than a word space, and a run of consecutive half-width pieces
that has pieces on both sides of the page's middle is read as two columns: the left one
top to bottom, then the right one.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from pipeline.models import BBox, OcrLine, OcrWord
from pipeline.ocr.tesseract import TsvWord

GAP_HEIGHTS = 3.0  # a gap wider than this many word heights separates columns
GAP_PAGE_SHARE = 0.05  # ... and wider than this share of the page width
STRAY_MARK_HEIGHT = 0.6  # words lower than this share of the usual word height are marks
CENTER_MARGIN = 0.02  # a piece "crosses the middle" if it extends this share past it


@dataclass(frozen=True, slots=True)
class _Piece:
    words: tuple[OcrWord, ...]
    bbox: BBox


@dataclass(frozen=True, slots=True)
class Arrangement:
    """Lines in reading order, and the boxes of stray marks dropped from them."""

    lines: tuple[OcrLine, ...]
    stray_marks: tuple[BBox, ...]


def arrange_lines(words: Iterable[TsvWord], *, page_width: int, scale: float = 1.0) -> tuple[OcrLine, ...]:
    """Lines in reading order, boxes divided by ``scale`` (prepared image -> source pixels)."""
    return arrange(words, page_width=page_width, scale=scale).lines


def arrange(words: Iterable[TsvWord], *, page_width: int, scale: float = 1.0) -> Arrangement:
    """Like :func:`arrange_lines`, also telling where stray marks were dropped."""
    pieces: list[_Piece] = []
    strays: list[BBox] = []
    keyed = sorted(words, key=lambda w: (w.block, w.par, w.line, w.left))
    typical = statistics.median(w.height for w in keyed) if keyed else 0
    for _, group in groupby(keyed, key=lambda w: (w.block, w.par, w.line)):
        line_words = [_to_word(w, scale) for w in group]
        for piece in _split_at_gaps(line_words, page_width / scale):
            if _is_stray_marks(piece.words, typical / scale):
                strays.append(piece.bbox)
            else:
                pieces.append(piece)
    pieces.sort(key=lambda p: ((p.bbox.top + p.bbox.bottom) / 2, p.bbox.left))
    ordered = _read_columns(pieces, page_width / scale)
    lines = tuple(OcrLine(words=p.words, bbox=p.bbox, block=i) for i, p in enumerate(ordered))
    return Arrangement(lines=lines, stray_marks=tuple(strays))


def _is_stray_marks(words: Sequence[OcrWord], typical_height: float) -> bool:
    """A "line" of a few tiny one- or two-letter words: diacritics of tightly set bold
    capitals that the engine cut off the line below ("Ế", "Ầ Ấ" over "PHO GIAM ĐỌC")."""
    return any(ch.isalpha() for w in words for ch in w.text) and all(
        len(w.text) <= 2 and w.bbox.height < STRAY_MARK_HEIGHT * typical_height for w in words
    )


def _to_word(w: TsvWord, scale: float) -> OcrWord:
    box = BBox(
        round(w.left / scale), round(w.top / scale),
        round((w.left + w.width) / scale), round((w.top + w.height) / scale),
    )
    return OcrWord(text=w.text, bbox=box, confidence=w.conf)


def _split_at_gaps(words: Sequence[OcrWord], page_width: float) -> list[_Piece]:
    if not words:
        return []
    height = statistics.median(w.bbox.height for w in words) or 1
    limit = max(GAP_HEIGHTS * height, GAP_PAGE_SHARE * page_width)
    runs: list[list[OcrWord]] = [[words[0]]]
    for prev, word in zip(words, words[1:]):
        if word.bbox.left - prev.bbox.right > limit:
            runs.append([])
        runs[-1].append(word)
    return [_piece(run) for run in runs]


def _piece(words: Sequence[OcrWord]) -> _Piece:
    box = words[0].bbox
    for w in words[1:]:
        box = box.union(w.bbox)
    return _Piece(tuple(words), box)


def _side(piece: _Piece, page_width: float) -> str:
    middle, margin = page_width / 2, CENTER_MARGIN * page_width
    if piece.bbox.right <= middle + margin:
        return "left"
    if piece.bbox.left >= middle - margin:
        return "right"
    return "across"


def _read_columns(pieces: Sequence[_Piece], page_width: float) -> list[_Piece]:
    """Reorder runs of half-width pieces that have both sides: left column, then right."""
    out: list[_Piece] = []
    run: list[_Piece] = []

    def flush() -> None:
        sides = {_side(p, page_width) for p in run}
        if {"left", "right"} <= sides:
            out.extend(p for p in run if _side(p, page_width) == "left")
            out.extend(p for p in run if _side(p, page_width) == "right")
        else:
            out.extend(run)
        run.clear()

    for piece in pieces:
        if _side(piece, page_width) == "across":
            flush()
            out.append(piece)
        else:
            run.append(piece)
    flush()
    return out
