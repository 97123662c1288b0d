"""Helpers shared by the store tests (imported by name: this folder is on sys.path)."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa

from pipeline.store import DocumentRecord, PageRecord


def make_record(structure: dict, name: str, text: str = "", version: str = "test-1") -> DocumentRecord:
    return DocumentRecord(
        source=f"in/{name}.pdf", sha256=hashlib.sha256(name.encode()).hexdigest(),
        pages=(PageRecord(1, 91.5, ("deskew",)), PageRecord(2, 88.0, ())), structure=structure,
        edits=(), raw_text=text, corrected_text=text, pipeline_version=version,
        model_versions={"lm": "test"},
    )


def plan(symbol: str, date: str | None, issuer: str | None, subject: str, line: int = 20) -> dict:
    """A hand-written citation of a plan (Kế hoạch) with one mention."""
    return {
        "type": "Kế hoạch", "symbol": symbol, "number": symbol.split("/")[0], "system": "state",
        "type_code": "KH", "issuer_code": symbol.split("-")[-1], "date": date,
        "year": int(date[:4]) if date else None, "issuer": issuer, "subject": subject,
        "type_conflict": False, "aliases": [],
        "mentions": [{"line": line, "text": f"Kế hoạch số {symbol}", "section": ["II"],
                      "sentence": f"Thực hiện Kế hoạch số {symbol} {subject}.", "relation": "thực hiện",
                      "type_word": "Kế hoạch"}],
    }


def report(symbol: str, issuer: str, date: str, citations: list[dict], subject: str = "Báo cáo kết quả") -> dict:
    """A hand-written report structure citing ``citations``."""
    return {
        "document": {"type": "Báo cáo", "symbol": symbol, "number": symbol.split("/")[0], "issuer": issuer,
                     "superior_body": None, "place": None, "date": date, "title": "BÁO CÁO",
                     "subject": subject, "recipients": [], "signer": None, "distribution": [],
                     "body_start_line": 5, "closing_start_line": None},
        "sections": [{"kind": "roman", "number": "I", "printed_number": "I", "title": "KẾT QUẢ", "level": 1,
                      "start_line": 5, "end_line": 30, "text": subject, "children": []}],
        "citations": citations,
    }


def reset_postgres(url: str) -> None:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
