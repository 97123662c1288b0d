"""Build the syllable trigram language model from the train split of ../shared/corpus.

    .venv/bin/python scripts/build_lm.py [--max-lines N] [--out models/lm-trigram-DATE.npz]

Reads every train line once (``pipeline.corpus.iter_corpus_lines``), tokenises it as
``pipeline.correct.tokens`` does, chooses the vocabulary, estimates an interpolated modified
Kneser-Ney trigram model (``pipeline.correct.kneser_ney``), prunes singleton trigrams and writes
the compact ``.npz`` plus a token-count file used by ``scripts/build_dictionaries.py``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import time
from array import array
from pathlib import Path

import numpy as np

from pipeline.corpus import CORPUS_FILES, iter_corpus_lines
from pipeline.correct.kneser_ney import estimate
from pipeline.correct.lm import save_tables
from pipeline.correct.orthography import is_vietnamese_syllable
from pipeline.correct.tokens import BOS, EOS, NUM, PUNCTUATION, SPECIALS, SYM, UNK, lm_tokens, normalize_token

ROOT = Path(__file__).resolve().parents[1]
MIN_SYLLABLE_COUNT = 2
MIN_OTHER_COUNT = 40
MAX_VOCAB = 60_000
MIN_TRIGRAM_COUNT = 1  # singletons kept: +0.6 points on the seed for 9 MB more


def read_stream(max_lines: int | None) -> tuple[array, list[str], int]:
    """Type-id stream (``</s> <s> ... </s> <s> ...``), the raw types, and the line count."""
    types: dict[str, int] = {EOS: 0, BOS: 1}
    stream = array("i", [0])
    lines = 0
    for line in iter_corpus_lines(CORPUS_FILES, split="train"):
        stream.append(1)
        stream.extend([types.setdefault(tok, len(types)) for tok in lm_tokens(line)])
        stream.append(0)
        lines += 1
        if max_lines and lines >= max_lines:
            break
    return stream, list(types), lines


def choose_vocab(counts: dict[str, int]) -> list[str]:
    """Specials, punctuation, syllables seen twice, other words seen often; most frequent first."""
    words = sorted(counts.items(), key=lambda kv: -kv[1])
    chosen = [
        w for w, c in words
        if w not in SPECIALS and w not in PUNCTUATION
        and c >= (MIN_SYLLABLE_COUNT if is_vietnamese_syllable(w) else MIN_OTHER_COUNT)
    ]
    return list(SPECIALS) + sorted(PUNCTUATION) + chosen[: MAX_VOCAB - len(SPECIALS) - len(PUNCTUATION)]


def map_stream(stream: array, types: list[str]) -> tuple[np.ndarray, list[str], dict[str, int]]:
    """Vocabulary-id stream, the vocabulary, and the count of every normalised token."""
    ids = np.frombuffer(stream, dtype=np.int32)
    type_counts = np.bincount(ids, minlength=len(types))
    normalised = [t if t in (BOS, EOS) else normalize_token(t) for t in types]
    counts: dict[str, int] = {}
    for token, c in zip(normalised, type_counts.tolist(), strict=True):
        counts[token] = counts.get(token, 0) + c
    vocab = choose_vocab(counts)
    index = {w: i for i, w in enumerate(vocab)}
    unk = index[UNK]
    table = np.array([index.get(t, unk) for t in normalised], dtype=np.int32)
    return table[ids], vocab, counts


def write_counts(path: Path, counts: dict[str, int]) -> None:
    """Word tokens with their train-split counts, most frequent first (for the dictionaries)."""
    rows = sorted(((w, c) for w, c in counts.items() if w[0].isalpha()), key=lambda kv: -kv[1])
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(f"{w}\t{c}\n" for w, c in rows)


def build(out: Path, counts_out: Path, max_lines: int | None) -> dict:
    """Build and save the model; return its metadata."""
    t0 = time.time()
    stream, types, lines = read_stream(max_lines)
    ids, vocab, counts = map_stream(stream, types)
    del stream
    write_counts(counts_out, counts)
    t1 = time.time()
    tables = estimate(ids, len(vocab), bos=vocab.index(BOS), eos=vocab.index(EOS),
                      min_trigram_count=MIN_TRIGRAM_COUNT)
    meta = {
        "built": dt.date.today().isoformat(), "sources": list(CORPUS_FILES), "split": "train",
        "lines": lines, "tokens": int(len(ids)), "vocab": len(vocab), "order": 3,
        "smoothing": "interpolated modified Kneser-Ney, backoff form",
        "min_trigram_count": MIN_TRIGRAM_COUNT, "bigrams": int(len(tables.bi_keys)),
        "trigrams": int(len(tables.tri_keys)), "max_lines": max_lines,
        "seconds": {"read": round(t1 - t0), "estimate": round(time.time() - t1)},
        "unk_rate": round(float(np.mean(ids == vocab.index(UNK))), 5),
        "num_token": NUM, "sym_token": SYM,
    }
    save_tables(out, vocab, tables, meta)
    return meta


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-lines", type=int, default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "models" / f"lm-trigram-{dt.date.today():%Y-%m-%d}.npz")
    parser.add_argument("--counts-out", type=Path, default=ROOT / "build" / "token-counts.tsv.gz")
    args = parser.parse_args()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.counts_out.parent.mkdir(parents=True, exist_ok=True)
    meta = build(args.out, args.counts_out, args.max_lines)
    print({k: v for k, v in meta.items() if k != "sources"}, f"{args.out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
