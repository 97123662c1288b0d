"""Opening the store: URL -> SQLAlchemy engine (SQLite with WAL and a busy timeout, or PostgreSQL).

A plain path or ``sqlite:///path`` means SQLite; ``postgresql://...`` means PostgreSQL.
Read-only engines open SQLite with ``mode=ro`` and PostgreSQL with read-only transactions.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event

from pipeline.errors import MissingDependencyError, StoreError

from pipeline.store.names import DEFAULT_DB, URL_HELP  # noqa: E402  (re-exported)

BUSY_TIMEOUT_MS = 30_000


def is_postgres(url: str | Path) -> bool:
    return str(url).startswith(("postgresql:", "postgresql+", "postgres:"))


def sqlite_path(url: str | Path) -> Path:
    """The file of a SQLite URL or plain path."""
    text = str(url)
    for prefix in ("sqlite:///", "sqlite://"):
        if text.startswith(prefix):
            return Path(text[len(prefix):])
    if "://" in text:
        raise StoreError(f"unsupported database URL {text!r}", hint=URL_HELP)
    return Path(text)


def _postgres_url(url: str) -> str:
    scheme, rest = url.split("://", 1)
    if "+" not in scheme:
        scheme = "postgresql+psycopg"
    return f"{scheme}://{rest}"


def _sqlite_events(engine: sa.Engine, read_only: bool) -> None:
    """WAL and busy timeout on every connection; BEGIN IMMEDIATE so writers queue, not deadlock."""
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:  # noqa: ANN001 - DBAPI connection
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves: DDL is transactional too
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:  # noqa: ANN001
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_engine(url: str | Path, *, read_only: bool = False, create: bool = True) -> sa.Engine:
    """An engine for ``url``; a missing SQLite file is an error unless ``create``."""
    if is_postgres(url):
        return _postgres_engine(str(url), read_only)
    path = sqlite_path(url)
    if not path.exists():
        if not create:
            raise StoreError(f"no database at {path}",
                             hint="run `vanthu process INPUT... --db PATH` first, or pass --db")
        path.parent.mkdir(parents=True, exist_ok=True)
    if read_only:
        target = f"sqlite:///file:{quote(str(path.resolve()))}?mode=ro&uri=true"
    else:
        target = f"sqlite:///{path}"
    engine = sa.create_engine(target)
    _sqlite_events(engine, read_only)
    return engine


def _postgres_engine(url: str, read_only: bool) -> sa.Engine:
    try:
        import psycopg  # noqa: F401 - only checks that the driver is installed
    except ImportError as e:
        raise MissingDependencyError("PostgreSQL needs the psycopg driver",
                                     hint="pip install 'psycopg[binary]'") from e
    options = "-c default_transaction_read_only=on" if read_only else ""
    engine = sa.create_engine(_postgres_url(url), connect_args={"options": options, "connect_timeout": 10},
                              pool_pre_ping=True)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as e:
        raise StoreError(f"cannot connect to {engine.url.render_as_string(hide_password=True)}: "
                         f"{str(e.orig).strip().splitlines()[0]}",
                         hint="check that the server runs and the URL is right") from e
    return engine
