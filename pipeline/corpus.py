"""Reading the training corpus (``../shared/corpus``) with one fixed train/held-out split.

Every model builder and every benchmark uses :func:`iter_corpus_lines`, so that text held
out for evaluation is never seen in training. The split is by a hash of the line, so it
does not depend on the order of the files or on how much of them is read.
"""

from __future__ import annotations

import lzma
import unicodedata
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

CORPUS_FILES = ("phapdien-train.txt.xz", "laws-vlc.txt.xz", "viwiki-2017.txt.xz")
HELDOUT_PER_MILLE = 10  # 1% of lines are held out

Split = Literal["train", "heldout", "all"]


def default_corpus_dir() -> Path:
    """``shared/corpus`` beside the checkout (development and CI layout)."""
    return Path(__file__).resolve().parents[2] / "shared" / "corpus"


def is_heldout(line: str) -> bool:
    """True for the 1% of lines reserved for evaluation."""
    return zlib.crc32(line.encode("utf-8")) % 1000 < HELDOUT_PER_MILLE


def iter_corpus_lines(
    files: tuple[str, ...] = CORPUS_FILES,
    split: Split = "train",
    corpus_dir: Path | None = None,
) -> Iterator[str]:
    """Yield NFC lines (without newline) of the given corpus files in the given split."""
    base = corpus_dir or default_corpus_dir()
    for name in files:
        with lzma.open(base / name, "rt", encoding="utf-8") as fh:
            for raw in fh:
                line = unicodedata.normalize("NFC", raw.rstrip("\n"))
                if not line.strip():
                    continue
                if split == "all" or (split == "heldout") == is_heldout(line):
                    yield line
