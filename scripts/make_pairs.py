"""Make synthetic (OCR line, true line) pairs for the channel model and the corrector bench.

Corpus paragraphs of one split (``pipeline.corpus``: "train" for learning, "heldout" for
evaluation) are wrapped to the page width, rendered as A4 pages in Liberation Serif and TeX
Gyre Termes (``pipeline.render``), damaged like a scan (clean, office, photocopy), written to a
PNG and read by Tesseract with ``-l eng`` (the legacy damage of old reports) and ``-l vie`` (our
plain Tesseract with our language), and on request ``vanthu`` (our whole OCR stage: clean-up,
layout, re-reading, as ``vanthu ocr`` runs it). OCR lines are aligned to the true lines of their page and written to
``OUT/{split}-{engine}.tsv`` (columns: page id, OCR line, true line), with
``OUT/{split}-manifest.json`` recording fonts, conditions, seeds and the Tesseract version.

One Tesseract process runs at a time, with ``OMP_THREAD_LIMIT=1``. A run stops early when its
corpus sample is used up (the shipped model's first run made 150 of 160 pages). The four
training runs below made the pairs of the shipped channel model (see models/channel.README.md).

    .venv/bin/python scripts/make_pairs.py --split heldout            # 23-24 pages, ~3 min
    .venv/bin/python scripts/make_pairs.py --split heldout --engines vanthu --append  # same pages
    .venv/bin/python scripts/make_pairs.py --split train              # 160 pages, ~17 min
    .venv/bin/python scripts/make_pairs.py --split train --pages 100 --seed 2 \
        --upper-share 0.15 --append                                   # more, some in capitals
    .venv/bin/python scripts/make_pairs.py --split train --pages 60 --seed 3 \
        --upper-share 0.1 --conditions lowres150,fax,dark_border --append  # other scans
    .venv/bin/python scripts/make_pairs.py --split train --pages 60 --seed 4 \
        --upper-share 0.1 --conditions photocopy,office --append  # harsher photocopies
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.corpus import iter_corpus_lines
from pipeline.correct.align import align_lines
from pipeline.render import CONDITIONS as ALL_CONDITIONS
from pipeline.render import degrade, render_body_pages, wrap_paragraphs
from pipeline.render.body import lines_per_page

SCRIPT_VERSION = "make_pairs/1"
ROOT = Path(__file__).resolve().parents[1]
FONTS = ("liberation-serif", "termes")
CONDITIONS = ("clean", "office", "photocopy")
ENGINES = ("eng", "vie")  # plain Tesseract; "vanthu" (our OCR stage) on request
# Share of the sampled text per corpus file: mostly the legal register of the reports.
CORPUS_SHARES = {"phapdien-train.txt.xz": 0.7, "laws-vlc.txt.xz": 0.1, "viwiki-2017.txt.xz": 0.2}
# Approximate characters per file (both splits), to sample evenly through each file.
CORPUS_CHARS = {"phapdien-train.txt.xz": 75e6, "laws-vlc.txt.xz": 5.4e6, "viwiki-2017.txt.xz": 61e6}
HELDOUT_SHARE = 0.01
PARAGRAPH_CHARS = (40, 1500)
CHARS_PER_PAGE = 2400  # text per page: 30-45 printed lines, most of a page at 12-14 pt
PSM = 4
TESSERACT_TIMEOUT_S = 120


@dataclass(frozen=True, slots=True)
class PageJob:
    """One page to render: text font, damage condition, font size and damage seed."""

    page_id: str
    font: str
    condition: str
    font_size_pt: float
    seed: int


def plan_pages(
    split: str, pages: int, seed: int, conditions: tuple[str, ...] = CONDITIONS
) -> list[PageJob]:
    """Pages cycling through every font x condition, with font size 12-14 pt."""
    rng = random.Random(f"{seed}-{split}")
    combos = list(itertools.product(FONTS, conditions))
    return [
        PageJob(f"{split}-s{seed}-{k:04d}", *combos[k % len(combos)],
                rng.choice((12.0, 13.0, 14.0)), rng.randrange(2**31))
        for k in range(pages)
    ]


def sample_paragraphs(split: str, n_chars: int, seed: int) -> list[str]:
    """Corpus paragraphs of one split, sampled at random from each file by its share."""
    rng = random.Random(f"{seed}-{split}-text")
    out: list[str] = []
    for name, share in CORPUS_SHARES.items():
        quota, taken = int(n_chars * share), 0
        in_split = CORPUS_CHARS[name] * (HELDOUT_SHARE if split == "heldout" else 1 - HELDOUT_SHARE)
        rate = min(1.0, 1.5 * quota / in_split)
        for line in iter_corpus_lines((name,), split=split):  # type: ignore[arg-type]
            if taken >= quota:
                break
            if PARAGRAPH_CHARS[0] <= len(line) <= PARAGRAPH_CHARS[1] and rng.random() < rate:
                out.append(line)
                taken += len(line)
    rng.shuffle(out)
    return out


def run_tesseract(image_path: Path, lang: str) -> str:
    """Tesseract's plain text for one page image (one process, one thread)."""
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    cmd = ["tesseract", str(image_path), "stdout", "-l", lang, "--psm", str(PSM)]
    done = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=TESSERACT_TIMEOUT_S, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"tesseract failed on {image_path}: {done.stderr.strip()[:300]}")
    return done.stdout


def run_vanthu(image_path: Path) -> str:
    """vanthu's own OCR of one page image (clean-up, layout, re-reading; no correction)."""
    from pipeline.outputs import to_text
    from pipeline.spine import Settings, ocr_file

    return to_text([result.page for result in ocr_file(image_path, Settings())])


def read_page(image_path: Path, engine: str) -> str:
    """The page's OCR text: plain Tesseract with one language, or vanthu's whole OCR stage."""
    return run_vanthu(image_path) if engine == "vanthu" else run_tesseract(image_path, engine)


def code_version() -> dict[str, object]:
    """The checkout's commit and whether the code that shapes the pairs had local changes."""
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    shaping = ["pipeline/render", "pipeline/correct/align.py", "scripts/make_pairs.py"]
    changed = git("status", "--porcelain", "--", *shaping)
    return {"commit": git("rev-parse", "HEAD"), "local_changes": bool(changed)}


def tesseract_version() -> str:
    """First line of ``tesseract --version``."""
    done = subprocess.run(["tesseract", "--version"], capture_output=True, text=True, check=False)
    return (done.stdout or done.stderr).splitlines()[0].strip()


def page_pairs(ocr_text: str, true_lines: list[str]) -> list[tuple[str, str]]:
    """(OCR line, true line) pairs of one page, aligned on skeletons."""
    ocr_lines = [line.strip() for line in ocr_text.splitlines() if line.strip()]
    return [(ocr_lines[i], true_lines[j]) for i, j in align_lines(ocr_lines, true_lines)]


def render_job(job: PageJob, paragraphs: list[str], image_path: Path) -> list[str]:
    """Render and damage one page into ``image_path``; returns its true lines."""
    lines = wrap_paragraphs(paragraphs, job.font, job.font_size_pt)
    capacity = lines_per_page(font_size_pt=job.font_size_pt)
    page = render_body_pages(lines[:capacity], font=job.font, font_size_pt=job.font_size_pt)[0]
    image, dpi = degrade(page.image, job.condition, seed=job.seed)
    image.save(image_path, dpi=(dpi, dpi))
    return page.lines


def take_text(paragraphs: list[str], n_chars: int) -> list[str]:
    """Pop paragraphs from the front of the list until ``n_chars`` characters are taken."""
    taken: list[str] = []
    while paragraphs and sum(map(len, taken)) < n_chars:
        taken.append(paragraphs.pop(0))
    return taken


def upper_some(paragraphs: list[str], share: float, seed: int) -> list[str]:
    """The paragraphs with a random ``share`` of them in capitals (like report headings)."""
    rng = random.Random(f"{seed}-upper")
    return [p.upper() if rng.random() < share else p for p in paragraphs]


@dataclass(frozen=True, slots=True)
class RunSettings:
    """What one run of this script makes."""

    split: str
    pages: int
    seed: int
    engines: tuple[str, ...]
    upper_share: float = 0.0
    append: bool = False
    conditions: tuple[str, ...] = CONDITIONS


def make_pairs(run: RunSettings, out_dir: Path) -> dict:
    """Render, OCR and align the run's pages; write (or extend) the TSVs; return its manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    split, pages, seed, engines = run.split, run.pages, run.seed, run.engines
    jobs = plan_pages(split, pages, seed, run.conditions)
    paragraphs = sample_paragraphs(split, CHARS_PER_PAGE * pages, seed)
    paragraphs = upper_some(paragraphs, run.upper_share, seed)
    mode = "a" if run.append else "w"
    outputs = {e: open(out_dir / f"{split}-{e}.tsv", mode, encoding="utf-8") for e in engines}
    counts = {e: 0 for e in engines}
    done: list[PageJob] = []
    started = time.time()
    with tempfile.TemporaryDirectory() as tmp:
        for k, job in enumerate(jobs):
            if not paragraphs:
                print(f"corpus sample used up after {k} pages", file=sys.stderr)
                break
            image_path = Path(tmp) / f"{job.page_id}.png"
            true_lines = render_job(job, take_text(paragraphs, CHARS_PER_PAGE), image_path)
            for engine in engines:
                pairs = page_pairs(read_page(image_path, engine), true_lines)
                for ocr_line, true_line in pairs:
                    row = f"{job.page_id}\t{_clean(ocr_line)}\t{_clean(true_line)}\n"
                    outputs[engine].write(row)
                outputs[engine].flush()
                counts[engine] += len(pairs)
            done.append(job)
            print(f"{k + 1}/{pages} {job.page_id} {job.font} {job.condition} "
                  f"{time.time() - started:.0f}s", file=sys.stderr, flush=True)
    for fh in outputs.values():
        fh.close()
    return {
        "script": SCRIPT_VERSION, "split": split, "seed": seed, "psm": PSM,
        "upper_share": run.upper_share, "conditions": list(run.conditions),
        "tesseract": tesseract_version(), "code": code_version(),
        "engines": list(engines), "line_pairs": counts,
        "corpus_shares": CORPUS_SHARES, "pages": [asdict(job) for job in done],
        "made": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def read_runs(path: Path) -> list[dict]:
    """The runs recorded in a split's manifest (an older single-run manifest is one run)."""
    if not path.exists():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["runs"] if "runs" in data else [data]


def write_manifest(path: Path, runs: list[dict]) -> None:
    """A split's manifest: its runs, and all their pages at the top level for readers that
    only want page ids, fonts and conditions."""
    pages = [page for run in runs for page in run.get("pages", [])]
    data = {"runs": runs, "pages": pages}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def _clean(text: str) -> str:
    return " ".join(text.split())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", choices=("train", "heldout"), required=True)
    parser.add_argument("--pages", type=int, default=None, help="default: 160 train, 24 heldout")
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "pairs")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--upper-share", type=float, default=0.0,
                        help="share of paragraphs printed in capitals")
    parser.add_argument("--conditions", default=",".join(CONDITIONS),
                        help=f"scan conditions to cycle through, from: {', '.join(ALL_CONDITIONS)}")
    parser.add_argument("--append", action="store_true",
                        help="add to the split's existing pairs and manifest (use another --seed)")
    args = parser.parse_args(argv)
    run = RunSettings(
        args.split, args.pages or (160 if args.split == "train" else 24), args.seed,
        tuple(e for e in args.engines.split(",") if e), args.upper_share, args.append,
        tuple(c for c in args.conditions.split(",") if c),
    )
    unknown = set(run.conditions) - set(ALL_CONDITIONS)
    if unknown:
        parser.error(f"unknown conditions {sorted(unknown)}")
    path = args.out / f"{args.split}-manifest.json"
    runs = read_runs(path) if run.append else []
    manifest = make_pairs(run, args.out)
    runs.append(manifest)
    write_manifest(path, runs)
    print(f"wrote {manifest['line_pairs']} line pairs; manifest {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
