"""JSON form of a :class:`ReportStructure` and its validation against ``report.schema.json``."""

from __future__ import annotations

import datetime as dt
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from pipeline.errors import VanthuError
from pipeline.extract.records import CitedDocument, DocumentHeader, Mention, ReportStructure, Section, Signer

SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


class StructureValidationError(VanthuError):
    """An extraction result does not match the report JSON schema (a bug, not bad input)."""


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _signer(signer: Signer | None) -> dict[str, Any] | None:
    if signer is None:
        return None
    return {"authority": list(signer.authority), "title": signer.title, "name": signer.name, "line": signer.line}


def _document(doc: DocumentHeader) -> dict[str, Any]:
    return {
        "type": doc.type,
        "symbol": doc.symbol,
        "number": doc.number,
        "issuer": doc.issuer,
        "superior_body": doc.superior_body,
        "place": doc.place,
        "date": _iso(doc.date),
        "title": doc.title,
        "subject": doc.subject,
        "recipients": list(doc.recipients),
        "signer": _signer(doc.signer),
        "distribution": list(doc.distribution),
        "body_start_line": doc.body_start_line,
        "closing_start_line": doc.closing_start_line,
    }


def _section(section: Section) -> dict[str, Any]:
    return {
        "kind": section.kind,
        "number": section.number,
        "printed_number": section.printed_number,
        "title": section.title,
        "level": section.level,
        "start_line": section.start_line,
        "end_line": section.end_line,
        "text": section.text,
        "children": [_section(c) for c in section.children],
    }


def _mention(mention: Mention) -> dict[str, Any]:
    return {
        "line": mention.line,
        "text": mention.text,
        "section": list(mention.section_path),
        "sentence": mention.sentence,
        "relation": mention.relation,
        "type_word": mention.type_word,
    }


def _citation(doc: CitedDocument) -> dict[str, Any]:
    return {
        "type": doc.type,
        "symbol": doc.symbol,
        "number": doc.number,
        "system": doc.system,
        "type_code": doc.type_code,
        "issuer_code": doc.issuer_code,
        "date": _iso(doc.date),
        "year": doc.year,
        "issuer": doc.issuer,
        "subject": doc.subject,
        "type_conflict": doc.type_conflict,
        "aliases": list(doc.aliases),
        "mentions": [_mention(m) for m in doc.mentions],
    }


def structure_to_dict(structure: ReportStructure) -> dict[str, Any]:
    """JSON-ready dict with ``document``, ``sections`` and ``citations``."""
    return {
        "document": _document(structure.document),
        "sections": [_section(s) for s in structure.sections],
        "citations": [_citation(c) for c in structure.citations],
    }


@lru_cache(maxsize=1)
def load_schema() -> dict[str, Any]:
    """The report JSON schema shipped with the package."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_structure_dict(data: dict[str, Any]) -> None:
    """Raise :class:`StructureValidationError` if ``data`` does not match the schema."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "(root)"
        raise StructureValidationError(
            f"structure does not match {SCHEMA_PATH.name} at {where}: {first.message}",
            hint=f"{len(errors)} error(s); this is a bug in the extractor, please report it",
        )
