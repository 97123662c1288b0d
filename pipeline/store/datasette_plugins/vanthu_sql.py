"""Datasette plugin loaded by ``vanthu serve``: SQL functions for diacritic-free matching."""

from datasette import hookimpl

from pipeline.store.text import fold, words


def fts_query(text: str | None) -> str:
    """A safe FTS5 query: every folded word of ``text`` quoted, all required."""
    return " ".join(f'"{w}"' for w in words(text or "")) or '""'


@hookimpl
def prepare_connection(conn) -> None:  # noqa: ANN001 - sqlite3 connection
    conn.create_function("vanthu_fold", 1, lambda s: fold(s) if s is not None else None, deterministic=True)
    conn.create_function("vanthu_fts", 1, fts_query, deterministic=True)
