"""Batch runs: every document accounted for, bad ones recorded, done ones skipped."""

from __future__ import annotations

import pytest

from pipeline import batch
from pipeline.spine import Settings

OLD_OCR = "Quyét dinh s6 {n}/QD-UBND ngay 11/6/2019 cta UBND tinh ve cong tac dan van\n"


class MemorySink:
    def __init__(self) -> None:
        self.statuses, self.saved = {}, []

    def status(self, job: batch.Job) -> str | None:
        return self.statuses.get(job.sha256)

    def save(self, outcome: batch.Outcome) -> None:
        self.saved.append(outcome)
        self.statuses[outcome.job.sha256] = "done" if outcome.ok else "failed"


@pytest.fixture
def archive(tmp_path):
    folder = tmp_path / "archive"
    (folder / "2019").mkdir(parents=True)
    for n in range(3):
        (folder / "2019" / f"bc{n}.txt").write_text(OLD_OCR.format(n=n + 100), encoding="utf-8")
    (folder / "2019" / "empty.png").write_bytes(b"")
    (folder / "2019" / "bc0.gt.txt").write_text("ground truth, not a document")
    (folder / ".hidden.txt").write_text("not a document")
    return folder


def test_find_documents_walks_folders_and_skips_ground_truth_and_hidden(archive):
    names = [p.name for p in batch.find_documents([archive])]
    assert names == ["bc0.txt", "bc1.txt", "bc2.txt", "empty.png"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_bad_document_is_recorded_and_the_run_goes_on(archive, tmp_path, workers):
    jobs = batch.make_jobs(batch.find_documents([archive]), tmp_path / "out", Settings())
    sink = MemorySink()
    summary = batch.run_batch(jobs, sink, workers=workers)
    assert (summary.done, summary.failed, summary.skipped) == (3, 1, 0)
    (failure,) = [o for o in sink.saved if not o.ok]
    assert failure.job.path.name == "empty.png" and failure.stage == "ingest" and "empty" in failure.message
    assert sorted(o.job.path.name for o in sink.saved) == ["bc0.txt", "bc1.txt", "bc2.txt", "empty.png"]
    assert (tmp_path / "out" / "bc1.json").exists()


def test_documents_seen_are_skipped_failures_retried_on_demand_all_when_forced(archive, tmp_path):
    jobs = batch.make_jobs(batch.find_documents([archive]), tmp_path / "out", Settings())
    sink = MemorySink()
    batch.run_batch(jobs, sink)
    again = batch.run_batch(jobs, sink)
    assert (again.done, again.failed, again.skipped) == (0, 0, 4)
    retry = batch.run_batch(jobs, sink, retry_failed=True)
    assert (retry.done, retry.failed, retry.skipped) == (0, 1, 3)
    forced = batch.run_batch(jobs, sink, force=True)
    assert (forced.done, forced.failed, forced.skipped) == (3, 1, 0)


def test_identical_files_share_a_digest_and_a_changed_file_does_not(tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("x")
    b.write_text("x")
    assert batch.file_sha256(a) == batch.file_sha256(b) != ""
    b.write_text("y")
    assert batch.file_sha256(a) != batch.file_sha256(b)


def test_an_unexpected_exception_is_an_outcome_not_a_crash(tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(batch, "process_document", broken)
    doc = tmp_path / "a.txt"
    doc.write_text("x")
    (job,) = batch.make_jobs([doc], tmp_path, Settings())
    outcome = batch.run_job(job)
    assert not outcome.ok and outcome.error_class == "ZeroDivisionError" and outcome.stage == "unexpected"


@pytest.mark.slow
def test_a_dask_cluster_processes_the_same_jobs(archive, tmp_path):
    distributed = pytest.importorskip("distributed")
    jobs = batch.make_jobs(batch.find_documents([archive]), tmp_path / "out", Settings())
    sink = MemorySink()
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        summary = batch.run_batch(jobs, sink, scheduler=cluster.scheduler_address)
    assert (summary.done, summary.failed) == (3, 1)
    assert {o.job.path.name for o in sink.saved} == {"bc0.txt", "bc1.txt", "bc2.txt", "empty.png"}
