"""Store benchmark: load 10,000 synthetic reports' rows, then time plans, directives and search.

    .venv/bin/python bench/store.py [--reports 10000] [--db PATH_OR_URL] [--batch 500]

Targets (issue 5): the load under 60 s; each query under 200 ms on that database. The records
are generated before the clock starts (no OCR); each query is timed end to end through the
library call the command uses (open a read-only connection, query, format rows), best of 5.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pipeline.store import open_store
from pipeline.store import queries
from pipeline.store.db import is_postgres
from pipeline.store.synthetic import document_pool, record


def time_call(fn, repeat: int = 5) -> tuple[float, float, int]:
    """Best and median wall time (ms) of ``fn()``, and the size of its answer."""
    times, size = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        size = len(fn())
        times.append((time.perf_counter() - start) * 1000)
    return min(times), statistics.median(times), size


def load(url: str, n: int, batch: int, seed: int) -> float:
    rng = random.Random(seed)
    pool = document_pool(rng)
    docs = [record(rng, i, pool) for i in range(n)]
    with open_store(url) as store:
        start = time.perf_counter()
        run = store.start_run("bench", {})
        for i in range(0, n, batch):
            store.save_documents(docs[i:i + batch], run)
        store.finish_run(run, ok=n, failed=0)
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500, help="reports per transaction")
    parser.add_argument("--db", help="database (default: a new SQLite file in a temporary folder); "
                        "a PostgreSQL database is used as given, so give an empty one")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or str(Path(tmp) / "bench.sqlite")
        seconds = load(url, args.reports, args.batch, args.seed)
        backend = "postgresql" if is_postgres(url) else "sqlite"
        print(f"{backend}: loaded {args.reports} reports in {seconds:.1f} s "
              f"({seconds / args.reports * 1000:.2f} ms a report; target < 60 s for 10,000)")
        checks = {
            "plans --by-year --from 2019 --to 2022": lambda: queries.plans_by_year(url, year_from=2019, year_to=2022),
            "plans --by-year (all years)": lambda: queries.plans_by_year(url),
            "directives (the 100 most cited: the default)": lambda: queries.directives(url),
            "directives --limit 0 (all)": lambda: queries.directives(url, limit=None),
            'search "dan van chinh quyen"': lambda: queries.search(url, "dan van chinh quyen"),
            'search "cải cách hành chính"': lambda: queries.search(url, "cải cách hành chính"),
            "compliance --subject 'dân vận' --from 2019 --to 2022":
                lambda: queries.compliance(url, subject="dân vận", year_from=2019, year_to=2022),
        }
        for name, fn in checks.items():
            best, median, size = time_call(fn)
            print(f"  {name:55} best {best:7.1f} ms  median {median:7.1f} ms  ({size} rows; target < 200 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
