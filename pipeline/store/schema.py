"""The store's schema, built by ordered migrations recorded in ``schema_migrations``.

Each migration is a function of an open connection, run in the transaction that records it, so a
database is never left half-migrated. Migrations only add: a database from an older version is
brought forward, never dropped. Table definitions inside a migration are frozen at that version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.engine import Connection


WRITE_TABLES = (
    "runs", "reports", "pages", "sections", "cited_documents", "citations", "corrections",
    "errors", "search_docs",
)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer, primary_key=True, autoincrement=True)


def _report_fk() -> sa.Column:
    return sa.Column("report_id", sa.Integer, sa.ForeignKey("reports.id"), nullable=False, index=True)


def _v1_core_tables(md: sa.MetaData) -> None:
    T, I, F, B = sa.Text, sa.Integer, sa.Float, sa.Boolean
    sa.Table("runs", md, _id(), sa.Column("started_at", T), sa.Column("finished_at", T),
             sa.Column("pipeline_version", T), sa.Column("model_versions", T),
             sa.Column("ok", I), sa.Column("failed", I))
    sa.Table("reports", md, _id(), sa.Column("sha256", sa.String(64), nullable=False, unique=True),
             sa.Column("file", T, nullable=False), sa.Column("pages", I),
             *(sa.Column(n, T) for n in ("issuer", "type", "symbol", "number", "date")),
             sa.Column("year", I),
             *(sa.Column(n, T) for n in ("place", "title", "subject", "signer", "status", "processed_at")),
             sa.Column("run_id", I, sa.ForeignKey("runs.id")),
             *(sa.Column(n, T) for n in ("pipeline_version", "model_versions", "raw_text",
                                         "corrected_text", "structure")))
    sa.Table("pages", md, _id(), _report_fk(), sa.Column("page_number", I, nullable=False),
             sa.Column("mean_confidence", F), sa.Column("preprocessing", T))
    sa.Table("sections", md, _id(), _report_fk(), sa.Column("ordinal", I, nullable=False),
             sa.Column("parent_ordinal", I), sa.Column("path", T), sa.Column("kind", T),
             sa.Column("number", T), sa.Column("printed_number", T), sa.Column("title", T),
             sa.Column("level", I), sa.Column("start_line", I), sa.Column("end_line", I),
             sa.Column("text", T))
    sa.Table("cited_documents", md, _id(),
             sa.Column("symbol", T, nullable=False), sa.Column("issuer_key", T, nullable=False),
             sa.Column("date_key", T, nullable=False), sa.Column("issuer", T),
             sa.Column("issuer_inferred", B, nullable=False), sa.Column("date", T),
             sa.Column("year", I), sa.Column("type", T), sa.Column("type_code", T),
             sa.Column("issuer_code", T), sa.Column("number", T), sa.Column("system", T),
             sa.Column("subject", T), sa.Column("archived_report_id", I),
             sa.UniqueConstraint("symbol", "issuer_key", "date_key", name="uq_cited_document"))
    sa.Table("citations", md, _id(), _report_fk(),
             sa.Column("cited_document_id", I, sa.ForeignKey("cited_documents.id"), nullable=False, index=True),
             sa.Column("line", I), sa.Column("section_path", T), sa.Column("sentence", T),
             sa.Column("relation", T), sa.Column("text", T), sa.Column("type_word", T))
    sa.Table("corrections", md, _id(), _report_fk(), sa.Column("line", I),
             sa.Column("column_index", I), sa.Column("original", T), sa.Column("correction", T),
             sa.Column("confidence", F), sa.Column("alternatives", T))
    sa.Table("errors", md, _id(), sa.Column("run_id", I), sa.Column("source", T),
             sa.Column("stage", T), sa.Column("error_class", T), sa.Column("message", T),
             sa.Column("occurred_at", T))


def migrate_1_core(conn: Connection) -> None:
    """Reports, pages, sections, cited documents, citations, corrections, runs, errors."""
    md = sa.MetaData()
    _v1_core_tables(md)
    md.create_all(conn)


_FTS_SQLITE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5(plain, content='search_docs', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN"
    " INSERT INTO search_fts(rowid, plain) VALUES (new.id, new.plain); END",
    "CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, plain) VALUES ('delete', old.id, old.plain); END",
)


def migrate_2_search(conn: Connection) -> None:
    """Full-text search over report headers, sections and mentions, on diacritic-free text."""
    md = sa.MetaData()
    table = sa.Table("search_docs", md, _id(), _report_fk(), sa.Column("kind", sa.Text, nullable=False),
                     sa.Column("ref", sa.Text), sa.Column("text", sa.Text), sa.Column("plain", sa.Text))
    sa.Table("reports", md, sa.Column("id", sa.Integer, primary_key=True))
    table.create(conn)
    if conn.dialect.name == "sqlite":
        for statement in _FTS_SQLITE:
            conn.exec_driver_sql(statement)
    else:
        conn.exec_driver_sql(
            "CREATE INDEX ix_search_docs_tsv ON search_docs USING gin (to_tsvector('simple', plain))")
    _backfill_search(conn, table)


def _backfill_search(conn: Connection, table: sa.Table) -> None:
    """Index what an older database already holds (each migration runs once)."""
    from pipeline.store.load import search_rows_from_tables

    rows = search_rows_from_tables(conn)
    if rows:
        conn.execute(table.insert(), rows)


def migrate_3_query_indexes(conn: Connection) -> None:
    """Indexes for the analysts' queries: plans and directives by type and year, reports by type."""
    for name, table, cols in (
        ("ix_cited_documents_type_year", "cited_documents", "type, year"),
        ("ix_reports_type_year", "reports", "type, year"),
        ("ix_errors_run", "errors", "run_id"),
    ):
        conn.exec_driver_sql(f"CREATE INDEX {name} ON {table} ({cols})")


def migrate_4_citation_pairs(conn: Connection) -> None:
    """A covering index for counting mentions and citing reports per cited document."""
    conn.exec_driver_sql("CREATE INDEX ix_citations_document_report ON citations (cited_document_id, report_id)")


def migrate_5_citation_counts(conn: Connection) -> None:
    """Mentions and citing reports per document, kept by the loader, so that the most-cited
    listings need not aggregate every citation; filled here for the rows already stored."""
    for column in ("mentions", "reports"):
        conn.exec_driver_sql(f"ALTER TABLE cited_documents ADD COLUMN {column} INTEGER NOT NULL DEFAULT 0")
    conn.exec_driver_sql(REFRESH_COUNTS_SQL.format(where="1 = 1"))
    conn.exec_driver_sql("CREATE INDEX ix_cited_documents_type_reports ON cited_documents (type, reports)")


REFRESH_COUNTS_SQL = """UPDATE cited_documents SET
  mentions = (SELECT count(*) FROM citations c WHERE c.cited_document_id = cited_documents.id),
  reports = (SELECT count(DISTINCT c.report_id) FROM citations c WHERE c.cited_document_id = cited_documents.id)
WHERE {where}"""


def migrate_6_stored_tsvector(conn: Connection) -> None:
    """PostgreSQL: keep each search row's tsvector (ranking no longer re-parses the text)."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql("ALTER TABLE search_docs ADD COLUMN tsv tsvector "
                         "GENERATED ALWAYS AS (to_tsvector('simple', COALESCE(plain, ''))) STORED")
    conn.exec_driver_sql("DROP INDEX ix_search_docs_tsv")
    conn.exec_driver_sql("CREATE INDEX ix_search_docs_tsv ON search_docs USING gin (tsv)")


def migrate_7_error_identity(conn: Connection) -> None:
    """Errors name the file's content and the pipeline version, so a re-run can tell a
    document that failed from one never tried (--retry-failed)."""
    conn.exec_driver_sql("ALTER TABLE errors ADD COLUMN sha256 TEXT")
    conn.exec_driver_sql("ALTER TABLE errors ADD COLUMN pipeline_version TEXT")
    conn.exec_driver_sql("CREATE INDEX ix_errors_sha256 ON errors (sha256)")


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    apply: Callable[[Connection], None]


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "core tables", migrate_1_core),
    Migration(2, "full-text search", migrate_2_search),
    Migration(3, "query indexes", migrate_3_query_indexes),
    Migration(4, "citation pair index", migrate_4_citation_pairs),
    Migration(5, "citation counts", migrate_5_citation_counts),
    Migration(6, "stored tsvector (PostgreSQL)", migrate_6_stored_tsvector),
    Migration(7, "error identity", migrate_7_error_identity),
)
LATEST = MIGRATIONS[-1].version

_MIGRATIONS_TABLE = sa.Table(
    "schema_migrations", sa.MetaData(),
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.Text, nullable=False), sa.Column("applied_at", sa.Text, nullable=False),
)


def applied_versions(conn: Connection) -> list[int]:
    """Versions recorded in ``schema_migrations`` (empty for a new database)."""
    if not sa.inspect(conn).has_table("schema_migrations"):
        return []
    return [r[0] for r in conn.execute(sa.select(_MIGRATIONS_TABLE.c.version).order_by("version"))]


def migrate(engine: sa.Engine, target: int = LATEST) -> list[int]:
    """Apply, in order and each in its own transaction, the migrations not yet recorded."""
    with engine.begin() as conn:
        _MIGRATIONS_TABLE.create(conn, checkfirst=True)
    done: list[int] = []
    for migration in MIGRATIONS:
        if migration.version > target:
            break
        with engine.begin() as conn:
            if migration.version in applied_versions(conn):
                continue
            migration.apply(conn)
            conn.execute(_MIGRATIONS_TABLE.insert().values(
                version=migration.version, name=migration.name,
                applied_at=datetime.now(timezone.utc).isoformat(timespec="seconds")))
        done.append(migration.version)
    return done


__all__ = ["LATEST", "MIGRATIONS", "WRITE_TABLES", "applied_versions", "migrate"]
