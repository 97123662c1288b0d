"""What the spine hands the store for one processed report."""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.correct.api import Edit
from pipeline.fsutil import file_sha256


@dataclass(frozen=True, slots=True)
class PageRecord:
    """One OCR page: ``page_number`` 1-based, ``mean_confidence`` 0-100 (-1 when unknown)."""

    page_number: int
    mean_confidence: float
    preprocessing: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    """One report as processed: its structure dict (pipeline.extract), texts and edit log.

    ``sha256`` is the digest of the input file and identifies the report: saving a record whose
    sha256 is already stored replaces that report's rows.
    """

    source: str
    sha256: str
    pages: tuple[PageRecord, ...]
    structure: dict
    edits: tuple[Edit, ...]
    raw_text: str
    corrected_text: str
    pipeline_version: str
    model_versions: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if len(self.sha256) != 64:
            raise ValueError(f"sha256 must be 64 hex digits, got {self.sha256!r}")


def record_from_outputs(
    source: Path, out_dir: Path, name: str, *, pipeline_version: str,
    model_versions: dict[str, str] | None = None,
) -> DocumentRecord:
    """Build a record from the files ``vanthu process`` wrote for NAME in ``out_dir``."""
    def read(suffix: str) -> str:
        path = out_dir / f"{name}{suffix}"
        return unicodedata.normalize("NFC", path.read_text(encoding="utf-8")) if path.exists() else ""

    edits = tuple(
        Edit(e["line"], e["column"], e["original"], e["correction"], e["confidence"],
             tuple((a, s) for a, s in e.get("alternatives", [])))
        for e in map(json.loads, filter(None, read(".edits.jsonl").splitlines()))
    )
    words = json.loads(read(".words.json") or "{}")
    pages = tuple(
        PageRecord(p.get("page_number", i + 1), float(p.get("mean_confidence", -1)), tuple(p.get("preprocessing", ())))
        for i, p in enumerate(words.get("pages", []))
    )
    return DocumentRecord(
        source=str(source), sha256=file_sha256(source), pages=pages,
        structure=json.loads(read(".json")), edits=edits, raw_text=read(".raw.txt"),
        corrected_text=read(".txt"), pipeline_version=pipeline_version,
        model_versions=dict(model_versions or {}),
    )
