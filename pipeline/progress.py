"""Progress of a batch: a bar on a terminal, JSON lines for machines, or nothing."""

from __future__ import annotations

import json
import sys
import time
from typing import TextIO

from pipeline.batch import Outcome


class Progress:
    """Documents and pages done, pages per second, ETA and errors so far.

    ``mode`` is "bar" (shown only when standard error is a terminal), "json" (one object
    per finished document on standard error) or "none".
    """

    def __init__(self, mode: str = "bar", stream: TextIO | None = None) -> None:
        self.mode = mode
        self.stream = stream or sys.stderr
        self.total = self.docs = self.pages = self.errors = 0
        self.start = time.perf_counter()
        self._bar = None

    def begin(self, total: int) -> None:
        self.total, self.start = total, time.perf_counter()
        if self.mode == "bar" and self.stream.isatty() and total:
            from tqdm import tqdm

            self._bar = tqdm(total=total, unit="doc", file=self.stream, dynamic_ncols=True)

    def update(self, outcome: Outcome) -> None:
        self.docs += 1
        self.pages += outcome.pages
        self.errors += not outcome.ok
        rate = self.pages / max(1e-9, time.perf_counter() - self.start)
        if self._bar is not None:
            self._bar.set_postfix_str(f"{self.pages} pages, {rate:.2f} pages/s, {self.errors} errors", refresh=False)
            self._bar.update(1)
        elif self.mode == "json":
            remaining = self.total - self.docs
            docs_rate = self.docs / max(1e-9, time.perf_counter() - self.start)
            print(json.dumps({
                "source": str(outcome.job.path), "ok": outcome.ok, "error": outcome.message or None,
                "docs_done": self.docs, "docs_total": self.total, "pages_done": self.pages,
                "pages_per_s": round(rate, 3), "errors": self.errors,
                "eta_s": round(remaining / docs_rate, 1) if docs_rate else None,
            }, ensure_ascii=False), file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
