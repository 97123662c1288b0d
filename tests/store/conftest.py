"""Fixtures of the store tests: stores on SQLite and, where a server answers, PostgreSQL.

PostgreSQL: ``$VANTHU_TEST_PG_URL``, default the database `.ci/services.sh` creates. Each test gets
an empty ``public`` schema. Without a reachable server the PostgreSQL cases skip, saying why.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from pipeline.extract import extract, structure_to_dict
from pipeline.store import DocumentRecord
from store_helpers import make_record, reset_postgres

REPO = Path(__file__).resolve().parents[2]
SEED_TEXT = REPO / "tests" / "extract" / "data" / "seed-binhson-2022.corrected.txt"
PG_URL = os.environ.get("VANTHU_TEST_PG_URL", "postgresql://vanthu:vanthu@127.0.0.1:5432/vanthu_test")


def _pg_problem() -> str | None:
    try:
        engine = sa.create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1),
                                  connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
    except Exception as e:  # noqa: BLE001 - any failure means: no server for these tests
        return f"no PostgreSQL at {PG_URL} ({e.__class__.__name__}); run .ci/services.sh or set VANTHU_TEST_PG_URL"
    return None


@pytest.fixture(scope="session")
def pg_url() -> str:
    problem = _pg_problem()
    if problem:
        pytest.skip(problem)
    return PG_URL


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path: Path) -> str:
    """An empty database URL on each backend."""
    if request.param == "sqlite":
        return str(tmp_path / "vanthu.sqlite")
    url = request.getfixturevalue("pg_url")
    reset_postgres(url)
    return url


@pytest.fixture(scope="session")
def seed_structure() -> dict:
    """The structure of the corrected seed report, from the extractor."""
    return structure_to_dict(extract(SEED_TEXT.read_text(encoding="utf-8")))


@pytest.fixture
def seed_record(seed_structure: dict) -> DocumentRecord:
    return make_record(seed_structure, "seed", SEED_TEXT.read_text(encoding="utf-8"))
