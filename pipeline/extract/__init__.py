"""Structure and citation extraction: header, section tree and cited documents of a report.

Importing this package does no I/O and does not import spaCy; :func:`nlp` does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.extract.core import extract
from pipeline.extract.records import (
    CitedDocument,
    DocumentHeader,
    Mention,
    ReportStructure,
    Section,
    Signer,
)
from pipeline.extract.serialize import SCHEMA_PATH, structure_to_dict, validate_structure_dict

if TYPE_CHECKING:  # pragma: no cover
    import spacy

__all__ = [
    "SCHEMA_PATH",
    "CitedDocument",
    "DocumentHeader",
    "Mention",
    "ReportStructure",
    "Section",
    "Signer",
    "extract",
    "nlp",
    "structure_to_dict",
    "validate_structure_dict",
]


def nlp() -> spacy.Language:
    """A blank Vietnamese spaCy pipeline with ``vanthu_sections`` and ``vanthu_citations``."""
    from pipeline.extract.spacy_components import build_nlp

    return build_nlp()
