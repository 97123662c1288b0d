"""SQLite and PostgreSQL hold the same tables and answer the same after the same loads."""

from __future__ import annotations

import random

import sqlalchemy as sa

from pipeline.store import open_store
from pipeline.store.db import make_engine
from pipeline.store.queries import compliance, directives, plans_by_year, search
from pipeline.store.reader import run_query
from pipeline.store.synthetic import document_pool, record
from store_helpers import reset_postgres

SURROGATE = {"id", "report_id", "cited_document_id", "run_id", "archived_report_id", "processed_at",
             "tsv"}  # tsv: PostgreSQL's stored search vector
TABLES = ("reports", "pages", "sections", "cited_documents", "citations", "corrections", "search_docs")


def dump(url: str) -> dict[str, list[tuple]]:
    """Each table's rows without surrogate keys and load times, sorted."""
    engine = make_engine(url)
    out = {}
    with engine.connect() as conn:
        for name in TABLES:
            result = conn.execute(sa.text(f"SELECT * FROM {name}"))
            keep = [i for i, c in enumerate(result.keys()) if c not in SURROGATE]
            out[name] = sorted((tuple(row[i] for i in keep) for row in result), key=repr)
    engine.dispose()
    return out


def test_same_tables_and_answers_on_sqlite_and_postgresql(tmp_path, pg_url, seed_record):
    reset_postgres(pg_url)
    rng = random.Random(7)
    pool = document_pool(rng)
    docs = [seed_record] + [record(rng, i, pool) for i in range(40)]
    lite = str(tmp_path / "v.sqlite")
    for url in (lite, pg_url):
        with open_store(url) as store:
            store.save_documents(docs[:25])
            store.save_documents(docs[20:])  # overlapping batch: replaces five reports
    assert dump(lite) == dump(pg_url)
    assert plans_by_year(lite) == plans_by_year(pg_url)
    assert directives(lite) == directives(pg_url)
    assert directives(lite, limit=None) == directives(pg_url, limit=None)
    assert len(directives(lite, limit=5)) == 5
    assert compliance(lite, subject="dân vận", year_from=2019, year_to=2022) == \
        compliance(pg_url, subject="dân vận", year_from=2019, year_to=2022)
    for q in ("dan van chinh quyen", "chuyển đổi số", "cai cach hanh chinh"):
        lite_hits = {(h["report"], h["kind"], h["ref"]) for h in search(lite, q, limit=1000)}
        pg_hits = {(h["report"], h["kind"], h["ref"]) for h in search(pg_url, q, limit=1000)}
        assert lite_hits == pg_hits and lite_hits


def test_counts_kept_by_the_loader_match_the_citations(tmp_path, seed_record):
    rng = random.Random(3)
    pool = document_pool(rng)
    docs = [record(rng, i, pool) for i in range(30)]
    url = str(tmp_path / "v.sqlite")
    with open_store(url) as store:
        store.save_documents(docs)
        store.save_documents(docs[:10])  # replacing reports recounts what they cited
        store.save_document(seed_record)
    stale = run_query(url, """SELECT d.id FROM cited_documents d WHERE d.mentions !=
        (SELECT count(*) FROM citations c WHERE c.cited_document_id = d.id) OR d.reports !=
        (SELECT count(DISTINCT report_id) FROM citations c WHERE c.cited_document_id = d.id)""")
    assert stale.rows == ()
    assert run_query(url, "SELECT count(*) FROM cited_documents WHERE mentions > 0").rows[0][0] > 50
