"""Loading: migrations, idempotent reload, atomic replacement, runs and errors (SQLite and PostgreSQL)."""

from __future__ import annotations

from dataclasses import replace

import pytest
import sqlalchemy as sa

from pipeline.errors import StoreError
from pipeline.store import open_store
from pipeline.store.db import make_engine
from pipeline.store.queries import plans_by_year, search
from pipeline.store.schema import LATEST, applied_versions, migrate
from store_helpers import make_record, plan, report


def counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        out = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
               for t in ("reports", "pages", "sections", "cited_documents", "citations", "search_docs")}
    engine.dispose()
    return out


def test_new_database_gets_every_migration_in_order(db_url):
    with open_store(db_url) as store:
        with store.engine.connect() as conn:
            assert applied_versions(conn) == list(range(1, LATEST + 1))


def test_older_database_is_migrated_and_keeps_its_rows(db_url, seed_record):
    engine = make_engine(db_url)
    assert migrate(engine, target=1) == [1]
    with engine.begin() as conn:  # a report written by a version-1 vanthu
        conn.execute(sa.text("INSERT INTO reports (sha256, file, structure) VALUES (:s, :f, :j)"),
                     {"s": "a" * 64, "f": "old.pdf", "j": '{"document": {"subject": "công tác dân vận chính quyền"}}'})
    engine.dispose()
    with open_store(db_url) as store:
        with store.engine.connect() as conn:
            assert applied_versions(conn) == list(range(1, LATEST + 1))
            assert conn.execute(sa.text("SELECT file FROM reports")).scalar_one() == "old.pdf"
    hits = search(db_url, "dan van chinh quyen")
    assert [h["report"] for h in hits] == ["old.pdf"]  # the old report was indexed by migration 2


def test_reloading_the_same_report_replaces_its_rows(db_url, seed_record):
    with open_store(db_url) as store:
        store.save_document(seed_record)
        first = counts(db_url)
        store.save_document(seed_record)
        assert counts(db_url) == first
        assert first["reports"] == 1 and first["citations"] > 20


def test_replacement_drops_documents_no_longer_cited(db_url):
    a = plan("12/KH-UBND", "2021-03-01", "UBND tỉnh", "về công tác dân vận")
    b = plan("13/KH-UBND", "2021-04-01", "UBND tỉnh", "về chuyển đổi số")
    rec = make_record(report("5/BC-UBND", "UBND huyện A", "2021-12-01", [a, b]), "r1")
    with open_store(db_url) as store:
        store.save_document(rec)
        store.save_document(replace(rec, structure=report("5/BC-UBND", "UBND huyện A", "2021-12-01", [a])))
    assert [p["symbol"] for p in plans_by_year(db_url)] == ["12/KH-UBND"]


def test_crash_mid_load_leaves_the_previous_state(db_url, seed_record, monkeypatch):
    with open_store(db_url) as store:
        store.save_document(seed_record)
        before = counts(db_url)
        plans_before = plans_by_year(db_url)

        def boom(*args, **kwargs):
            raise RuntimeError("injected failure after the report rows were replaced")

        monkeypatch.setattr(type(store), "_insert_children", boom)
        changed = replace(seed_record, structure={**seed_record.structure, "citations": []})
        with pytest.raises(RuntimeError, match="injected"):
            store.save_document(changed)
    assert counts(db_url) == before
    assert plans_by_year(db_url) == plans_before


def test_two_bodies_with_the_same_plan_symbol_are_two_plans(db_url):
    cites = [plan("96/KH-UBND", "2021-03-15", "UBND huyện Bình Minh", "về dân vận"),
             plan("96/KH-UBND", "2021-05-02", "UBND huyện Tam Bình", "về dân vận"),
             plan("96/KH-UBND", "2021-03-15", "Ủy ban nhân dân huyện Bình Minh", "về dân vận")]
    with open_store(db_url) as store:
        store.save_document(make_record(report("9/BC-UBND", "UBND tỉnh", "2022-01-10", cites), "r"))
    rows = plans_by_year(db_url)
    assert [(r["symbol"], r["date"]) for r in rows] == [("96/KH-UBND", "2021-03-15"), ("96/KH-UBND", "2021-05-02")]


def test_runs_errors_and_has_document(db_url, seed_record):
    with open_store(db_url) as store:
        run = store.start_run("test-1", {"lm": "v1"})
        store.save_document(seed_record, run)
        store.record_error(run, "in/bad.pdf", "ocr", "OcrEngineError", "tesseract crashed")
        store.finish_run(run, ok=1, failed=1)
        assert store.has_document(seed_record.sha256, "test-1")
        assert not store.has_document(seed_record.sha256, "test-2")
        with store.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT ok, failed FROM runs")).one() == (1, 1)
            assert conn.execute(sa.text("SELECT stage, error_class FROM errors")).one() == ("ocr", "OcrEngineError")
            assert conn.execute(sa.text("SELECT run_id FROM reports")).scalar_one() == run


def test_sqlite_store_uses_wal_and_a_busy_timeout(tmp_path):
    with open_store(tmp_path / "v.sqlite") as store:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() >= 1000


@pytest.mark.parametrize("url", ["mysql://x@y/z", "sqlite://relative-but-no-slash/../"])
def test_unsupported_url_is_a_store_error(url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the relative SQLite path would create its folder here
    with pytest.raises(StoreError):
        with open_store(url):
            pass


def _documents(url: str, symbol: str) -> list[tuple]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT issuer, issuer_inferred, mentions, reports FROM cited_documents "
                                    "WHERE symbol = :s"), {"s": symbol}).all()
    engine.dispose()
    return [tuple(r) for r in rows]


def test_a_citation_without_issuer_is_the_document_cited_elsewhere_with_its_issuer(db_url):
    """"Quyết định số 436/QĐ-UBND ngày 11/6/2019;" and "... ngày 11/6/2019 của UBND tỉnh" are
    one decision, in one report or in two, loaded in either order."""
    named = plan("436/QĐ-UBND", "2019-06-11", "UBND tỉnh", "về công tác dân vận")
    bare = plan("436/QĐ-UBND", "2019-06-11", None, "về công tác dân vận")
    with open_store(db_url) as store:
        store.save_document(make_record(report("5/BC-UBND", "UBND huyện A", "2021-12-01", [bare, named]), "r1"))
    assert [(issuer, mentions) for issuer, _, mentions, _ in _documents(db_url, "436/QĐ-UBND")] == [("UBND tỉnh", 2)]


@pytest.mark.parametrize("first, second", [("bare", "named"), ("named", "bare")])
def test_the_issuer_named_in_a_later_report_is_the_same_document(db_url, first, second):
    cites = {"named": plan("436/QĐ-UBND", "2019-06-11", "UBND tỉnh", "về dân vận"),
             "bare": plan("436/QĐ-UBND", "2019-06-11", None, "về dân vận")}
    with open_store(db_url) as store:
        store.save_document(make_record(report("5/BC-UBND", "UBND huyện A", "2021-12-01", [cites[first]]), "r1"))
        store.save_document(make_record(report("7/BC-UBND", "UBND huyện B", "2022-01-05", [cites[second]]), "r2"))
    assert _documents(db_url, "436/QĐ-UBND") == [("UBND tỉnh", False, 2, 2)]


def test_a_bare_citation_stays_apart_when_two_bodies_issued_that_symbol_that_day(db_url):
    cites = [plan("96/KH-UBND", "2021-03-15", "UBND huyện Bình Minh", "về dân vận"),
             plan("96/KH-UBND", "2021-03-15", "UBND huyện Tam Bình", "về dân vận"),
             plan("96/KH-UBND", "2021-03-15", None, "về dân vận")]
    with open_store(db_url) as store:
        store.save_document(make_record(report("9/BC-SNV", "Sở Nội vụ", "2022-01-10", cites), "r"))
    assert len(_documents(db_url, "96/KH-UBND")) == 3


@pytest.mark.parametrize("order", ["dated first", "undated first"])
def test_a_citation_without_date_is_the_dated_document_of_the_same_symbol_and_issuer(db_url, order):
    dated = plan("114-KL/TW", "2015-07-14", "Ban Bí thư", "về công tác dân vận")
    undated = plan("114-KL/TW", None, "Ban Bí thư", "về công tác dân vận")
    first, second = (dated, undated) if order == "dated first" else (undated, dated)
    with open_store(db_url) as store:
        store.save_document(make_record(report("5/BC-UBND", "UBND huyện A", "2021-12-01", [first]), "r1"))
        store.save_document(make_record(report("7/BC-UBND", "UBND huyện B", "2022-01-05", [second]), "r2"))
    assert _documents(db_url, "114-KL/TW") == [("Ban Bí thư", False, 2, 2)]


def test_a_citation_without_date_stays_apart_when_two_dated_documents_fit(db_url):
    cites = [plan("14-KL/TW", "2016-01-05", "Ban Bí thư", "về a"), plan("14-KL/TW", "2021-07-09", "Ban Bí thư", "về b"),
             plan("14-KL/TW", None, "Ban Bí thư", "về c")]
    with open_store(db_url) as store:
        store.save_document(make_record(report("9/BC-SNV", "Sở Nội vụ", "2022-01-10", cites), "r"))
    assert len(_documents(db_url, "14-KL/TW")) == 3


@pytest.mark.parametrize("order", ["short first", "full first", "one report"])
def test_an_issuer_said_in_fewer_words_is_the_same_document(db_url, order):
    """"Nghị quyết số 25-NQ/TW ngày 03/6/2013 của Ban Chấp hành Trung ương" and "... của Ban
    Chấp hành Trung ương Đảng khoá XI" are one resolution; the fuller name is kept."""
    short = plan("25-NQ/TW", "2013-06-03", "Ban Chấp hành Trung ương", "về công tác dân vận")
    party = plan("25-NQ/TW", "2013-06-03", "Ban Chấp hành Trung ương Đảng", "về công tác dân vận")
    full = plan("25-NQ/TW", "2013-06-03", "Ban Chấp hành Trung ương Đảng khoá XI", "về công tác dân vận")
    with open_store(db_url) as store:
        if order == "one report":
            store.save_document(make_record(report("5/BC-UBND", "UBND huyện A", "2021-12-01", [short, full, party]), "r1"))
        else:
            first, second = ([short, party], [full]) if order == "short first" else ([full], [party, short])
            store.save_document(make_record(report("5/BC-UBND", "UBND huyện A", "2021-12-01", first), "r1"))
            store.save_document(make_record(report("7/BC-UBND", "UBND huyện B", "2022-01-05", second), "r2"))
    rows = _documents(db_url, "25-NQ/TW")
    assert [(issuer, mentions) for issuer, _, mentions, _ in rows] == [("Ban Chấp hành Trung ương Đảng khoá XI", 3)]


def test_issuers_that_are_not_one_name_cut_short_stay_apart(db_url):
    cites = [plan("12/KH-UBND", "2021-03-15", "UBND huyện Bình", "về dân vận"),
             plan("12/KH-UBND", "2021-03-15", "UBND huyện Bình Minh", "về dân vận"),
             plan("12/KH-UBND", "2021-03-15", "UBND huyện Bình Tân", "về dân vận")]
    with open_store(db_url) as store:
        store.save_document(make_record(report("9/BC-SNV", "Sở Nội vụ", "2022-01-10", cites), "r"))
    assert len(_documents(db_url, "12/KH-UBND")) == 3
