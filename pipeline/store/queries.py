"""The analysts' and auditors' questions: plans by year, cited directives, recurring-plan
compliance, full-text search. All SQL binds its parameters; grouping is done in Python so that
SQLite and PostgreSQL give the same answers."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy.engine import Connection

from pipeline.store import text as tk
from pipeline.store.reader import Table, fetch, open_reader

from pipeline.store.names import DIRECTIVE_TYPES, PLAN  # noqa: E402  (re-exported)
NO_ISSUER = "(issuer not stated)"

_DOCS_SQL = """
SELECT d.id, d.type, d.year, d.symbol, d.date, d.issuer, d.subject, d.archived_report_id,
       d.mentions, d.reports
FROM cited_documents d WHERE {where} {tail}
"""
_CITED_BY_SQL = """
SELECT DISTINCT c.cited_document_id, COALESCE(r.symbol, r.file) AS label
FROM citations c JOIN reports r ON r.id = c.report_id
WHERE c.cited_document_id IN (SELECT d.id FROM cited_documents d WHERE {where} {tail})
"""


def _like_pattern(text: str | None) -> str:
    key = tk.issuer_key(text)
    return "%" + re.sub(r"([%_\\])", r"\\\1", key) + "%"


def _where(types: Sequence[str], year_from: int | None, year_to: int | None, issuer: str | None) -> tuple[str, dict]:
    """The filter on cited documents and its bound parameters."""
    params: dict = {f"t{i}": t for i, t in enumerate(types)}
    where = f"d.type IN ({', '.join(':' + n for n in params)})"
    if year_from is not None:
        where, params["year_from"] = where + " AND d.year >= :year_from", year_from
    if year_to is not None:
        where, params["year_to"] = where + " AND d.year <= :year_to", year_to
    if issuer:
        where, params["issuer"] = where + " AND d.issuer_key LIKE :issuer ESCAPE '\\'", _like_pattern(issuer)
    return where, params


def _cited_by(conn: Connection, where: str, tail: str, params: dict) -> dict[int, list[str]]:
    """The reports (symbol, else file) citing each selected document."""
    out: dict[int, set[str]] = defaultdict(set)
    for doc_id, label in fetch(conn, _CITED_BY_SQL.format(where=where, tail=tail), params).rows:
        out[doc_id].add(label)
    return {k: sorted(v) for k, v in out.items()}


def _documents(conn: Connection, types: Sequence[str], year_from: int | None, year_to: int | None,
               issuer: str | None, *, tail: str = "", extra: dict | None = None) -> list[dict]:
    """Documents of ``types``, one entry each: mentions, citing reports and their labels."""
    where, params = _where(types, year_from, year_to, issuer)
    params.update(extra or {})
    rows = fetch(conn, _DOCS_SQL.format(where=where, tail=tail), params).dicts()
    cited_by = _cited_by(conn, where, tail, params)
    return [{
        **{k: r[k] for k in ("type", "year", "symbol", "date", "issuer", "subject", "mentions", "reports")},
        "in_archive": r["archived_report_id"] is not None, "cited_by": cited_by.get(r["id"], []),
    } for r in rows]


def plans_by_year(url: str | Path, *, issuer: str | None = None, year_from: int | None = None,
                  year_to: int | None = None) -> list[dict]:
    """Plans (Kế hoạch) per year, archived or cited, identified by symbol, issuer and date."""
    with open_reader(url) as conn:
        docs = _documents(conn, [PLAN], year_from, year_to, issuer)
    keys = ("year", "symbol", "date", "issuer", "subject", "in_archive", "cited_by")
    rows = [{k: d[k] for k in keys} for d in docs]
    return sorted(rows, key=lambda r: (r["year"] or 0, r["date"] or "", r["symbol"], r["issuer"] or ""))


def _directive_order(dialect: str) -> str:
    """Most cited first; ties in code-point order on both backends (as Python sorts)."""
    c = ' COLLATE "C"' if dialect == "postgresql" else ""
    return (f"AND d.mentions > 0 ORDER BY d.reports DESC, d.mentions DESC, d.symbol{c}, "
            f"COALESCE(d.date, ''){c}, COALESCE(d.issuer, ''){c}")


def directives(url: str | Path, *, types: Sequence[str] = DIRECTIVE_TYPES, limit: int | None = 100) -> list[dict]:
    """Cited directives, the most cited first (``limit`` of them; None for all): how often
    and by which reports."""
    with open_reader(url) as conn:
        tail = _directive_order(conn.dialect.name) + (" LIMIT :limit" if limit else "")
        docs = _documents(conn, types, None, None, None, tail=tail, extra={"limit": limit} if limit else None)
    keys = ("type", "symbol", "date", "issuer", "subject", "mentions", "reports", "cited_by")
    rows = [{k: d[k] for k in keys} for d in docs]
    rows.sort(key=lambda r: (-r["reports"], -r["mentions"], r["symbol"], r["date"] or "", r["issuer"] or ""))
    return rows


def _subject_matches(subject: str | None, wanted: list[str]) -> bool:
    have = tk.words(subject or "")
    n = len(wanted)
    return any(have[i:i + n] == wanted for i in range(len(have) - n + 1))


def compliance(url: str | Path, *, doc_type: str = PLAN, subject: str = "", year_from: int,
               year_to: int, issuer: str | None = None) -> list[dict]:
    """Issuer x year: which issuers have a document of ``doc_type`` on ``subject`` each year,
    and where one is missing. One row per issuer and year, ``present`` False for a gap."""
    wanted = tk.words(subject)
    with open_reader(url) as conn:
        docs = [d for d in _documents(conn, [doc_type], year_from, year_to, issuer)
                if _subject_matches(d["subject"], wanted) and d["year"] is not None]
    found: dict[str, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    names: dict[str, str] = {}
    for d in docs:
        key = tk.issuer_key(d["issuer"])
        names.setdefault(key, d["issuer"] or NO_ISSUER)
        found[key][d["year"]].append(d["symbol"])
    return [
        {"issuer": names[key], "year": year, "present": bool(found[key].get(year)),
         "symbols": sorted(found[key].get(year, []))}
        for key in sorted(found, key=lambda k: names[k]) for year in range(year_from, year_to + 1)
    ]


def _search_sql(dialect: str) -> str:
    head = ("SELECT s.report_id, r.symbol AS report, r.file, s.kind, s.ref, s.text, {score} AS score "
            "FROM search_docs s JOIN reports r ON r.id = s.report_id ")
    if dialect == "sqlite":
        return (head.format(score="bm25(search_fts)") + "JOIN search_fts ON search_fts.rowid = s.id "
                "WHERE search_fts MATCH :q ORDER BY score, s.id LIMIT :limit")
    return (head.format(score="-ts_rank(s.tsv, plainto_tsquery('simple', :q))")
            + "WHERE s.tsv @@ plainto_tsquery('simple', :q) "
            "ORDER BY score, s.id LIMIT :limit")


def search(url: str | Path, query: str, *, limit: int = 20) -> list[dict]:
    """Full-text search with or without diacritics, best first, with snippets."""
    terms = tk.words(query)
    if not terms:
        return []
    with open_reader(url) as conn:
        dialect = conn.dialect.name
        q = " ".join(f'"{t}"' for t in terms) if dialect == "sqlite" else " ".join(terms)
        table: Table = fetch(conn, _search_sql(dialect), {"q": q, "limit": limit})
    return [{
        "report": r["report"] or Path(r["file"]).name, "kind": r["kind"], "ref": r["ref"],
        "score": round(-float(r["score"]), 4), "snippet": tk.snippet(r["text"], terms),
    } for r in table.dicts()]
