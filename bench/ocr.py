"""OCR benchmark: character error rate and speed per sample, plain Tesseract vs vanthu.

    .venv/bin/python bench/ocr.py [SAMPLES_DIR] [--json OUT.json]

For every scan in the folder with a ground truth beside it (``NAME.gt.txt``, one line per
printed line, columns apart), it runs, on the same machine in the same run:
  plain     ``tesseract FILE - -l vie`` as a user would (every page of a PDF/TIFF rendered
            by vanthu's ingest, no clean-up);
  no-prep   vanthu with preprocessing switched off (layout repair only);
  vanthu    vanthu with its default preprocessing.
It prints CER, seconds per page, and the share of vanthu's time spent outside Tesseract.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_THREAD_LIMIT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2  # noqa: E402

from pipeline import ingest  # noqa: E402
from pipeline.metrics import cer  # noqa: E402
from pipeline.ocr import tesseract  # noqa: E402
from pipeline.preprocess import PreprocessSettings  # noqa: E402
from pipeline.spine import Settings, ocr_file  # noqa: E402
from _clock import EngineClock  # noqa: E402

SCAN_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".pdf"}


def plain_tesseract(path: Path) -> str:
    """What `tesseract -l vie` gives for each page, pages joined."""
    texts = []
    for page in ingest.iter_pages(path):
        with tempfile.TemporaryDirectory() as tmp:
            img = Path(tmp) / "p.png"
            cv2.imwrite(str(img), page.image if page.image.ndim == 2 else cv2.cvtColor(page.image, cv2.COLOR_RGB2BGR))
            out = subprocess.run(["tesseract", str(img), "-", "-l", "vie", "--dpi", str(page.dpi)],
                                 capture_output=True, text=True, check=True)
            texts.append(out.stdout)
    return "\n".join(texts)


def run_vanthu(path: Path, settings: Settings) -> tuple[str, float, float, int]:
    with EngineClock() as clock:
        start = time.perf_counter()
        pages = [r.page for r in ocr_file(path, settings)]
        total = time.perf_counter() - start
    return "\n".join(p.text for p in pages), total, clock.seconds, len(pages)


def bench(samples: Path) -> list[dict]:
    rows = []
    for scan in sorted(p for p in samples.iterdir() if p.suffix.lower() in SCAN_SUFFIXES):
        truth_path = scan.with_name(scan.stem + ".gt.txt")
        if not truth_path.exists():
            continue
        truth = truth_path.read_text(encoding="utf-8")
        start = time.perf_counter()
        plain = plain_tesseract(scan)
        plain_s = time.perf_counter() - start
        raw_text, _, _, _ = run_vanthu(scan, Settings(preprocess=PreprocessSettings.none()))
        text, total, engine, pages = run_vanthu(scan, Settings())
        rows.append({
            "sample": scan.name, "pages": pages, "condition": scan.name.split(".")[-2],
            "chars": len(" ".join(truth.split())),
            "cer_plain": cer(plain, truth), "cer_no_prep": cer(raw_text, truth), "cer_vanthu": cer(text, truth),
            "s_per_page_plain": plain_s / pages, "s_per_page_vanthu": total / pages,
            "outside_share": (total - engine) / engine if engine else float("nan"),
        })
        print(_format(rows[-1]), flush=True)
    return rows


HEADER = f"{'sample':34} {'pages':>5} {'CER plain':>9} {'no-prep':>8} {'vanthu':>8} {'s/p plain':>9} {'s/p vanthu':>10} {'outside':>8}"


def _format(r: dict) -> str:
    return (f"{r['sample']:34} {r['pages']:5d} {r['cer_plain']:9.2%} {r['cer_no_prep']:8.2%} {r['cer_vanthu']:8.2%} "
            f"{r['s_per_page_plain']:9.2f} {r['s_per_page_vanthu']:10.2f} {r['outside_share']:8.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("samples", nargs="?", type=Path, default=Path(__file__).resolve().parents[1] / "samples")
    parser.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, {tesseract.engine_version()}")
    print(HEADER)
    rows = bench(args.samples)
    if not rows:
        sys.exit(f"no scans with NAME.gt.txt ground truth in {args.samples}")
    print()
    print(summary(rows))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


def summary(rows: list[dict]) -> str:
    """CER per condition over all its samples (errors / characters), plain vs vanthu."""
    lines = [f"{'condition':12} {'samples':>7} {'CER plain':>9} {'vanthu':>8} {'ratio':>6} {'outside (mean)':>15}"]
    for cond in sorted({r["condition"] for r in rows}):
        group = [r for r in rows if r["condition"] == cond]
        chars = sum(r["chars"] for r in group)
        plain = sum(r["cer_plain"] * r["chars"] for r in group) / chars
        ours = sum(r["cer_vanthu"] * r["chars"] for r in group) / chars
        outside = sum(r["outside_share"] for r in group) / len(group)
        ratio = f"{ours / plain:6.2f}" if plain else "     -"
        lines.append(f"{cond:12} {len(group):7d} {plain:9.2%} {ours:8.2%} {ratio} {outside:15.1%}")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
