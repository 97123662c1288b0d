"""Precompute the readings of frequent observed tokens (models/readings-DATE.npz).

    .venv/bin/python scripts/build_readings.py [--words N] [--skeletons N] [--ocr-min 1]

The corrector's candidate search (channel backward search and scoring) is run once here for
the tokens that make up over 99% of running text, so that a document's first page does not
pay for it (see ``pipeline/correct/readings.py``). About 14 minutes on one core for:

- the tokens of the corpus's training split (``build/token-counts.tsv.gz``, written by
  ``scripts/build_models.py``; all of them, or the ``--words`` most frequent): clean text;
- the skeletons of those tokens (all, or the ``--skeletons`` most frequent): text that lost
  its marks;
- the OCR tokens seen at least ``--ocr-min`` times on the synthetic training pages
  (``build/pairs/train-{eng,vie}.tsv``, ``scripts/make_pairs.py``): damaged text;
- every number of one or two digits, for the words OCR may have read as digits ("6": "có").

No held-out text is used. The result is exactly what the search returns for those tokens with
the models in ``models/`` now; the file records their fingerprint, and the corrector ignores
it once they change (rebuild it after rebuilding the language or channel model).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.correct.api import load_models, newest  # noqa: E402
from pipeline.correct.candidates import CandidateGenerator, observed_key  # noqa: E402
from pipeline.correct.orthography import skeleton  # noqa: E402
from pipeline.correct.readings import models_fingerprint, save_readings  # noqa: E402
from pipeline.correct.segment import line_slots, normalize_input  # noqa: E402
from pipeline.paths import DICTIONARIES_DIR, MODELS_DIR  # noqa: E402

SCRIPT_VERSION = "build_readings/2"  # 2: the word readings of one- and two-digit numbers too
NUMBER_KEYS = [str(n) for n in range(10)] + [f"{n:02d}" for n in range(100)]
COUNTS = ROOT / "build" / "token-counts.tsv.gz"
PAIRS = ROOT / "build" / "pairs"


def corpus_counts(path: Path = COUNTS) -> Counter[str]:
    """Observed keys of the training split's tokens with their counts."""
    if not path.exists():
        sys.exit(f"{path} is missing: run scripts/build_models.py first (it counts the corpus)")
    counts: Counter[str] = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            token, _, count = line.rstrip("\n").partition("\t")
            key = observed_key(token) if token else None
            if key is not None and not key.isdigit():
                counts[key] += int(count)
    return counts


def ocr_counts(paths: list[Path]) -> Counter[str]:
    """Observed keys of the word slots on the OCR side of training pairs."""
    counts: Counter[str] = Counter()
    for path in paths:
        for row in path.read_text(encoding="utf-8").splitlines():
            fields = row.split("\t")
            if len(fields) < 2:
                continue
            for slot in line_slots(normalize_input(fields[1]), 0):
                key = observed_key(slot.text) if slot.is_word else None
                if key is not None:
                    counts[key] += 1
    return counts


def choose_tokens(words: int | None, skeletons: int | None, ocr_min: int) -> tuple[list[str], dict]:
    counts = corpus_counts()
    by_skeleton: Counter[str] = Counter()
    for token, count in counts.items():
        by_skeleton[skeleton(token)] += count
    pair_files = sorted(PAIRS.glob("train-*.tsv"))
    if not pair_files:
        print(f"note: no OCR training pairs in {PAIRS}; damaged tokens are not precomputed", file=sys.stderr)
    damaged = ocr_counts(pair_files)
    chosen = dict.fromkeys(t for t, _ in counts.most_common(words))
    chosen.update(dict.fromkeys(s for s, _ in by_skeleton.most_common(skeletons)))
    chosen.update(dict.fromkeys(t for t, c in damaged.most_common() if c >= ocr_min))
    sources = {"token_counts": str(COUNTS.relative_to(ROOT)), "pairs": [str(p.relative_to(ROOT)) for p in pair_files],
               "words": words, "skeletons": skeletons, "ocr_min": ocr_min}
    return list(chosen), sources


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=None, help="most frequent corpus tokens (default: all)")
    parser.add_argument("--skeletons", type=int, default=None,
                        help="most frequent mark-stripped skeletons (default: all)")
    parser.add_argument("--ocr-min", type=int, default=1, help="OCR training tokens seen at least this often")
    args = parser.parse_args()
    tokens, sources = choose_tokens(args.words, args.skeletons, args.ocr_min)
    models = load_models()
    if models.channel_name.startswith("fallback"):
        sys.exit("no learned channel model in models/: build it first (scripts/build_channel.py)")
    generator = CandidateGenerator(models.lm, models.lexicon, models.channel)  # no stored readings
    start = time.perf_counter()
    entries = {}
    for n, token in enumerate(tokens, 1):
        entries[token] = generator.rank_readings(token)
        if n % 5000 == 0:
            print(f"{n:,}/{len(tokens):,} tokens, {time.perf_counter() - start:.0f} s", file=sys.stderr)
    for digits in NUMBER_KEYS:  # no observed key is all digits: they cannot collide
        entries[digits] = generator.number_readings(digits)
    lm_path = newest(MODELS_DIR, "lm-trigram-*.npz")
    channel_path = MODELS_DIR / models.channel_name
    out = MODELS_DIR / f"readings-{dt.date.today():%Y-%m-%d}.npz"
    meta = {"script": SCRIPT_VERSION, "built": dt.date.today().isoformat(), "sources": sources,
            "models": [lm_path.name, channel_path.name], "seconds": round(time.perf_counter() - start)}
    save_readings(out, entries, models_fingerprint(lm_path, channel_path, DICTIONARIES_DIR), meta)
    for old in MODELS_DIR.glob("readings-*.npz"):
        if old != out:
            old.unlink()
    print(f"{out.relative_to(ROOT)}: {len(entries):,} tokens, {sum(map(len, entries.values())):,} readings, "
          f"{out.stat().st_size / 1e6:.1f} MB, {meta['seconds']} s")


if __name__ == "__main__":
    main()
