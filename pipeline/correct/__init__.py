"""The corrector: restore diacritics and repair OCR damage in Vietnamese text.

Importing this package does no I/O; models are loaded by :func:`load_models` (cached).
"""

from pipeline.correct.api import (
    Correction,
    CorrectorSettings,
    Edit,
    Models,
    correct,
    edits_to_jsonl,
    load_models,
)

__all__ = ["Correction", "CorrectorSettings", "Edit", "Models", "correct", "edits_to_jsonl", "load_models"]
