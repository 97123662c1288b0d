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

PLAN = "Kế hoạch"
DIRECTIVE_TYPES = ("Chỉ thị", "Nghị quyết", "Kết luận", "Quyết định", "Nghị định", "Thông tư",
                   "Luật", "Quy định")
NO_ISSUER = "(issuer not stated)"

SEPARATOR = "\x1f"  # unit separator: never inside a symbol or file name
_DOCS_SQL = """
SELECT d.id, d.type, d.year, d.symbol, d.date, d.issuer, d.subject, d.archived_report_id,
       COALESCE(m.mentions, 0) AS mentions, COALESCE(m.reports, 0) AS reports, m.cited_by
FROM cited_documents d LEFT JOIN (
  SELECT doc_id, sum(n) AS mentions, count(*) AS reports, {agg}(label, :sep) AS cited_by
  FROM (SELECT c.cited_document_id AS doc_id, c.report_id, max(COALESCE(r.symbol, r.file)) AS label,
               count(*) AS n
        FROM citations c JOIN reports r ON r.id = c.report_id
        WHERE c.cited_document_id IN (SELECT d.id FROM cited_documents d WHERE {where})
        GROUP BY c.cited_document_id, c.report_id) per_report
  GROUP BY doc_id) m ON m.doc_id = d.id
WHERE {where}
"""


def _like_pattern(text: str | None) -> str:
    key = tk.issuer_key(text)
    return "%" + re.sub(r"([%_\\])", r"\\\1", key) + "%"


def _documents(conn: Connection, types: Sequence[str], year_from: int | None, year_to: int | None,
               issuer: str | None) -> list[dict]:
    """Documents of ``types``, one entry each: mentions, and the reports citing them."""
    names = {f"t{i}": t for i, t in enumerate(types)}
    where = f"d.type IN ({', '.join(f':{n}' for n in names)})"
    where += (" AND d.year >= :year_from" if year_from is not None else "") + (
        " AND d.year <= :year_to" if year_to is not None else "")
    if issuer:
        where += " AND d.issuer_key LIKE :issuer ESCAPE '\\'"
    agg = "group_concat" if conn.dialect.name == "sqlite" else "string_agg"
    params = {**names, "year_from": year_from, "year_to": year_to, "issuer": _like_pattern(issuer),
              "sep": SEPARATOR}
    out = []
    for row in fetch(conn, _DOCS_SQL.format(agg=agg, where=where), params).dicts():
        out.append({
            **{k: row[k] for k in ("type", "year", "symbol", "date", "issuer", "subject")},
            "in_archive": row["archived_report_id"] is not None, "mentions": int(row["mentions"]),
            "reports": int(row["reports"]),
            "cited_by": sorted(set(row["cited_by"].split(SEPARATOR))) if row["cited_by"] else [],
        })
    return out


def plans_by_year(url: str | Path, *, issuer: str | None = None, year_from: int | None = None,
                  year_to: int | None = None) -> list[dict]:
    """Plans (Kế hoạch) per year, archived or cited, identified by symbol, issuer and date."""
    with open_reader(url) as conn:
        docs = _documents(conn, [PLAN], year_from, year_to, issuer)
    keys = ("year", "symbol", "date", "issuer", "subject", "in_archive", "cited_by")
    rows = [{k: d[k] for k in keys} for d in docs]
    return sorted(rows, key=lambda r: (r["year"] or 0, r["date"] or "", r["symbol"], r["issuer"] or ""))


def directives(url: str | Path, *, types: Sequence[str] = DIRECTIVE_TYPES, limit: int | None = None) -> list[dict]:
    """Cited directives, the most cited first: how often and by which reports."""
    with open_reader(url) as conn:
        docs = [d for d in _documents(conn, types, None, None, None) if d["mentions"]]
    keys = ("type", "symbol", "date", "issuer", "subject", "mentions", "cited_by")
    rows = [{**{k: d[k] for k in keys}, "reports": d["reports"]} for d in docs]
    rows.sort(key=lambda r: (-r["reports"], -r["mentions"], r["symbol"], r["date"] or "", r["issuer"] or ""))
    return rows[:limit] if limit else rows


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
    return (head.format(score="-ts_rank(to_tsvector('simple', s.plain), plainto_tsquery('simple', :q))")
            + "WHERE to_tsvector('simple', s.plain) @@ plainto_tsquery('simple', :q) "
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
