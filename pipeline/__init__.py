"""vanthu: scanned Vietnamese administrative reports to searchable, structured data.

Importing this package does no I/O and loads no model; the functions below import their
stage lazily so that ``import pipeline`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["__version__", "correct", "extract", "nlp", "ocr_file", "process_document"]

if TYPE_CHECKING:  # pragma: no cover
    from pipeline.spine import ocr_file, process_document


def ocr_file(*args: Any, **kwargs: Any) -> Any:
    """OCR every page of one file; see :func:`pipeline.spine.ocr_file`."""
    from pipeline import spine

    return spine.ocr_file(*args, **kwargs)


def process_document(*args: Any, **kwargs: Any) -> Any:
    """Run the whole pipeline on one file; see :func:`pipeline.spine.process_document`."""
    from pipeline import spine

    return spine.process_document(*args, **kwargs)


def correct(text: str, **kwargs: Any) -> Any:
    """Restore diacritics and repair OCR damage; see :func:`pipeline.correct.correct`."""
    from pipeline.correct import correct as _correct

    return _correct(text, **kwargs)


def extract(text: str, **kwargs: Any) -> Any:
    """Extract header, sections and cited documents; see :func:`pipeline.extract.extract`."""
    from pipeline.extract import extract as _extract

    return _extract(text, **kwargs)


def nlp(**kwargs: Any) -> Any:
    """The configured spaCy pipeline; see :func:`pipeline.extract.nlp`."""
    from pipeline.extract import nlp as _nlp

    return _nlp(**kwargs)
