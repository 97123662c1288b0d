"""Batch processing: many documents, in parallel worker processes, resumable and fault-tolerant.

The parent process finds the documents, skips those already done, hands the rest to
workers (local processes, or a Dask cluster), and records each outcome as it arrives, in
one place, so that the database has one writer. A bad document is an outcome like any
other: recorded with its reason, and the run goes on.

Ctrl-C once: no new documents are started, those in flight finish and are recorded.
Ctrl-C twice: the documents in flight are abandoned (they will be done on the next run).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from pipeline import fsutil
from pipeline.errors import InputFileError, VanthuError
from pipeline.spine import ProcessedDocument, Settings, process_document


@dataclass(frozen=True, slots=True)
class Job:
    """One document to process: picklable, so it can cross to a worker process or a cluster."""

    path: Path
    name: str
    sha256: str
    out_dir: Path
    settings: Settings


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one job: the processed document, or the reason it failed."""

    job: Job
    document: ProcessedDocument | None
    stage: str = ""
    error_class: str = ""
    message: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.document is not None

    @property
    def pages(self) -> int:
        return max(1, len(self.document.pages)) if self.document else 0

    def error(self) -> VanthuError:
        """The failure as an exception with its exit code (for a run of one document)."""
        from pipeline import errors

        kind = getattr(errors, self.error_class, None)
        if isinstance(kind, type) and issubclass(kind, InputFileError):
            return InputFileError(self.job.path, self.message.removeprefix(f"{self.job.path}: "))
        if isinstance(kind, type) and issubclass(kind, VanthuError):
            return kind(self.message)
        return VanthuError(self.message)


class Sink(Protocol):
    """Where outcomes go (the results database); the batch asks it what became of a job before."""

    def status(self, job: Job) -> str | None:
        """"done", "failed", or None for a document it has not seen (same content, same version)."""
        ...

    def save(self, outcome: Outcome) -> None: ...


class FilesOnly:
    """A sink that keeps nothing beyond the files the spine writes."""

    def status(self, job: Job) -> str | None:
        return None

    def save(self, outcome: Outcome) -> None:
        return None


@dataclass
class Summary:
    """Counts of a run, printed at its end."""

    total: int = 0
    skipped: int = 0
    done: int = 0
    failed: int = 0
    pages: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    failures: list[Outcome] = field(default_factory=list)

    def lines(self) -> list[str]:
        rate = self.pages / self.seconds if self.seconds else 0.0
        out = [f"{self.done} document(s) processed ({self.pages} pages, {rate:.2f} pages/s), "
               f"{self.failed} failed, {self.skipped} skipped as seen before, of {self.total}"]
        out += [f"  failed: [{o.stage}] {o.message if str(o.job.path) in o.message else f'{o.job.path}: {o.message}'}"
                for o in self.failures]
        if self.interrupted:
            out.append("interrupted: run the same command again to finish the rest")
        return out


# --- finding documents ------------------------------------------------------------------

def find_documents(inputs: Iterable[Path]) -> list[Path]:
    """Files named, plus the supported files under folders named (sorted, recursive).

    Hidden files and ground-truth texts (``*.gt.txt``) are passed over in folders.
    """
    from pipeline.ingest import SUPPORTED_SUFFIXES

    files: list[Path] = []
    for item in inputs:
        if item.is_dir():
            files.extend(sorted(
                p for p in item.rglob("*")
                if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES
                and not p.name.startswith(".") and not p.name.endswith(".gt.txt")
            ))
        else:
            files.append(item)
    if not files:
        raise InputFileError(", ".join(map(str, inputs)), "no scans or text files found")
    return files


def output_names(files: Sequence[Path]) -> dict[Path, str]:
    """Each input's output NAME: its stem; where stems collide, the path made into a name."""
    stems = [f.stem for f in files]
    return {f: f.stem if stems.count(f.stem) == 1 else _flat_name(f) for f in files}


def _flat_name(path: Path) -> str:
    """"scans/r.png" -> "scans__r.png": the folder and the full file name."""
    return "__".join(p for p in path.parts[-2:] if p not in ("/", ".", ".."))


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file; an unreadable file gets an empty digest (it fails later, clearly)."""
    try:
        return fsutil.file_sha256(path)
    except OSError:
        return ""


def make_jobs(files: Sequence[Path], out_dir: Path, settings: Settings) -> list[Job]:
    names = output_names(files)
    return [Job(path=f, name=names[f], sha256=file_sha256(f), out_dir=out_dir, settings=settings) for f in files]


# --- the worker side --------------------------------------------------------------------

def run_job(job: Job) -> Outcome:
    """Process one document; never raises: a failure is an outcome with its reason."""
    start = time.perf_counter()
    try:
        document = process_document(job.path, job.out_dir, job.settings, name=job.name)
        return Outcome(job, document, seconds=time.perf_counter() - start)
    except VanthuError as e:
        return Outcome(job, None, stage=_stage_of(e), error_class=type(e).__name__, message=e.message,
                       seconds=time.perf_counter() - start)
    except Exception as e:  # noqa: BLE001 - a bug on one document must not end the run
        where = traceback.extract_tb(e.__traceback__)[-1]
        return Outcome(job, None, stage="unexpected", error_class=type(e).__name__,
                       message=f"{e} (at {Path(where.filename).name}:{where.lineno})",
                       seconds=time.perf_counter() - start)


def _stage_of(error: VanthuError) -> str:
    from pipeline.errors import EncodingError, ModelError, OcrEngineError

    if isinstance(error, (InputFileError, EncodingError)):
        return "ingest"
    if isinstance(error, OcrEngineError):
        return "ocr"
    if isinstance(error, ModelError):
        return "correct"
    return "process"


PARENT_CHECK_S = 1.0  # how often a worker checks that the batch it works for is still there


def _worker_init() -> None:
    """Workers leave Ctrl-C to the parent, run Tesseract on one thread each, and end when the
    parent is gone (killed with SIGKILL, it cannot tell them to)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ["OMP_THREAD_LIMIT"] = "1"
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()


def _exit_when_orphaned(parent: int) -> None:
    """End this process once its parent has died (it is then adopted by another process):
    a pool worker waits on its job queue for ever otherwise, holding the models' memory."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)


# --- the parent side --------------------------------------------------------------------

class Interrupts:
    """Counts Ctrl-C presses during a run: 1 = finish what is in flight, 2 = abandon it."""

    def __init__(self) -> None:
        self.count = 0
        self._previous: Callable | int | None = None

    def __enter__(self) -> Interrupts:
        self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        signal.signal(signal.SIGINT, self._previous or signal.default_int_handler)

    def _handle(self, signum: int, frame: object) -> None:
        self.count += 1
        if self.count == 1:
            print("\nvanthu: finishing the documents in flight; press Ctrl-C again to abandon them",
                  file=sys.stderr, flush=True)


def select(jobs: Sequence[Job], sink: Sink, *, force: bool = False, retry_failed: bool = False) -> list[Job]:
    """The jobs to run: all with ``force``; only earlier failures with ``retry_failed``;
    otherwise those the sink has not seen (a re-run after a crash does the rest)."""
    if force:
        return list(jobs)
    wanted = "failed" if retry_failed else None
    return [j for j in jobs if sink.status(j) == wanted]


def run_batch(
    jobs: Sequence[Job], sink: Sink, *, workers: int = 1, force: bool = False, retry_failed: bool = False,
    scheduler: str | None = None,
    on_start: Callable[[int], None] = lambda n: None, on_outcome: Callable[[Outcome], None] = lambda o: None,
) -> Summary:
    """Process ``jobs`` with ``workers`` local processes (1: in this process), or on the Dask
    cluster at ``scheduler``, recording each outcome in ``sink`` as it arrives."""
    summary = Summary(total=len(jobs))
    todo = select(jobs, sink, force=force, retry_failed=retry_failed)
    summary.skipped = len(jobs) - len(todo)
    on_start(len(todo))
    start = time.perf_counter()
    with Interrupts() as interrupts:
        source = _dask_outcomes(todo, scheduler, interrupts) if scheduler else _outcomes(todo, workers, interrupts)
        for outcome in source:
            sink.save(outcome)
            _count(summary, outcome)
            on_outcome(outcome)
        summary.interrupted = interrupts.count > 0
    summary.seconds = time.perf_counter() - start
    return summary


def _count(summary: Summary, outcome: Outcome) -> None:
    if outcome.ok:
        summary.done += 1
        summary.pages += outcome.pages
    else:
        summary.failed += 1
        summary.failures.append(outcome)


def _outcomes(jobs: Sequence[Job], workers: int, interrupts: Interrupts) -> Iterator[Outcome]:
    if workers <= 1:
        for job in jobs:
            if interrupts.count:
                return
            yield run_job(job)
        return
    yield from _pool_outcomes(jobs, workers, interrupts)


def _pool_outcomes(jobs: Sequence[Job], workers: int, interrupts: Interrupts) -> Iterator[Outcome]:
    """At most two jobs per worker are queued at a time, so memory does not grow with the archive."""
    pending = iter(jobs)
    in_flight: set[Future] = set()
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    try:
        while True:
            while not interrupts.count and len(in_flight) < 2 * workers:
                job = next(pending, None)
                if job is None:
                    break
                in_flight.add(pool.submit(run_job, job))
            if not in_flight or interrupts.count > 1:
                break
            done, in_flight = wait(in_flight, timeout=0.5, return_when=FIRST_COMPLETED)
            for future in done:
                yield future.result()
    finally:
        abandon = interrupts.count > 1
        pool.shutdown(wait=not abandon, cancel_futures=True)
        if abandon:
            for process in list(getattr(pool, "_processes", {}).values()):
                process.terminate()


def _dask_outcomes(jobs: Sequence[Job], scheduler: str, interrupts: Interrupts) -> Iterator[Outcome]:
    """The same jobs on a Dask distributed cluster (its workers need Tesseract and vanthu)."""
    try:
        from distributed import Client, as_completed
    except ImportError as e:
        from pipeline.errors import MissingDependencyError

        raise MissingDependencyError("running on a cluster needs Dask", hint="pip install 'dask[distributed]'") from e
    with Client(scheduler) as client:
        futures = client.map(run_job, list(jobs), pure=False)
        try:
            for future in as_completed(futures):
                if interrupts.count > 1:
                    break
                yield future.result()
        finally:
            client.cancel([f for f in futures if not f.done()])
