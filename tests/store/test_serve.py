"""``vanthu serve``: Datasette over the store, checked in a real headless browser (chromium)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline.errors import StoreError
from pipeline.store import open_store
from pipeline.store.serve import prepare

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (apt-get install chromium; .ci/services.sh does)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path: Path, seed_record):
    db = tmp_path / "vanthu.sqlite"
    with open_store(db) as store:
        store.save_document(seed_record)
    port = free_port()
    proc = subprocess.Popen(prepare(db, "127.0.0.1", port, tmp_path), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("datasette did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def dom(url: str, tmp_path: Path) -> str:
    """The page as the browser rendered it."""
    argv = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={tmp_path / 'chromium'}", "--dump-dom", url]
    return subprocess.run(argv, capture_output=True, text=True, timeout=90, check=True).stdout


@needs_chromium
def test_browser_shows_canned_queries_and_a_report_page(server, tmp_path):
    plans = dom(f"{server}/vanthu/plans_by_year?year_from=2019&year_to=2022", tmp_path)
    for symbol, date in (("16-KH/BDVHU-UBND", "2019-03-07"), ("31/KH-UBND", "2021-03-15"), ("47/KH-UBND", "2022-04-04")):
        assert symbol in plans and date in plans
    found = dom(f"{server}/vanthu/search?q=dan+van+chinh+quyen", tmp_path)
    assert "dân vận chính quyền" in found and "286/BC-UBND" in found
    missing = dom(f"{server}/vanthu/missing_plans?year_from=2019&year_to=2022&subject=d%C3%A2n+v%E1%BA%ADn", tmp_path)
    assert "53/KH-UBND" in missing and "UBND tỉnh" in missing
    page = dom(f"{server}/vanthu/reports/1", tmp_path)
    assert "286/BC-UBND" in page and "Kết quả 04 năm thực hiện" in page
    directives = dom(f"{server}/vanthu/most_cited_directives", tmp_path)
    assert "436/QĐ-UBND" in directives


def test_server_refuses_writes(server):
    import urllib.error

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(server + "/vanthu.json?sql=DELETE+FROM+reports")
    assert refused.value.code == 400
    with urllib.request.urlopen(server + "/vanthu.json?sql=select+count(*)+as+n+from+reports&_shape=array") as r:
        assert b'"n": 1' in r.read()


def test_serve_binds_to_localhost_by_default(tmp_path, seed_record):
    db = tmp_path / "v.sqlite"
    with open_store(db) as store:
        store.save_document(seed_record)
    from pipeline.store.commands import serve_cmd

    assert next(p for p in serve_cmd.params if p.name == "host").default == "127.0.0.1"
    argv = prepare(db, "127.0.0.1", 8001, tmp_path)
    assert argv[argv.index("--host") + 1] == "127.0.0.1"


def test_serve_refuses_postgres_and_missing_files(tmp_path):
    with pytest.raises(StoreError, match="SQLite"):
        prepare("postgresql://u:p@127.0.0.1/db", "127.0.0.1", 1, tmp_path)
    with pytest.raises(StoreError, match="no database"):
        prepare(tmp_path / "none.sqlite", "127.0.0.1", 1, tmp_path)
