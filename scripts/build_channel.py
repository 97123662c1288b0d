"""Build the OCR confusion (channel) model from synthetic pairs, and measure it.

    .venv/bin/python scripts/build_channel.py build      # -> models/channel-YYYY-MM-DD.json.gz
    .venv/bin/python scripts/build_channel.py evaluate   # top-k rewrites on held-out pairs + seed

``build`` reads ``build/pairs/train-{eng,vie}.tsv`` (made by ``scripts/make_pairs.py --split
train``), aligns tokens and segments, estimates segment counts per engine by Viterbi EM
(``pipeline.correct.channel.estimate_counts``), counts syllable skeletons in the training split
of the corpus (the prior of the backward search) and writes one gzipped JSON model recording
what it was built from. ``evaluate`` reports, for held-out pairs and for the seed report's
reference part, the share of true syllables whose skeleton is among the first k rewrites of
the observed token, and the speed of ``logprob`` and ``rewrites``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from pipeline.corpus import CORPUS_FILES, iter_corpus_lines
from pipeline.correct.align import align_tokens, count_token_pairs, line_tokens
from pipeline.correct.channel import (
    ENGINES,
    FORMAT,
    ChannelModel,
    default_model_path,
    estimate_counts,
)
from pipeline.correct.orthography import is_vietnamese_syllable, skeleton
from pipeline.metrics import tone_placement_key

SCRIPT_VERSION = "build_channel/1"
ROOT = Path(__file__).resolve().parents[1]
PAIRS_DIR = ROOT / "build" / "pairs"
SEED_DIR = ROOT.parent / "shared" / "seed"
# Corpus tokens read per file for the skeleton prior (frequencies settle long before).
PRIOR_TOKENS = {"phapdien-train.txt.xz": 3_000_000, "laws-vlc.txt.xz": 500_000,
                "viwiki-2017.txt.xz": 2_000_000}
MIN_SKELETON_COUNT = 2
TOP_K = (1, 5, 20)
RUN_FIELDS = ("script", "split", "seed", "psm", "tesseract", "engines", "upper_share", "conditions",
              "line_pairs", "corpus_shares", "made", "code")


def read_pairs(path: Path) -> Iterator[tuple[str, str]]:
    """(OCR line, true line) pairs of a ``make_pairs.py`` TSV."""
    with path.open(encoding="utf-8") as fh:
        for row in fh:
            parts = row.rstrip("\n").split("\t")
            if len(parts) == 3:
                yield parts[1], parts[2]


def syllable_counts() -> Counter[str]:
    """How often each lower-case syllable occurs in (a prefix of) each training corpus file."""
    counts: Counter[str] = Counter()
    for name in CORPUS_FILES:
        budget = PRIOR_TOKENS.get(name, 0)
        for line in iter_corpus_lines((name,), split="train"):
            tokens = line_tokens(line)
            counts.update(t for t in tokens if is_vietnamese_syllable(t))
            budget -= len(tokens)
            if budget <= 0:
                break
    return counts


def skeleton_counts(syllables: Counter[str]) -> dict[str, int]:
    """Syllable counts summed by skeleton, rare skeletons dropped."""
    counts: Counter[str] = Counter()
    for word, count in syllables.items():
        counts[skeleton(word)] += count
    return {s: c for s, c in sorted(counts.items()) if c >= MIN_SKELETON_COUNT}


def engine_block(path: Path) -> dict:
    """Segment and token-step counts learned from one engine's training pairs."""
    token_pairs, steps = count_token_pairs(read_pairs(path))
    print(f"{path.name}: {sum(token_pairs.values())} token pairs, "
          f"{len(token_pairs)} distinct, steps {dict(steps)}", file=sys.stderr)
    block = estimate_counts(token_pairs)
    block["token_steps"] = dict(steps)
    return block


def build(pairs_dir: Path, models_dir: Path) -> Path:
    """Estimate every engine and write ``models/channel-<date>.json.gz``."""
    manifest_path = pairs_dir / "train-manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    runs = manifest["runs"] if "runs" in manifest else [manifest]
    engines = {e: engine_block(pairs_dir / f"train-{e}.tsv") for e in ENGINES}
    data = {
        "format": FORMAT,
        "built": time.strftime("%Y-%m-%d"),
        "script": SCRIPT_VERSION,
        "pairs": [{k: run.get(k) for k in RUN_FIELDS} | {"pages": len(run.get("pages", []))}
                  for run in runs],
        "pair_pages": len({row.split("\t", 1)[0] for row in
                           (pairs_dir / "train-eng.tsv").read_text(encoding="utf-8").splitlines()}),
        "skeleton_prior": {"split": "train", "tokens_per_file": PRIOR_TOKENS,
                           "min_count": MIN_SKELETON_COUNT},
        "engines": engines,
        "skeletons": skeleton_counts(syllable_counts()),
    }
    models_dir.mkdir(parents=True, exist_ok=True)
    out = models_dir / f"channel-{data['built']}.json.gz"
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as fh:
        json.dump(data, fh, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return out


def topk_coverage(model: ChannelModel, line_pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Shares of true syllable tokens whose skeleton is in the top-k rewrites of its OCR token.

    ``as_is``: the OCR token's own skeleton is already right; ``damaged_top<k>``: the same
    shares over the tokens whose letters (not just marks) the OCR got wrong. Two syllables
    that the OCR glued into one token count as found when the rewrites hold both with the
    lost space ("congtac" -> "cong tac"); tokens split or lost by the OCR count as misses.
    """
    hits: Counter[str] = Counter()
    total = damaged = 0
    for observed_line, intended_line in line_pairs:
        for step in align_tokens(line_tokens(observed_line), line_tokens(intended_line)):
            syllables = [t for t in step.intended if is_vietnamese_syllable(t)]
            total += len(syllables)
            if step.kind not in ("match", "merge") or len(syllables) != len(step.intended):
                continue
            observed, truth = step.observed[0], " ".join(skeleton(t) for t in syllables)
            found = [s for s, _ in model.rewrites(observed, max(TOP_K))]
            n = len(syllables)
            is_damaged = skeleton(observed) != truth
            damaged += n * is_damaged
            hits["as_is"] += n * (not is_damaged)
            for k in TOP_K:
                if truth in found[:k]:
                    hits[f"top{k}"] += n
                    hits[f"damaged_top{k}"] += n * is_damaged
    out = {"syllables": total, "damaged": damaged, "as_is": round(hits["as_is"] / max(1, total), 4)}
    for k in TOP_K:
        out[f"top{k}"] = round(hits[f"top{k}"] / max(1, total), 4)
        out[f"damaged_top{k}"] = round(hits[f"damaged_top{k}"] / max(1, damaged), 4)
    return out


WORDS_PER_SKELETON = 8


def words_by_skeleton(syllables: Counter[str]) -> dict[str, list[tuple[str, float]]]:
    """Skeleton -> its most frequent syllables with their log unigram probabilities."""
    total = sum(syllables.values())
    out: dict[str, list[tuple[str, float]]] = {}
    for word, count in syllables.most_common():
        bucket = out.setdefault(skeleton(word), [])
        if len(bucket) < WORDS_PER_SKELETON:
            bucket.append((word, math.log(count / total)))
    return out


def restore_accuracy(
    model: ChannelModel,
    line_pairs: list[tuple[str, str]],
    words: dict[str, list[tuple[str, float]]],
) -> dict[str, float]:
    """No-context restoration of single syllables: share of true syllables that come out right
    (tone placement ignored) when kept as they are, when replaced by the commonest word of
    the observed skeleton, and when chosen by channel x unigram over the top-20 rewrites."""
    right: Counter[str] = Counter()
    total = 0
    for observed_line, intended_line in line_pairs:
        for step in align_tokens(line_tokens(observed_line), line_tokens(intended_line)):
            syllables = [t for t in step.intended if is_vietnamese_syllable(t)]
            total += len(syllables)
            if step.kind != "match" or not syllables:
                continue
            observed, truth = step.observed[0], tone_placement_key(syllables[0])
            right["as_is"] += tone_placement_key(observed) == truth
            commonest = words.get(skeleton(observed), [("", 0.0)])[0][0]
            right["unigram"] += tone_placement_key(commonest) == truth
            cands = [wp for s, _ in model.rewrites(observed, 20) for wp in words.get(s, [])]
            if cands:
                best = max(cands, key=lambda wp: model.logprob(observed, wp[0]) + wp[1])[0]
                right["channel_unigram"] += tone_placement_key(best) == truth
    return {k: round(right[k] / max(1, total), 4) for k in ("as_is", "unigram", "channel_unigram")}


def seed_pairs(lines: int = 117) -> list[tuple[str, str]]:
    """The seed report's first OCR lines with their reference lines (a check, never training)."""
    ocr = (SEED_DIR / "report-binhson-2022.ocr.txt").read_text(encoding="utf-8").splitlines()
    ref = (SEED_DIR / "report-binhson-2022.part1.reference.txt").read_text(encoding="utf-8")
    return list(zip(ocr[:lines], ref.splitlines()[:lines], strict=False))


def speed(model: ChannelModel, path: Path, line_pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Microseconds per logprob call (distinct pairs, cold cache) and per rewrites call."""
    pairs = {(o, i) for ol, il in line_pairs for o, i in zip(line_tokens(ol), line_tokens(il))}
    start = time.perf_counter()
    for observed, intended in pairs:
        model.logprob(observed, intended)
    per_logprob = (time.perf_counter() - start) / max(1, len(pairs)) * 1e6
    fresh = ChannelModel.load(path, engine=model.engine)
    words = sorted({o for o, _ in pairs})
    start = time.perf_counter()
    for word in words:
        fresh.rewrites(word)
    per_rewrites = (time.perf_counter() - start) / max(1, len(words)) * 1e6
    return {"logprob_us_cold": round(per_logprob, 1), "rewrites_us_cold": round(per_rewrites, 1)}


def evaluate(pairs_dir: Path, models_dir: Path, engines: tuple[str, ...]) -> dict:
    """Coverage and no-context restoration on the held-out pairs of each engine and on the
    seed, per model engine; speed."""
    path = default_model_path(models_dir)
    sets = {f"heldout-{e}": list(read_pairs(pairs_dir / f"heldout-{e}.tsv"))
            for e in ENGINES if (pairs_dir / f"heldout-{e}.tsv").exists()}
    if SEED_DIR.exists():
        sets["seed-part1"] = seed_pairs()
    words = words_by_skeleton(syllable_counts())
    report: dict = {"model": path.name}
    for engine in engines:
        start = time.perf_counter()
        model = ChannelModel.load(path, engine=engine)
        report[engine] = {"load_s": round(time.perf_counter() - start, 2)}
        for name, pairs in sets.items():
            report[engine][name] = topk_coverage(model, pairs)
            report[engine][name]["restore"] = restore_accuracy(model, pairs, words)
        if "heldout-eng" in sets:
            report[engine]["speed"] = speed(model, path, sets["heldout-eng"][:300])
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("build", "evaluate"))
    parser.add_argument("--pairs", type=Path, default=PAIRS_DIR)
    parser.add_argument("--models", type=Path, default=ROOT / "models")
    parser.add_argument("--engines", default="eng,vie,mix", help="evaluate: model engines")
    args = parser.parse_args(argv)
    if args.command == "build":
        print(f"wrote {build(args.pairs, args.models)}", file=sys.stderr)
    else:
        engines = tuple(e for e in args.engines.split(",") if e)
        print(json.dumps(evaluate(args.pairs, args.models, engines), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
