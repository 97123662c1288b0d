"""Batch benchmark: throughput with 1 and 2 workers, failures recorded, memory flat.

    .venv/bin/python bench/batch.py [--pages 1000] [--bad 20] [--workers 1 2] [--keep DIR]

Builds a synthetic archive in a temporary folder: multi-page PDFs and TIFFs and single PNG
pages rendered from held-out corpus text (10 pages a document at most), plus ``--bad``
broken files of every kind (zero bytes, truncated PDF, password PDF, a PNG named .pdf, a
20,000 x 20,000 image header, text that is not UTF-8 or any Vietnamese legacy encoding).
Then runs ``vanthu process`` over it with each worker count in turn, on the same machine in
the same run, and reports pages per second, the speed-up, the failures recorded, and the
peak memory of the parent and of the largest worker measured after the first tenth of the
documents and at the end.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import shutil
import struct
import sys
import tempfile
import threading
import time
import zlib
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline import batch  # noqa: E402
from pipeline.corpus import iter_corpus_lines  # noqa: E402
from pipeline.render import degrade, render_body_pages, wrap_paragraphs  # noqa: E402
from pipeline.spine import Settings  # noqa: E402
from _clock import EngineClock  # noqa: E402


def build_archive(folder: Path, pages: int, bad: int) -> tuple[int, int]:
    """Write documents totalling ``pages`` pages and ``bad`` broken files; returns (docs, pages)."""
    paragraphs = iter_corpus_lines(split="heldout")
    made, docs = 0, 0
    conditions = itertools.cycle(["clean", "office", "clean", "photocopy", "clean"])
    while made < pages:
        size = min(10, pages - made) if docs % 3 else 1
        lines = wrap_paragraphs(itertools.islice(paragraphs, 12 * size))
        rendered = render_body_pages(lines)[:size]
        images = [degrade(p.image, next(conditions), seed=docs * 100 + i)[0] for i, p in enumerate(rendered)]
        sub = folder / f"{2019 + docs % 4}"
        sub.mkdir(parents=True, exist_ok=True)
        if len(images) == 1:
            images[0].save(sub / f"doc{docs:04d}.png", dpi=(300, 300))
        elif docs % 2:
            images[0].save(sub / f"doc{docs:04d}.pdf", save_all=True, append_images=images[1:], resolution=300)
        else:
            images[0].save(sub / f"doc{docs:04d}.tif", save_all=True, append_images=images[1:], dpi=(300, 300),
                           compression="tiff_lzw")
        made += len(images)
        docs += 1
    for n in range(bad):
        _bad_file(folder / "bad", n)
    return docs, made


def _bad_file(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    kind = n % 6
    if kind == 0:
        (folder / f"zero{n}.pdf").write_bytes(b"")
    elif kind == 1:
        (folder / f"truncated{n}.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog")
    elif kind == 2:
        from pypdf import PdfWriter

        writer = PdfWriter()
        writer.add_blank_page(200, 200)
        writer.encrypt(user_password="secret")
        with (folder / f"password{n}.pdf").open("wb") as fh:
            writer.write(fh)
    elif kind == 3:
        from PIL import Image

        Image.new("L", (100, 100), 255).save(folder / f"png{n}.pdf", format="PNG")
    elif kind == 4:
        def chunk(k: bytes, d: bytes) -> bytes:
            return struct.pack(">I", len(d)) + k + d + struct.pack(">I", zlib.crc32(k + d))
        ihdr = struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0)
        (folder / f"bomb{n}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
                                              + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b""))
    else:
        (folder / f"binary{n}.txt").write_bytes(bytes(range(256)) * 8)


class MemoryWatch:
    """Samples, twice a second, the resident memory of this process and of its largest child."""

    def __init__(self) -> None:
        self.parent = self.child = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> MemoryWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            self.parent = max(self.parent, _rss_mb(os.getpid()))
            self.child = max([self.child] + [_rss_mb(pid) for pid in _children(os.getpid())])


def _children(parent: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == parent:
                pids.append(int(entry.name))
    return pids


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run(archive: Path, out: Path, workers: int) -> dict:
    jobs = batch.make_jobs(batch.find_documents([archive]), out, Settings())
    tenth = max(1, len(jobs) // 10)
    early: dict[str, float] = {}
    with MemoryWatch() as memory, EngineClock() as clock:
        def watch(outcome: batch.Outcome) -> None:
            watch.count += 1
            if watch.count == tenth:
                early["parent"], early["child"] = memory.parent, memory.child
        watch.count = 0
        summary = batch.run_batch(jobs, batch.FilesOnly(), workers=workers, on_outcome=watch)
    parent, child = memory.parent, memory.child
    timed = workers == 1 and clock.seconds and summary.seconds
    outside = summary.seconds - clock.seconds
    return {
        "workers": workers, "documents": summary.done + summary.failed, "pages": summary.pages,
        "seconds": round(summary.seconds, 1), "pages_per_s": round(summary.pages / summary.seconds, 3),
        "failed": summary.failed, "failed_files": sorted(o.job.path.name for o in summary.failures),
        # with one worker everything runs in this process, so Tesseract's share can be timed
        # time outside Tesseract as a share of the whole run, and against the time inside it
        "outside_tesseract_share": round(outside / summary.seconds, 3) if timed else None,
        "outside_vs_inside_tesseract": round(outside / clock.seconds, 3) if timed else None,
        "rss_parent_mb_early": round(early.get("parent", 0), 1), "rss_parent_mb_end": round(parent, 1),
        "rss_worker_mb_early": round(early.get("child", 0), 1), "rss_worker_mb_end": round(child, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--bad", type=int, default=20)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--keep", type=Path, help="build (or reuse) the archive here instead of a temporary folder")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    root = args.keep or Path(tempfile.mkdtemp(prefix="vanthu-bench-"))
    archive = root / "archive"
    if not archive.exists():
        start = time.perf_counter()
        docs, pages = build_archive(archive, args.pages, args.bad)
        print(f"archive: {docs} documents, {pages} pages, {args.bad} bad files "
              f"(built in {time.perf_counter() - start:.0f} s)")
    results = []
    for workers in args.workers:
        out = root / f"out-{workers}"
        shutil.rmtree(out, ignore_errors=True)
        results.append(run(archive, out, workers))
        print(json.dumps(results[-1]), flush=True)
    if len(results) > 1:
        print(f"speed-up {results[-1]['workers']} workers vs {results[0]['workers']}: "
              f"{results[-1]['pages_per_s'] / results[0]['pages_per_s']:.2f}x")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
