"""Records from ``vanthu process`` outputs, and two processes writing one SQLite store."""

from __future__ import annotations

import json
import multiprocessing
import random
from pathlib import Path

from pipeline.correct.api import Edit, edits_to_jsonl
from pipeline.store import open_store, record_from_outputs
from pipeline.store.reader import run_query
from pipeline.store.records import file_sha256
from pipeline.store.synthetic import document_pool, record


def test_record_from_the_files_process_writes(tmp_path: Path, seed_structure):
    source = tmp_path / "scan.pdf"
    source.write_bytes(b"%PDF-1.4 not really")
    out = tmp_path / "out"
    out.mkdir()
    (out / "scan.raw.txt").write_text("Ke hoach so 31/KH-UBND\n", encoding="utf-8")
    (out / "scan.txt").write_text("Kế hoạch số 31/KH-UBND\n", encoding="utf-8")
    (out / "scan.json").write_text(json.dumps(seed_structure, ensure_ascii=False), encoding="utf-8")
    edit = Edit(1, 0, "Ke", "Kế", 0.93, (("Kê", 0.05),))
    (out / "scan.edits.jsonl").write_text(edits_to_jsonl([edit]), encoding="utf-8")
    (out / "scan.words.json").write_text(json.dumps({"pages": [
        {"page_number": 1, "mean_confidence": 87.5, "preprocessing": ["gray", "deskew"], "lines": []}]}))
    rec = record_from_outputs(source, out, "scan", pipeline_version="0.1.0", model_versions={"lm": "x"})
    assert rec.sha256 == file_sha256(source) and rec.edits == (edit,)
    assert rec.pages[0].preprocessing == ("gray", "deskew") and rec.pages[0].mean_confidence == 87.5
    with open_store(tmp_path / "v.sqlite") as store:
        store.save_document(rec)
    rows = run_query(tmp_path / "v.sqlite", "SELECT original, correction, alternatives FROM corrections").rows
    assert rows == (("Ke", "Kế", '[["Kê", 0.05]]'),)


def _writer(path: str, start: int) -> None:
    rng = random.Random(start)
    pool = document_pool(rng, per_body_year=2)
    with open_store(path) as store:
        for i in range(start, start + 15):
            store.save_document(record(rng, i, pool))


def test_two_processes_write_one_sqlite_store(tmp_path: Path):
    path = str(tmp_path / "shared.sqlite")
    with open_store(path):
        pass  # migrated once, before the writers race
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(path, start)) for start in (0, 100)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    assert run_query(path, "SELECT count(*) FROM reports").rows == ((30,),)
