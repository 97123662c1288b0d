"""Records -> pandas DataFrames -> rows of the existing tables, one transaction per batch.

Saving a report whose sha256 is stored already deletes that report's rows and inserts the new
ones in the same transaction, so a failure part-way leaves the previous state.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipeline.store import text as tk
from pipeline.store.records import DocumentRecord

CHILD_TABLES = ("pages", "sections", "citations", "corrections", "search_docs")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _year(date: str | None, year: int | None = None) -> int | None:
    return int(date[:4]) if date else year


def report_row(doc: DocumentRecord, run_id: int | None) -> dict:
    """The ``reports`` row of one record (header fields from the structure's ``document``)."""
    head = doc.structure.get("document") or {}
    signer = head.get("signer") or {}
    return {
        "sha256": doc.sha256, "file": doc.source, "pages": len(doc.pages),
        **{k: head.get(k) for k in ("issuer", "type", "symbol", "number", "date", "place", "title", "subject")},
        "year": _year(head.get("date")),
        "signer": " ".join(filter(None, [signer.get("title"), signer.get("name")])) or None,
        "status": "ok", "processed_at": now_iso(), "run_id": run_id,
        "pipeline_version": doc.pipeline_version,
        "model_versions": json.dumps(doc.model_versions, ensure_ascii=False, sort_keys=True),
        "raw_text": doc.raw_text, "corrected_text": doc.corrected_text,
        "structure": json.dumps(doc.structure, ensure_ascii=False),
    }


def _walk_sections(sections: list[dict], parent: int | None, prefix: str) -> Iterator[tuple[int | None, str, dict]]:
    for sec in sections:
        path = f"{prefix}.{sec['number']}" if prefix else str(sec["number"])
        yield parent, path, sec
        yield from _walk_sections(sec.get("children", []), id(sec), path)


def section_rows(doc: DocumentRecord) -> list[dict]:
    """Sections in document order; ``path`` like ``"II.2"``, parents by ordinal."""
    ordinal_of: dict[int, int] = {}
    rows = []
    for ordinal, (parent, path, sec) in enumerate(_walk_sections(doc.structure.get("sections", []), None, "")):
        ordinal_of[id(sec)] = ordinal
        rows.append({
            "ordinal": ordinal, "parent_ordinal": ordinal_of.get(parent) if parent else None, "path": path,
            **{k: sec.get(k) for k in ("kind", "number", "printed_number", "title", "level",
                                       "start_line", "end_line", "text")},
        })
    return rows


@dataclass(frozen=True, slots=True)
class DocKey:
    """The identity of a document: canonical symbol, issuer key and date, together."""

    symbol: str
    issuer_key: str
    date_key: str


def cited_document_row(citation: dict, report_head: dict) -> dict:
    """A ``cited_documents`` row; an issuer not named is the citing body's own when the
    symbol carries the same body code (a body cites its own documents without naming itself)."""
    symbol = tk.canonical_symbol(citation.get("symbol"))
    if not symbol:
        symbol = "~" + " ".join(tk.words(f"{citation.get('type') or ''} {citation.get('subject') or ''}"))
    issuer, inferred = citation.get("issuer"), False
    own_code = tk.issuer_code(report_head.get("symbol"))
    if not issuer and own_code and tk.issuer_code(symbol) == own_code and report_head.get("issuer"):
        issuer, inferred = report_head["issuer"], True
    return {
        "symbol": symbol, "issuer_key": tk.issuer_key(issuer), "date_key": citation.get("date") or "",
        "issuer": issuer, "issuer_inferred": inferred, "date": citation.get("date"),
        "year": _year(citation.get("date"), citation.get("year")),
        **{k: citation.get(k) for k in ("type", "type_code", "issuer_code", "number", "system", "subject")},
        "archived_report_id": None,
    }


def own_document_row(head: dict) -> dict | None:
    """The report itself as a document others may cite (None without a symbol)."""
    if not head.get("symbol"):
        return None
    return cited_document_row({**head, "year": _year(head.get("date"))}, {})


def key_of(row: dict) -> DocKey:
    return DocKey(row["symbol"], row["issuer_key"], row["date_key"])


def is_weak(key: DocKey, inferred: bool) -> bool:
    """A document identity whose issuer no citation named: none, or inferred from the citing
    report's own body (see :func:`cited_document_row`)."""
    return not key.issuer_key or inferred


def is_complete(key: DocKey, inferred: bool) -> bool:
    """An identity with a symbol, an issuer some citation named, and a date."""
    return not key.symbol.startswith("~") and not is_weak(key, inferred) and bool(key.date_key)


def issuer_within(short: str, long: str) -> bool:
    """Issuer key ``short`` names the body of ``long`` in the same words or fewer, cut at the end:
    "Ban Chấp hành Trung ương" and "Ban Chấp hành Trung ương Đảng khoá XI" (a term or a party
    said or not)."""
    return long == short or long.startswith(short + " ")


def fits(key: DocKey, inferred: bool, target: DocKey) -> bool:
    """``target`` may be the document that ``key`` cites with less said: the same symbol, the
    same date where ``key`` names one, and the issuer unsaid or said in fewer words ("Kết luận
    114-KL/TW của Ban Bí thư" and "Kết luận số 114-KL/TW ngày 14/7/2015 của Ban Bí thư")."""
    return (key != target and key.symbol == target.symbol
            and (is_weak(key, inferred) or issuer_within(key.issuer_key, target.issuer_key))
            and (key.date_key == target.date_key or not key.date_key))


def complete_identities(wanted: dict[DocKey, dict], stored: list[tuple[DocKey, int, bool]]) -> dict[str, list[DocKey]]:
    """symbol -> the complete identities (see :func:`is_complete`) in the batch and the store."""
    keys = [key for key, row in wanted.items() if is_complete(key, row["issuer_inferred"])]
    keys += [key for key, _, inferred in stored if is_complete(key, inferred)]
    out: dict[str, list[DocKey]] = {}
    for key in dict.fromkeys(keys):
        out.setdefault(key.symbol, []).append(key)
    return out


def identity_aliases(wanted: dict[DocKey, dict], complete: dict[str, list[DocKey]]) -> dict[DocKey, DocKey]:
    """Batch identities that say less than a complete one -> the one most complete identity
    they fit: "Quyết định số 436/QĐ-UBND ngày 11/6/2019" is the decision another sentence cites
    with "của UBND tỉnh", not a second one. Where two complete identities fit (two bodies
    number their documents alike; a numbering restarted), the citation stays apart."""
    out = {}
    for key, row in wanted.items():
        target = sole_fit(key, row["issuer_inferred"], complete)
        if target is not None:
            out[key] = target
    return out


def sole_fit(key: DocKey, inferred: bool, complete: dict[str, list[DocKey]]) -> DocKey | None:
    """The one most complete identity that ``key`` fits (those it fits may name one body in
    more and more words: the fullest is taken); None when it fits none, or several documents."""
    targets = [t for t in complete.get(key.symbol, ()) if fits(key, inferred, t)]
    fullest = [t for t in targets if not any(fits(t, False, other) for other in targets)]
    return fullest[0] if len(fullest) == 1 else None


def cited_rows(doc: DocumentRecord) -> list[dict]:
    """The ``cited_documents`` row of each citation of ``doc``, in order."""
    head = doc.structure.get("document") or {}
    return [cited_document_row(c, head) for c in doc.structure.get("citations", [])]


def mention_rows(doc: DocumentRecord, cited: list[dict] | None = None) -> list[tuple[DocKey, dict]]:
    """Each mention of each citation, with the key of the document it cites."""
    cited = cited if cited is not None else cited_rows(doc)
    out = []
    for citation, row in zip(doc.structure.get("citations", []), cited):
        key = key_of(row)
        for m in citation.get("mentions", []):
            out.append((key, {
                "line": m.get("line"), "section_path": ".".join(m.get("section") or []),
                "sentence": m.get("sentence"), "relation": m.get("relation"),
                "text": m.get("text"), "type_word": m.get("type_word"),
            }))
    return out


def correction_rows(doc: DocumentRecord) -> list[dict]:
    return [{
        "line": e.line, "column_index": e.column, "original": e.original, "correction": e.correction,
        "confidence": e.confidence, "alternatives": json.dumps([list(a) for a in e.alternatives], ensure_ascii=False),
    } for e in doc.edits]


def page_rows(doc: DocumentRecord) -> list[dict]:
    return [{"page_number": p.page_number, "mean_confidence": p.mean_confidence,
             "preprocessing": ",".join(p.preprocessing)} for p in doc.pages]


def search_rows(head: dict, sections: list[dict], mentions: list[dict]) -> list[dict]:
    """What full-text search sees: the header, each section's text, each mention's sentence."""
    header = " ".join(filter(None, [head.get("type"), head.get("symbol"), head.get("issuer"),
                                    head.get("subject")]))
    rows = [{"kind": "report", "ref": head.get("symbol"), "text": header}] if header else []
    rows += [{"kind": "section", "ref": s["path"], "text": s["text"]} for s in sections if s.get("text")]
    seen = set()
    for m in mentions:
        if m.get("sentence") and m["sentence"] not in seen:
            seen.add(m["sentence"])
            rows.append({"kind": "mention", "ref": str(m.get("line")), "text": m["sentence"]})
    for r in rows:
        r["plain"] = tk.fold(r["text"])
    return rows


def search_rows_from_tables(conn: Connection) -> list[dict]:
    """Search rows rebuilt from stored reports (used when migrating an older database)."""
    out = []
    for rid, structure in conn.execute(sa.text("SELECT id, structure FROM reports")):
        data = json.loads(structure or "{}")
        doc_like = DocumentRecord("", "0" * 64, (), data, (), "", "", "")
        sections = section_rows(doc_like)
        mentions = [m for _, m in mention_rows(doc_like)]
        out += [{**r, "report_id": rid} for r in search_rows(data.get("document") or {}, sections, mentions)]
    return out


def records(df: pd.DataFrame) -> list[dict]:
    """DataFrame -> parameter dicts, NaN as NULL."""
    if df.empty:
        return []
    return df.astype(object).where(df.notna(), None).to_dict("records")
