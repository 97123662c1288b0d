"""Reading official-document source texts from JSON (the format of ``samples/sources``).

A source file holds ``id``, ``provenance``, ``licence`` and ``document``; ``document``
has the fields of :class:`~pipeline.render.document.OfficialDocument` (lists for the
tuples), and each body paragraph is ``{"kind": ..., "text": "..."}`` (wrapped by the
renderer) or ``{"kind": ..., "lines": [...]}`` (printed lines as in a known original).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.errors import InputFileError
from pipeline.render.document import OfficialDocument, Paragraph

_TUPLE_FIELDS = (
    "issuing_body", "subject", "recipients", "signature", "superior_body", "addressees"
)
_KINDS = ("text", "heading", "basis", "centered")


def paragraph_from_dict(data: Mapping[str, Any]) -> Paragraph:
    """A body paragraph from ``{"kind", "text"}`` or ``{"kind", "lines"}``."""
    kind = data.get("kind", "text")
    if kind not in _KINDS:
        raise ValueError(f"unknown paragraph kind {kind!r}; known: {', '.join(_KINDS)}")
    text = "\n".join(data["lines"]) if "lines" in data else data["text"]
    return Paragraph(unicodedata.normalize("NFC", text), kind)


def document_from_dict(data: Mapping[str, Any]) -> OfficialDocument:
    """An :class:`OfficialDocument` from the ``document`` object of a source file."""
    fields: dict[str, Any] = {
        name: tuple(data.get(name, ())) for name in _TUPLE_FIELDS if name in data
    }
    for name in ("number", "place_date", "doc_type", "signer"):
        fields[name] = data[name]
    fields["body"] = tuple(paragraph_from_dict(p) for p in data["body"])
    return OfficialDocument(**fields)


def load_source(path: Path) -> tuple[dict[str, Any], OfficialDocument]:
    """The metadata (id, provenance, licence) and the document of one source file."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        meta = {key: data[key] for key in ("id", "provenance", "licence")}
        return meta, document_from_dict(data["document"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputFileError(path, f"not a valid document source: {exc}") from exc
