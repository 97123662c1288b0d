"""A batch interrupted by Ctrl-C or killed outright loses nothing and stores nothing twice."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

PARAGRAPH = ("Thuc hien Ke hoach so {n}/KH-UBND ngay 15/3/2021 cua Uy ban nhan dan huyen ve viec "
             "tang cuong cong tac dan van chinh quyen tren dia ban, Phong Noi vu da tham muu to chuc "
             "hoi nghi trien khai den cac co quan, don vi va dia phuong.\n")


def make_archive(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for n in range(count):
        (folder / f"bc{n:03d}.txt").write_text(PARAGRAPH.format(n=n + 1) * 40, encoding="utf-8")
    (folder / "broken.txt").write_bytes(bytes(range(256)) * 8)


def start(archive: Path, out: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", "process", str(archive), "-o", str(out), "--progress", "json", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def wait_for_documents(proc: subprocess.Popen, count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    done = 0
    while done < count:
        assert time.monotonic() < deadline, "the batch made no progress"
        line = proc.stderr.readline()
        assert line, f"the batch ended early: {proc.wait()}"
        if line.startswith("{"):
            done = json.loads(line)["docs_done"]


def child_pids(parent: int) -> list[int]:
    """The processes whose parent is ``parent`` (Linux /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            out.append(int(stat.parent.name))
    return out


def alive(pid: int) -> bool:
    """``pid`` runs and is no zombie (a zombie is dead, waiting for its new parent to reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def stored(out: Path) -> tuple[list[str], list[str]]:
    with sqlite3.connect(out / "vanthu.sqlite") as db:
        reports = [r[0] for r in db.execute("SELECT file FROM reports ORDER BY file")]
        errors = [r[0] for r in db.execute("SELECT DISTINCT source FROM errors")]
    return reports, errors


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_kill_9_then_rerun_stores_every_document_exactly_once(tmp_path, workers):
    archive, out = tmp_path / "archive", tmp_path / "out"
    make_archive(archive, 12)
    proc = start(archive, out, "--workers", workers)
    wait_for_documents(proc, 3)
    children = child_pids(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in children if alive(pid)], "workers outlived their killed parent"
    before, _ = stored(out)
    assert 0 < len(before) < 12
    rerun = subprocess.run([sys.executable, "-m", "pipeline", "process", str(archive), "-o", str(out),
                            "--progress", "none", "--workers", workers], capture_output=True, text=True)
    assert rerun.returncode in (0, 5), rerun.stderr
    reports, errors = stored(out)
    assert reports == sorted(str(archive / f"bc{n:03d}.txt") for n in range(12))
    assert set(errors) <= {str(archive / "broken.txt")}


@pytest.mark.slow
def test_ctrl_c_finishes_the_documents_in_flight_and_a_rerun_does_the_rest(tmp_path):
    archive, out = tmp_path / "archive", tmp_path / "out"
    make_archive(archive, 12)
    proc = start(archive, out)
    wait_for_documents(proc, 2)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130
    assert "interrupted" in err
    first, _ = stored(out)
    assert 2 <= len(first) < 13
    rerun = subprocess.run([sys.executable, "-m", "pipeline", "process", str(archive), "-o", str(out),
                            "--progress", "none"], capture_output=True, text=True)
    assert f"{len(first)} skipped" in rerun.stderr or "skipped" in rerun.stderr
    reports, _ = stored(out)
    assert len(reports) == 12 and len(set(reports)) == 12
