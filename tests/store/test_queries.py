"""The analysts' questions on the seed report and on hand-written reports (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from pipeline.store import open_store
from pipeline.store.queries import compliance, directives, plans_by_year, search
from store_helpers import make_record, plan, report

# Hand-checked against tests/extract/data/seed-binhson-2022.corrected.txt (lines 195-226): every
# plan (Kế hoạch số ...) the report names for 2019-2022, with its date.
SEED_PLANS_2019_2022 = [
    (2019, "16-KH/BDVHU-UBND", "2019-03-07"),
    (2020, "20-KH/BDVHU-UBND", "2020-02-28"),
    (2021, "31/KH-UBND", "2021-03-15"),
    (2022, "06/KH-UBND", "2022-01-17"),
    (2022, "53/KH-UBND", "2022-03-23"),
    (2022, "47/KH-UBND", "2022-04-04"),
    (2022, "14-KH/BDVHU-UBND", "2022-04-07"),
]


@pytest.fixture
def seed_db(db_url, seed_record) -> str:
    with open_store(db_url) as store:
        store.save_document(seed_record)
    return db_url


def test_seed_plans_by_year_are_exactly_the_plans_the_report_names(seed_db):
    rows = plans_by_year(seed_db, year_from=2019, year_to=2022)
    assert [(r["year"], r["symbol"], r["date"]) for r in rows] == SEED_PLANS_2019_2022
    assert all(r["cited_by"] == ["286/BC-UBND"] and not r["in_archive"] for r in rows)
    by_symbol = {r["symbol"]: r for r in rows}
    assert by_symbol["53/KH-UBND"]["issuer"] == "UBND tỉnh"


def test_seed_plans_filtered_by_issuer_and_year(seed_db):
    assert [r["symbol"] for r in plans_by_year(seed_db, issuer="UBND tinh")] == ["53/KH-UBND"]
    assert [r["symbol"] for r in plans_by_year(seed_db, year_from=2020, year_to=2020)] == ["20-KH/BDVHU-UBND"]


def test_seed_directives_most_cited_first(seed_db):
    rows = directives(seed_db)
    assert rows[0]["symbol"] == "436/QĐ-UBND" and rows[0]["mentions"] > 1
    assert rows[0]["cited_by"] == ["286/BC-UBND"]
    only = directives(seed_db, types=["Chỉ thị"])
    assert {r["type"] for r in only} == {"Chỉ thị"} and "16/CT-TTg" in {r["symbol"] for r in only}


def test_compliance_matrix_shows_present_and_missing_years(db_url):
    a, b = "UBND huyện An Lão", "UBND huyện Hoài Nhơn"
    cites_a = [plan(f"{n}/KH-UBND", f"{y}-02-10", a, f"về công tác dân vận năm {y}") for n, y in ((3, 2019), (4, 2021))]
    cites_b = [plan(f"{n}/KH-UBND", f"{y}-03-01", b, f"thực hiện công tác dân vận năm {y}")
               for n, y in ((7, 2019), (8, 2020), (9, 2021))]
    other = [plan("11/KH-UBND", "2020-01-05", a, "về chuyển đổi số")]
    with open_store(db_url) as store:
        store.save_document(make_record(report("1/BC-UBND", "UBND tỉnh", "2022-01-01", cites_a + cites_b + other), "c"))
    rows = compliance(db_url, subject="dan van", year_from=2019, year_to=2021)
    cells = {(r["issuer"], r["year"]): (r["present"], r["symbols"]) for r in rows}
    assert cells == {
        (a, 2019): (True, ["3/KH-UBND"]), (a, 2020): (False, []), (a, 2021): (True, ["4/KH-UBND"]),
        (b, 2019): (True, ["7/KH-UBND"]), (b, 2020): (True, ["8/KH-UBND"]), (b, 2021): (True, ["9/KH-UBND"]),
    }


@pytest.mark.parametrize("query", ["dan van chinh quyen", "dân vận chính quyền", "DÂN VẬN chính quyen"])
def test_search_matches_with_or_without_diacritics(seed_db, query):
    hits = search(seed_db, query, limit=50)
    assert hits and all(h["report"] == "286/BC-UBND" for h in hits)
    assert "[dân vận chính quyền]" in hits[0]["snippet"].lower() or "dân vận chính quyền" in hits[0]["snippet"].lower()
    assert hits == search(seed_db, "dan van chinh quyen", limit=50)


def test_search_ranks_and_finds_nothing_for_absent_words(seed_db):
    hits = search(seed_db, "quy chế dân chủ", limit=10)
    assert [h["score"] for h in hits] == sorted((h["score"] for h in hits), reverse=True)
    assert search(seed_db, "tàu vũ trụ") == []
    assert search(seed_db, "  ,;  ") == []


def test_an_archived_plan_and_its_citations_are_one_plan(db_url):
    archived = report("31/KH-UBND", "UBND huyện An Lão", "2021-03-15", [], subject="Kế hoạch công tác dân vận năm 2021")
    archived["document"]["type"] = "Kế hoạch"
    citing = report("80/BC-UBND", "Ủy ban nhân dân huyện An Lão", "2021-12-20",
                    [plan("31/KH-UBND", "2021-03-15", None, "về công tác dân vận năm 2021")])
    with open_store(db_url) as store:
        store.save_document(make_record(archived, "plan"))
        store.save_document(make_record(citing, "report"))
    rows = plans_by_year(db_url)
    assert [(r["symbol"], r["in_archive"], r["cited_by"]) for r in rows] == [("31/KH-UBND", True, ["80/BC-UBND"])]
