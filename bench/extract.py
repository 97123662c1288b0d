"""Benchmark of the structure and citation extractor (one command: ``python bench/extract.py``).

Prints, on the hand-labelled passages (tests/extract/data/passages.txt, and passages-holdout.txt
written after the rules were frozen): citation precision
and recall, type, date, year and canonical-symbol accuracy (targets >= 98%), issuer agreement;
on the seed report (corrected text and raw 1990s OCR): documents found; and the time
``extract()`` takes on a 20-page report built from the seed and the passages (target < 0.5 s).
"""

from __future__ import annotations

import re
import statistics
import sys
import time
from pathlib import Path

from pipeline.extract import extract, nlp
from pipeline.extract.evaluation import load_passages, score_passages

DATA = Path(__file__).resolve().parents[1] / "tests" / "extract" / "data"
LINES_PER_PAGE = 45


def build_long_report(pages: int = 20) -> str:
    """The corrected seed, then its body and the passages again with shifted numbers,
    until the text has ``pages`` pages of 45 lines."""
    seed = (DATA / "seed-binhson-2022.corrected.txt").read_text(encoding="utf-8")
    lines = seed.split("\n")
    head, body, closing = lines[:16], lines[16:435], lines[435:]
    passages = [p.text for p in load_passages(DATA / "passages.txt") if "Nơi nhận" not in p.text]
    out, shift = list(head), 0
    while len(out) + len(closing) < pages * LINES_PER_PAGE:
        bump = lambda m: str(int(m.group()) + shift)  # noqa: E731 - vary document numbers
        out.extend(re.sub(r"(?<![\d/-])\d{2,4}(?=[/-][A-ZĐ])", bump, line) for line in body)
        out.extend(re.sub(r"(?<![\d/-])\d{2,4}(?=[/-][A-ZĐ])", bump, p) for p in passages)
        shift += 1000
    return "\n".join(out[: pages * LINES_PER_PAGE - len(closing)] + closing)


def time_call(func, arg, repeat: int = 7) -> float:  # type: ignore[no-untyped-def]
    """Median wall time of ``func(arg)`` in seconds, after one warm-up call."""
    func(arg)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func(arg)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report_scores(name: str) -> None:
    """Print the scores of one labelled file."""
    passages = load_passages(DATA / name)
    s = score_passages(passages)
    print(f"{name}: {len(passages)} passages, cited documents: {s.expected}, predicted: {s.predicted}")
    print(f"  citation precision {s.precision:.1%}  recall {s.recall:.1%}")
    print(f"  type accuracy {s.rate(s.type_ok):.1%}  date accuracy {s.rate(s.date_ok):.1%}  "
          f"year accuracy {s.rate(s.year_ok):.1%}  canonical symbol {s.rate(s.symbol_exact):.1%}")
    print(f"  issuer agrees with label {s.issuer_ok}/{s.issuer_labelled}")
    for error in s.errors:
        print(f"    {error}")


def main() -> int:
    report_scores("passages.txt")
    report_scores("passages-holdout.txt")
    for name in ("corrected", "ocr"):
        text = (DATA / f"seed-binhson-2022.{name}.txt").read_text(encoding="utf-8")
        result = extract(text)
        print(f"seed ({name}): {len(result.citations)} cited documents, top sections "
              f"{[s.number for s in result.sections]}")
    report = build_long_report()
    n_lines = report.count("\n") + 1
    seconds = time_call(extract, report)
    print(f"20-page report ({n_lines} lines, {len(report)} chars, {len(extract(report).citations)} documents): "
          f"extract() {seconds * 1000:.0f} ms (median of 7)")
    pipeline = nlp()
    print(f"  spaCy pipeline nlp(text): {time_call(pipeline, report, repeat=3) * 1000:.0f} ms (median of 3)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
