"""Read-only access for queries, exports and the web view; parameterised SQL only."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipeline.errors import StoreError
from pipeline.store.db import make_engine
from pipeline.store.schema import LATEST, applied_versions


@dataclass(frozen=True, slots=True)
class Table:
    """A query's answer: column names and rows (each a tuple in column order)."""

    columns: tuple[str, ...]
    rows: tuple[tuple, ...]

    def dicts(self) -> list[dict]:
        return [dict(zip(self.columns, r)) for r in self.rows]


@contextmanager
def open_reader(url: str | Path) -> Iterator[Connection]:
    """A read-only connection to an existing, fully migrated store."""
    engine = make_engine(url, read_only=True, create=False)
    try:
        with engine.connect() as conn:
            _check_schema(conn, url)
            yield conn
    except sa.exc.OperationalError as e:
        raise StoreError(f"cannot read the database at {url}: {_first_line(e)}") from e
    finally:
        engine.dispose()


def _check_schema(conn: Connection, url: str | Path) -> None:
    versions = applied_versions(conn)
    if not versions:
        raise StoreError(f"{url} is not a vanthu database (no schema_migrations table)",
                         hint="point --db at the database `vanthu process --db` wrote")
    if max(versions) < LATEST:
        raise StoreError(f"{url} has schema version {max(versions)}; this vanthu reads version {LATEST}",
                         hint="open it once for writing (`vanthu process ... --db URL`) to migrate it")


def _first_line(e: sa.exc.SQLAlchemyError) -> str:
    return str(getattr(e, "orig", e)).strip().splitlines()[0]


def fetch(conn: Connection, sql: str | sa.Executable, params: dict | None = None) -> Table:
    """Run one statement with bound parameters; database errors become ``StoreError``."""
    statement = sa.text(sql) if isinstance(sql, str) else sql
    try:
        result = conn.execute(statement, params or {})
        if not result.returns_rows:
            raise StoreError("the statement returns no rows", hint="use a SELECT")
        return Table(tuple(result.keys()), tuple(tuple(r) for r in result))
    except sa.exc.DBAPIError as e:
        raise StoreError(f"query failed: {_first_line(e)}",
                         hint="the connection is read-only; check the SQL (tables: reports, pages, "
                              "sections, cited_documents, citations, corrections, runs, errors)") from e
    finally:
        if conn.in_transaction():
            conn.rollback()


def _fetch_one_statement_postgres(conn: Connection, sql: str) -> Table:
    """Exactly one statement: a prepared statement refuses several (``...; COMMIT; ...``)."""
    import psycopg

    try:
        with conn.connection.driver_connection.cursor() as cur:
            cur.execute(sql, prepare=True)
            if cur.description is None:
                raise StoreError("the statement returns no rows", hint="use a SELECT")
            return Table(tuple(d.name for d in cur.description), tuple(tuple(r) for r in cur.fetchall()))
    except psycopg.Error as e:
        raise StoreError(f"query failed: {str(e).strip().splitlines()[0]}",
                         hint="the connection is read-only and takes one statement; check the SQL") from e
    finally:
        conn.connection.driver_connection.rollback()


def run_query(url: str | Path, sql: str) -> Table:
    """Run an analyst's one SELECT on a read-only connection (SQLite's driver, like
    PostgreSQL's prepared statements, takes one statement at a time)."""
    if not sql.strip():
        raise StoreError("empty query", hint='vanthu query "SELECT ..."')
    with open_reader(url) as conn:
        if conn.dialect.name == "postgresql":
            return _fetch_one_statement_postgres(conn, sql)
        return fetch(conn, sql.replace(":", r"\:"))
