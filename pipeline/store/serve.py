"""``vanthu serve``: a read-only Datasette over the SQLite store, with canned queries."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from pipeline.errors import MissingDependencyError, StoreError
from pipeline.store.db import is_postgres, sqlite_path
from pipeline.store.reader import open_reader

PLUGINS_DIR = Path(__file__).resolve().parent / "datasette_plugins"

_YEARS = ("(:year_from = '' OR d.year >= CAST(:year_from AS INTEGER)) "
          "AND (:year_to = '' OR d.year <= CAST(:year_to AS INTEGER))")
_CITED_BY = "group_concat(DISTINCT COALESCE(r.symbol, r.file))"

CANNED = {
    "plans_by_year": {
        "title": "Plans (Kế hoạch) by year",
        "description": "Each plan, archived or cited, identified by symbol, issuer and date; "
                       "the reports that cite it. Leave a year empty for no bound.",
        "sql": f"""SELECT d.year, d.symbol, d.date, d.issuer, d.subject,
  d.archived_report_id IS NOT NULL AS in_archive, {_CITED_BY} AS cited_by
FROM cited_documents d LEFT JOIN citations c ON c.cited_document_id = d.id
LEFT JOIN reports r ON r.id = c.report_id
WHERE d.type = 'Kế hoạch' AND {_YEARS}
GROUP BY d.id ORDER BY d.year, d.date, d.symbol""",
    },
    "most_cited_directives": {
        "title": "Most-cited directives",
        "sql": f"""SELECT d.type, d.symbol, d.date, d.issuer, d.subject,
  count(c.id) AS mentions, count(DISTINCT c.report_id) AS reports, {_CITED_BY} AS cited_by
FROM cited_documents d JOIN citations c ON c.cited_document_id = d.id
JOIN reports r ON r.id = c.report_id
WHERE d.type IN ('Chỉ thị', 'Nghị quyết', 'Kết luận', 'Quyết định', 'Nghị định', 'Thông tư', 'Luật', 'Quy định')
GROUP BY d.id ORDER BY reports DESC, mentions DESC, d.symbol LIMIT 100""",
    },
    "missing_plans": {
        "title": "Missing plans: issuer × year",
        "description": "For plans whose subject contains the words given (with or without "
                       "diacritics), each issuer and year, and whether a plan exists.",
        "sql": """WITH RECURSIVE years(y) AS (
  SELECT CAST(:year_from AS INTEGER) UNION ALL SELECT y + 1 FROM years WHERE y < CAST(:year_to AS INTEGER)),
plans AS (SELECT * FROM cited_documents WHERE type = 'Kế hoạch'
  AND (:subject = '' OR ' ' || vanthu_fold(subject) || ' ' LIKE '% ' || vanthu_fold(:subject) || ' %')),
issuers AS (SELECT issuer_key, max(COALESCE(issuer, '(issuer not stated)')) AS issuer FROM plans GROUP BY issuer_key)
SELECT i.issuer, years.y AS year, count(p.id) > 0 AS present, group_concat(p.symbol) AS symbols
FROM issuers i CROSS JOIN years LEFT JOIN plans p ON p.issuer_key = i.issuer_key AND p.year = years.y
GROUP BY i.issuer_key, years.y ORDER BY i.issuer, years.y""",
    },
    "search": {
        "title": "Full-text search (with or without diacritics)",
        "sql": """SELECT COALESCE(r.symbol, r.file) AS report, s.report_id, s.kind, s.ref,
  snippet(search_fts, 0, '[', ']', '…', 12) AS snippet_folded, s.text
FROM search_fts JOIN search_docs s ON s.id = search_fts.rowid JOIN reports r ON r.id = s.report_id
WHERE search_fts MATCH vanthu_fts(:q) ORDER BY bm25(search_fts) LIMIT 50""",
    },
    "report": {
        "title": "One report: header and the documents it cites",
        "sql": """SELECT r.id, r.file, r.type, r.symbol, r.date, r.issuer, r.subject, d.type AS cited_type,
  d.symbol AS cited_symbol, d.date AS cited_date, d.issuer AS cited_issuer, c.line, c.relation, c.sentence
FROM reports r LEFT JOIN citations c ON c.report_id = r.id
LEFT JOIN cited_documents d ON d.id = c.cited_document_id
WHERE r.id = CAST(:id AS INTEGER) ORDER BY c.line""",
    },
}


def metadata(db_name: str) -> dict:
    """Datasette metadata: title, canned queries, labels for report rows."""
    return {
        "title": "vanthu: reports, citations and plans",
        "databases": {db_name: {
            "queries": CANNED,
            "tables": {"reports": {"label_column": "symbol"},
                       "cited_documents": {"label_column": "symbol"},
                       "search_fts": {"hidden": True}},
        }},
    }


def serve_argv(path: Path, host: str, port: int, metadata_path: Path) -> list[str]:
    return [sys.executable, "-m", "datasette", "serve", str(path), "--host", host, "--port", str(port),
            "--metadata", str(metadata_path), "--plugins-dir", str(PLUGINS_DIR),
            "--setting", "sql_time_limit_ms", "5000"]


def prepare(url: str | Path, host: str, port: int, workdir: Path) -> list[str]:
    """Check the database and write the metadata; the command line that serves it."""
    if is_postgres(url):
        raise StoreError("serve shows a SQLite store (Datasette reads SQLite only)",
                         hint="export the PostgreSQL tables or serve the SQLite file `vanthu process` wrote")
    try:
        import datasette  # noqa: F401
    except ImportError as e:
        raise MissingDependencyError("serve needs Datasette", hint="pip install datasette") from e
    path = sqlite_path(url)
    with open_reader(path):
        pass  # exists, is a vanthu database at the current schema version
    meta = workdir / "metadata.json"
    meta.write_text(json.dumps(metadata(path.stem), ensure_ascii=False, indent=2), encoding="utf-8")
    return serve_argv(path, host, port, meta)


def serve(url: str | Path, host: str = "127.0.0.1", port: int = 8001) -> int:
    """Run Datasette in the foreground until interrupted; returns its exit status."""
    with tempfile.TemporaryDirectory(prefix="vanthu-serve-") as tmp:
        return subprocess.call(prepare(url, host, port, Path(tmp)))
