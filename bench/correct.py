"""Benchmark of the corrector: syllable accuracy before (raw) and after, and speed.

    .venv/bin/python bench/correct.py [--lines 400] [--no-channel] [--json out.json]

(a) the seed report's part 1 (first 117 OCR lines, corrected with the whole report as
    context) against its reference; (b) held-out corpus lines with every mark stripped;
(c) held-out corpus pages rendered and OCRed with Tesseract ``eng`` (build/pairs/, made by
    scripts/make_pairs.py); (d) held-out corpus lines that are already correct (share of
    syllables unchanged); (e) plain Tesseract ``vie`` OCR of the same pages, by scan condition,
    and (e2) vanthu's own OCR stage on them (``make_pairs.py --engines vanthu``);
    speed in syllables per CPU second after loading, on held-out pages the models have not seen
    (fresh models, the median of 3 runs: all pages as one text, with and without the precomputed
    readings table, and page by page, also without the compiled modules; then the best of 3 warm
    passes), for text stripped of marks and for eng, vie and vanthu OCR pages;
(f) held-out lines with 5% of their words cut by a stray space, (g) with the last word of 30%
    of them hyphenated across the line end (the reference has the word whole).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import statistics
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.corpus import CORPUS_FILES, iter_corpus_lines  # noqa: E402
from pipeline.correct import align, channel, correct, decoder, load_models  # noqa: E402
from pipeline.correct.api import CorrectorSettings  # noqa: E402
from pipeline.correct.candidates import CandidateGenerator  # noqa: E402
from pipeline.correct.orthography import strip_diacritics  # noqa: E402
from pipeline.metrics import syllable_accuracy, syllable_tokens  # noqa: E402

SEED = ROOT.parent / "shared" / "seed"
PAIRS = ROOT / "build" / "pairs"
SHARES = {"phapdien-train.txt.xz": 0.6, "laws-vlc.txt.xz": 0.15, "viwiki-2017.txt.xz": 0.25}


def heldout_lines(n: int) -> list[str]:
    """The first lines of the held-out split of each corpus file, in fixed shares."""
    out = []
    for name in CORPUS_FILES:
        want = int(n * SHARES[name])
        for i, line in enumerate(iter_corpus_lines((name,), split="heldout")):
            if i >= want:
                break
            out.append(line)
    return out


def figure(name: str, raw: str, corrected: str, reference: str) -> dict:
    return {"set": name, "syllables": len(syllable_tokens(reference)),
            "raw": round(syllable_accuracy(raw, reference), 4),
            "corrected": round(syllable_accuracy(corrected, reference), 4)}


def seed_figure(models) -> dict | None:
    ocr_path, ref_path = SEED / "report-binhson-2022.ocr.txt", SEED / "report-binhson-2022.part1.reference.txt"
    if not ocr_path.exists():
        return None
    ocr = ocr_path.read_text(encoding="utf-8")
    reference = ref_path.read_text(encoding="utf-8")
    n = len(reference.splitlines())
    corrected = correct(ocr, models=models).text
    part = lambda text: "\n".join(text.splitlines()[:n])  # noqa: E731
    return figure("(a) seed part 1 (legacy eng OCR)", part(ocr), part(corrected), reference)


def split_syllables(lines: list[str], share: float = 0.05, seed: int = 7) -> list[str]:
    """``share`` of the words of 3+ letters cut in two by a stray space ("trong" -> "tr ong")."""
    rng = random.Random(seed)
    out = []
    for line in lines:
        words = line.split(" ")
        for i, word in enumerate(words):
            if len(word) >= 3 and word.isalpha() and rng.random() < share:
                cut = rng.randrange(1, len(word))
                words[i] = word[:cut] + " " + word[cut:]
        out.append(" ".join(words))
    return out


def hyphenate_line_ends(lines: list[str], share: float = 0.3, seed: int = 7) -> tuple[list[str], list[str]]:
    """(lines with the last word of ``share`` of them cut by a hyphen, its end carried to the next
    line: "phát tri-" / "ển ..."; the reference: the same lines with the word whole on the first)."""
    rng = random.Random(seed)
    cut_lines, reference = list(lines), list(lines)
    for i in range(len(lines) - 1):
        words = lines[i].split(" ")
        last = words[-1]
        if len(last) >= 4 and last.isalpha() and rng.random() < share:
            cut = rng.randrange(2, len(last) - 1)
            cut_lines[i] = " ".join(words[:-1] + [last[:cut] + "-"])
            cut_lines[i + 1] = last[cut:] + " " + cut_lines[i + 1]
    return cut_lines, reference


def read_pairs(path: Path) -> dict[str, tuple[str, str]]:
    """page id -> (OCR text, true text), lines joined in order."""
    pages: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        page, ocr, truth = (line.split("\t") + ["", ""])[:3]
        pages[page].append((ocr, truth))
    return {p: ("\n".join(o for o, _ in rows), "\n".join(t for _, t in rows)) for p, rows in pages.items()}


def pairs_figures(models, engine: str, pairs_dir: Path = PAIRS) -> list[dict]:
    path = pairs_dir / f"heldout-{engine}.tsv"
    if not path.exists():
        return []
    manifest = json.loads((pairs_dir / "heldout-manifest.json").read_text(encoding="utf-8"))
    runs = manifest.get("runs", [manifest])  # make_pairs/1 writes runs; its first version did not
    condition = {p["page_id"]: p["condition"] for run in runs for p in run.get("pages", [])}
    groups: dict[str, list[str]] = defaultdict(lambda: ["", "", ""])
    for page, (ocr, truth) in read_pairs(path).items():
        for key in ("all", condition.get(page, "?")) if engine != "eng" else ("all",):
            g = groups[key]
            g[0] += ocr + "\n\n"
            g[1] += correct(ocr, models=models).text + "\n\n"
            g[2] += truth + "\n\n"
    label = {"eng": "(c) held-out pages, eng OCR", "vie": "(e) held-out pages, vie OCR",
             "vanthu": "(e2) held-out pages, vanthu OCR"}[engine]
    return [figure(f"{label} [{k}]", *g) for k, g in sorted(groups.items())]


def _fresh(settings, extra: dict, readings: bool):
    """Models as a new process has them: loaded, every cache empty; optionally without the
    precomputed readings (the baseline of the speed figures)."""
    load_models.cache_clear()
    models = load_models(settings=settings, **extra)
    if not readings:
        plain = CandidateGenerator(models.lm, models.lexicon, models.channel)
        models = replace(models, generator=plain, readings_name="none (benchmark baseline)")
    return models


def speed(settings, extra: dict, texts: dict[str, list[str]], runs: int = 5, warm_runs: int = 3) -> dict[str, dict]:
    """Syllables per CPU second (process time: the machine is shared) on text the models have
    not seen, per kind of text given as pages; each fresh figure is the best of ``runs`` runs,
    each from freshly loaded models (as timeit reports: other processes on a shared machine
    only ever slow a run down, by up to 1.6x here), the page-by-page one also as the median.
    The runs go round all kinds and measures in turn, so that a spell of load on the machine
    slows one run of each figure rather than every run of one:

    - ``first_without_readings`` / ``first``: all pages as one text, one call, fresh models
      (every cache empty), without and with the precomputed readings;
    - ``page_by_page``: fresh models, one call per page, as a batch worker that starts on one-page
      documents (its caches fill as it goes); ``page_by_page_python`` the same without the
      compiled modules (:func:`python_only`);
    - ``warm``: the best of ``warm_runs`` more calls on the whole text (every cache filled).
    """
    whole = {name: "\n\n".join(pages) for name, pages in texts.items()}
    seconds: dict[tuple[str, str], list[float]] = {}
    for _ in range(runs):
        for name, pages in texts.items():
            for label, readings, calls in (("first_without_readings", False, [whole[name]]),
                                           ("first", True, [whole[name]]), ("page_by_page", True, pages)):
                seconds.setdefault((name, label), []).append(_fresh_seconds(settings, extra, readings, calls))
            with python_only():
                seconds.setdefault((name, "page_by_page_python"), []).append(_fresh_seconds(settings, extra, True, pages))
    out = {}
    for name, pages in texts.items():
        n = len(syllable_tokens(whole[name]))
        row = {"syllables": n, "pages": len(pages), "runs": runs}
        for label in ("first_without_readings", "first", "page_by_page", "page_by_page_python"):
            row[label] = round(n / min(seconds[name, label]))
        row["page_by_page_median"] = round(n / statistics.median(seconds[name, "page_by_page"]))
        row["warm"] = round(n / _warm_seconds(settings, extra, pages, whole[name], warm_runs))
        out[name] = row
    load_models.cache_clear()
    return out


def _warm_seconds(settings, extra: dict, pages: list[str], text: str, runs: int) -> float:
    """CPU seconds of the best of ``runs`` calls on ``text`` (the ``pages`` as one text) with
    every cache filled."""
    models = _fresh(settings, extra, True)
    for page in pages:
        correct(page, models=models)
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        correct(text, models=models)
        best = min(best, time.process_time() - start)
    return best


@contextmanager
def python_only():
    """The corrector without its compiled modules (beam, channel DP, search): the baseline they
    are measured against, with the same results."""
    flags = (decoder, align, channel)
    saved = [module.COMPILED for module in flags]
    for module in flags:
        module.COMPILED = False
    try:
        yield
    finally:
        for module, value in zip(flags, saved, strict=True):
            module.COMPILED = value


def _fresh_seconds(settings, extra: dict, readings: bool, calls: list[str]) -> float:
    """CPU seconds to correct ``calls`` one after the other with freshly loaded models."""
    models = _fresh(settings, extra, readings)
    start = time.process_time()
    for text in calls:
        correct(text, models=models)
    return time.process_time() - start


def speed_texts(lines: int, pairs_dir: Path, page_syllables: int = 500) -> dict[str, list[str]]:
    """Held-out pages for the speed figures: corpus lines that (b) and (d) do not use, stripped
    of marks and grouped into pages of about ``page_syllables``, and the held-out OCR pages
    (measured before (c), (e) and (e2) read them); and the seed report (legacy eng OCR)."""
    seen = set(heldout_lines(lines))
    unseen = [strip_diacritics(line) for line in heldout_lines(2 * lines) if line not in seen]
    pages: list[list[str]] = [[]]
    size = 0
    for line in unseen:
        if size >= page_syllables:
            pages.append([])
            size = 0
        pages[-1].append(line)
        size += len(line.split())
    texts = {"marks stripped": ["\n".join(page) for page in pages if page]}
    for engine in ("eng", "vie", "vanthu"):
        path = pairs_dir / f"heldout-{engine}.tsv"
        if path.exists():
            texts[f"{engine} OCR"] = [ocr for ocr, _ in read_pairs(path).values()]
    seed = SEED / "report-binhson-2022.ocr.txt"
    if seed.exists():  # one document of 5,736 syllables: whole and page by page are the same
        texts["seed report"] = [seed.read_text(encoding="utf-8")]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=400, help="held-out corpus lines for (b) and (d)")
    parser.add_argument("--no-channel", action="store_true", help="use the edit-distance fallback")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--keep-bonus", type=float, default=CorrectorSettings().keep_bonus)
    parser.add_argument("--channel-weight", type=float, default=CorrectorSettings().channel_weight)
    parser.add_argument("--beam", type=int, default=CorrectorSettings().beam)
    parser.add_argument("--cache-weight", type=float, default=CorrectorSettings().cache_weight)
    parser.add_argument("--models-dir", type=Path, default=None, help="other models/ (experiments)")
    parser.add_argument("--pairs-dir", type=Path, default=PAIRS, help="held-out OCR pairs (make_pairs.py)")
    parser.add_argument("--no-speed", action="store_true", help="accuracy figures only")
    parser.add_argument("--runs", type=int, default=5, help="fresh runs per speed figure (the best is shown)")
    args = parser.parse_args()
    settings = CorrectorSettings(args.channel_weight, args.keep_bonus, args.beam, args.cache_weight)
    extra = {"models_dir": args.models_dir} if args.models_dir else {}
    extra["use_channel"] = not args.no_channel
    speeds = {} if args.no_speed else speed(settings, extra, speed_texts(args.lines, args.pairs_dir), runs=args.runs)
    start = time.perf_counter()
    models = load_models(settings=settings, **extra)
    load_s = time.perf_counter() - start
    lines = heldout_lines(args.lines)
    clean = "\n".join(lines)
    stripped = "\n".join(strip_diacritics(line) for line in lines)
    rows = [r for r in [seed_figure(models)] if r]
    rows.append(figure("(b) held-out text, marks stripped", stripped, correct(stripped, models=models).text, clean))
    rows += pairs_figures(models, "eng", args.pairs_dir)
    rows.append(figure("(d) held-out correct text (unchanged)", clean, correct(clean, models=models).text, clean))
    rows += pairs_figures(models, "vie", args.pairs_dir)
    rows += pairs_figures(models, "vanthu", args.pairs_dir)
    split = "\n".join(split_syllables(lines))
    rows.append(figure("(f) held-out text, 5% of words split by a space", split, correct(split, models=models).text, clean))
    cut, whole = hyphenate_line_ends(lines)
    cut_text = "\n".join(cut)
    rows.append(figure("(g) held-out text, line ends hyphenated", cut_text, correct(cut_text, models=models).text,
                       "\n".join(whole)))
    result = {"channel": models.channel_name, "readings": models.readings_name, "load_s": round(load_s, 2),
              "syllables_per_s": speeds, "figures": rows}
    for row in rows:
        print(f"{row['set']:<48} n={row['syllables']:>6}  raw {row['raw']:.2%}  corrected {row['corrected']:.2%}")
    print(f"channel: {result['channel']}; readings: {result['readings']}; load {result['load_s']} s")
    if speeds:
        runs = next(iter(speeds.values()))["runs"]
        print(f"syllables per CPU second, fresh models (best of {runs} runs): whole text without the"
              " readings table, with it; page by page (and its median run); then warm; page by page"
              " without compiled code")
    for name, row in speeds.items():
        print(f"  {name:<15} n={row['syllables']:>6} ({row['pages']} pages)  {row['first_without_readings']:>7,}"
              f"  {row['first']:>7,}  {row['page_by_page']:>7,} ({row['page_by_page_median']:>7,})"
              f"  {row['warm']:>7,}  {row['page_by_page_python']:>7,}"
              f"   [table {row['first'] / row['first_without_readings']:.2f}x,"
              f" compiled {row['page_by_page'] / row['page_by_page_python']:.2f}x]")
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
