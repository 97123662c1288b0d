"""The store's commands through click, on a group built here (as ``pipeline.cli`` will build it)."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.errors import ExitCode, StoreError, VanthuError
from pipeline.store import open_store
from pipeline.store.commands import COMMANDS, register


@pytest.fixture(scope="module")
def group() -> click.Group:
    @click.group()
    def vanthu() -> None:
        """Test group."""

    register(vanthu)
    return vanthu


@pytest.fixture
def seed_sqlite(tmp_path: Path, seed_record) -> str:
    url = str(tmp_path / "out" / "vanthu.sqlite")
    with open_store(url) as store:
        store.save_document(seed_record)
    return url


def run(group: click.Group, args: list[str]) -> tuple[int, str]:
    """Invoke like ``pipeline.cli.main``: VanthuError -> its exit code, message on stderr."""
    runner = CliRunner()
    result = runner.invoke(group, args)
    if isinstance(result.exception, VanthuError):
        return int(result.exception.exit_code), str(result.exception)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_every_command_is_registered_with_a_db_option_explained(group):
    assert set(group.commands) == {"plans", "directives", "compliance", "search", "query", "export", "serve"}
    for command in COMMANDS:
        text = CliRunner().invoke(group, [command.name, "--help"]).output
        assert "--db" in text and "sqlite:///" in text and "postgresql://" in text


def test_plans_json_is_a_list_of_plan_objects(group, seed_sqlite):
    code, out = run(group, ["plans", "--by-year", "--from", "2019", "--to", "2022", "--format", "json", "--db", seed_sqlite])
    rows = json.loads(out)
    assert code == 0 and len(rows) == 7
    assert set(rows[0]) >= {"year", "symbol", "date", "issuer", "subject", "cited_by"}


@pytest.mark.parametrize("fmt", ["table", "csv"])
def test_plans_as_text(group, seed_sqlite, fmt):
    code, out = run(group, ["plans", "--format", fmt, "--db", seed_sqlite])
    assert code == 0 and "31/KH-UBND" in out and "2021-03-15" in out


def test_plans_xlsx(group, seed_sqlite, tmp_path):
    target = tmp_path / "plans.xlsx"
    code, _ = run(group, ["plans", "--format", "xlsx", "-o", str(target), "--db", seed_sqlite])
    assert code == 0 and "47/KH-UBND" in set(pd.read_excel(target)["symbol"])


def test_compliance_table_marks_missing_years(group, seed_sqlite):
    code, out = run(group, ["compliance", "--subject", "dân vận", "--from", "2019", "--to", "2022", "--db", seed_sqlite])
    assert code == 0 and "MISSING" in out and "53/KH-UBND" in out


def test_search_and_directives(group, seed_sqlite):
    code, out = run(group, ["search", "dan van chinh quyen", "--format", "json", "--db", seed_sqlite])
    assert code == 0 and json.loads(out)[0]["report"] == "286/BC-UBND"
    code, out = run(group, ["directives", "--type", "Chỉ thị", "--format", "json", "--db", seed_sqlite])
    assert code == 0 and {r["type"] for r in json.loads(out)} == {"Chỉ thị"}


def test_query_json_is_a_list_of_row_objects(group, seed_sqlite):
    code, out = run(group, ["query", "SELECT symbol, type FROM cited_documents WHERE type = 'Kế hoạch' ORDER BY symbol",
                            "--format", "json", "--db", seed_sqlite])
    assert code == 0 and json.loads(out)[0] == {"symbol": "06/KH-UBND", "type": "Kế hoạch"}


@pytest.mark.parametrize("sql", ["SELEC * FROM reports", "SELECT nope FROM reports", "DELETE FROM reports",
                                 "DROP TABLE reports", "", "SELECT 1; DELETE FROM reports"])
def test_malformed_or_writing_query_is_a_store_error(group, seed_sqlite, sql):
    code, message = run(group, ["query", sql, "--db", seed_sqlite])
    assert code == ExitCode.STORE_FAILURE and message
    code, out = run(group, ["query", "SELECT count(*) AS n FROM reports", "--format", "json", "--db", seed_sqlite])
    assert json.loads(out) == [{"n": 1}]  # nothing was written


@pytest.mark.parametrize("args", [["plans"], ["query", "SELECT 1"], ["search", "x"], ["export", "--format", "csv"]])
def test_missing_database_gives_a_clear_message(group, tmp_path, args):
    missing = tmp_path / "nowhere" / "vanthu.sqlite"
    code, message = run(group, [*args, "--db", str(missing)])
    assert code == ExitCode.STORE_FAILURE and "no database at" in message and "vanthu process" in message
    assert not missing.exists()


def test_query_keeps_literal_colons(group, seed_sqlite):
    code, out = run(group, ["query", "SELECT 'a:b' AS s, count(*) AS n FROM reports WHERE file LIKE '%:%' OR 1",
                            "--format", "json", "--db", seed_sqlite])
    assert code == 0 and json.loads(out) == [{"s": "a:b", "n": 1}]


@pytest.mark.parametrize("sql", ["DELETE FROM reports RETURNING id",
                                 "COMMIT; SET default_transaction_read_only = off; DELETE FROM reports",
                                 "SET TRANSACTION READ WRITE; DELETE FROM reports; COMMIT"])
def test_query_on_postgres_is_read_only(pg_url, seed_record, sql):
    from store_helpers import reset_postgres
    from pipeline.store.reader import run_query

    reset_postgres(pg_url)
    with open_store(pg_url) as store:
        store.save_document(seed_record)
    with pytest.raises(StoreError, match="query failed"):
        run_query(pg_url, sql)
    assert run_query(pg_url, "SELECT count(*) FROM reports").rows == ((1,),)


@pytest.mark.parametrize("fmt", ["csv", "parquet", "xlsx"])
def test_export_every_table(group, seed_sqlite, tmp_path, fmt):
    target = tmp_path / "export"
    code, out = run(group, ["export", "--format", fmt, "-o", str(target), "--db", seed_sqlite])
    assert code == 0
    if fmt == "xlsx":
        sheets = pd.read_excel(target / "vanthu.xlsx", sheet_name=None)
        citations = sheets["citations"]
    else:
        assert {p.stem for p in target.iterdir()} >= {"reports", "citations", "cited_documents", "corrections"}
        reader = pd.read_csv if fmt == "csv" else pd.read_parquet
        citations = reader(target / f"citations.{fmt}")
    assert len(citations) > 20 and "sentence" in citations.columns
