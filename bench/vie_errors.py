"""What errors the corrector leaves and makes on OCR pairs: a breakdown by kind.

    .venv/bin/python bench/vie_errors.py [--pairs build/pairs/heldout-vie.tsv] [--pages 40]
                                         [--examples 15] [--json out.json]

Every line is aligned (syllable tokens, as :func:`pipeline.metrics.syllable_accuracy` does)
to its true line twice, as OCRed and as corrected. Each error of the corrected text (the
metric's S + D + I) is put in one kind:

- ``marks real word`` / ``marks non-word``: same letters, other marks ("sổ" for "số");
  real word when the wrong token is itself a known syllable;
- ``letters real word`` / ``letters non-word``: other letters;
- ``number``: either side holds a digit; ``punctuation``: equal once non-letters are dropped;
- ``split/merge``: tokens that are the true ones with spaces moved ("côngtác", "cô ng");
- ``lost word`` / ``inserted word``: a token the OCR dropped or added;
- ``other``: replace blocks of unequal length that are none of the above.

Each error is also *left* (the OCR had it), *introduced* (the OCR was right), and for 1:1
errors *reachable* (the true word was among the candidates of the OCR token, so the decoder
could have chosen it). Lost words, inserted tokens and unreachable errors are out of the
corrector's reach whatever its weights.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from rapidfuzz.distance import Levenshtein

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.correct import correct, load_models  # noqa: E402
from pipeline.correct.segment import line_slots  # noqa: E402
from pipeline.correct.orthography import TONE_MARKS, is_vietnamese_syllable, place_tone, skeleton  # noqa: E402
from pipeline.correct.tokens import normalize_token  # noqa: E402
from pipeline.metrics import syllable_tokens, tone_placement_key  # noqa: E402

PAIRS = ROOT / "build" / "pairs" / "heldout-vie.tsv"
_WORD = re.compile(r"^[^\W_]+$")


def read_pages(path: Path, pages: int | None) -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for line in path.read_text(encoding="utf-8").splitlines():
        page, ocr, truth = (line.split("\t") + ["", ""])[:3]
        if page not in out and pages is not None and len(out) >= pages:
            continue
        out[page].append((ocr, truth))
    return out


def _letters(token: str) -> str:
    """Letters, digits and marks (the keys carry tone marks as combining characters)."""
    return "".join(ch for ch in token if ch.isalnum() or unicodedata.category(ch).startswith("M"))


def _word(key: str) -> str:
    """A metric key back as a word: its tone mark put back in the new placement."""
    nfd = unicodedata.normalize("NFD", key)
    tones = [ch for ch in nfd if ch in TONE_MARKS[1:]]
    base = unicodedata.normalize("NFC", "".join(ch for ch in nfd if ch not in TONE_MARKS[1:]))
    if len(tones) == 1 and is_vietnamese_syllable(base):
        return place_tone(base, TONE_MARKS.index(tones[0]), "new")
    return unicodedata.normalize("NFC", key)


def kind_of_pair(hyp: str, ref: str, known) -> str:
    """Kind of a 1:1 substitution (tokens are metric keys: lower case, edge punct off)."""
    if _letters(hyp) == _letters(ref):
        return "punctuation"
    if any(ch.isdigit() for ch in hyp + ref):
        return "number"
    word = _word(hyp)
    real = _WORD.match(word) is not None and known(normalize_token(word))
    if skeleton(hyp) == skeleton(ref):
        return "marks real word" if real else "marks non-word"
    return "letters real word" if real else "letters non-word"


def kind_of_block(hyp: list[str], ref: list[str]) -> str:
    """Kind of an m:n replace block with m != n."""
    if "".join(map(_letters, hyp)) == "".join(map(_letters, ref)):
        return "split/merge"
    if skeleton("".join(hyp)) == skeleton("".join(ref)):
        return "split/merge"  # with marks wrong as well
    return "other"


def correct_positions(hyp: list[str], ref: list[str]) -> set[int]:
    """Indexes of the reference tokens that the hypothesis has right (equal blocks)."""
    ok: set[int] = set()
    for op in Levenshtein.opcodes(hyp, ref):
        if op.tag == "equal":
            ok.update(range(op.dest_start, op.dest_end))
    return ok


def raw_partner(raw: list[str], ref: list[str]) -> dict[int, str]:
    """Reference index -> the OCR token aligned 1:1 with it (replace blocks of equal size)."""
    out = {}
    for op in Levenshtein.opcodes(raw, ref):
        if op.tag in ("equal", "replace") and op.src_end - op.src_start == op.dest_end - op.dest_start:
            for k in range(op.dest_end - op.dest_start):
                out[op.dest_start + k] = raw[op.src_start + k]
    return out


def candidate_words(models, token: str) -> list[str] | None:
    """The metric keys of the slot's candidates, or None for a token that is not one slot."""
    if not _WORD.match(token):
        return None
    return [tone_placement_key(" ".join(c.words)) for c in models.generator.for_slot(token).items]


def error_blocks(hyp: list[str], ref: list[str]):
    """Runs of adjacent non-equal opcodes as (hyp span, ref span, opcodes)."""
    block: list = []
    for op in Levenshtein.opcodes(hyp, ref):
        if op.tag != "equal":
            block.append(op)
        elif block:
            yield block
            block = []
    if block:
        yield block


def error_entries(hyp: list[str], ref: list[str], known):
    """(kind, reference index or None, hypothesis tokens) for each error (S, D or I)."""
    for block in error_blocks(hyp, ref):
        h = hyp[block[0].src_start : block[-1].src_end]
        r = ref[block[0].dest_start : block[-1].dest_end]
        if len(h) != len(r) and h and r and kind_of_block(h, r) == "split/merge":
            first = block[0].dest_start
            for k in range(max(len(h), len(r))):
                yield "split/merge", (first + k if k < len(r) else None), h
            continue
        for op in block:
            h = hyp[op.src_start : op.src_end]
            if op.tag == "delete":
                yield from (("inserted word", None, [t]) for t in h)
            elif op.tag == "insert":
                yield from (("lost word", j, []) for j in range(op.dest_start, op.dest_end))
            elif len(h) == op.dest_end - op.dest_start:
                for k, token in enumerate(h):
                    yield kind_of_pair(token, ref[op.dest_start + k], known), op.dest_start + k, [token]
            else:
                r = ref[op.dest_start : op.dest_end]
                kind = kind_of_block(h, r)
                for k in range(max(len(h), len(r))):
                    yield kind, (op.dest_start + k if k < len(r) else None), h


def analyse(models, pages: dict[str, list[tuple[str, str]]], n_examples: int) -> dict:
    kinds: Counter = Counter()
    origin: Counter = Counter()
    reach: Counter = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    fixed = introduced_total = ref_total = 0
    known = models.lexicon.is_known
    for page, rows in pages.items():
        ocr = "\n".join(o for o, _ in rows)
        out_lines = correct(ocr, models=models).text.split("\n")
        for (raw_line, truth), out in zip(rows, out_lines, strict=True):
            raw, hyp, ref = syllable_tokens(raw_line), syllable_tokens(out), syllable_tokens(truth)
            ref_total += len(ref)
            raw_ok, hyp_ok = correct_positions(raw, ref), correct_positions(hyp, ref)
            fixed += len(hyp_ok - raw_ok)
            partner = raw_partner(raw, ref)
            for kind, j, shown in error_entries(hyp, ref, known):
                kinds[kind] += 1
                was = "?" if j is None else ("introduced" if j in raw_ok else "left")
                origin[(kind, was)] += 1
                introduced_total += was == "introduced"
                target = _word(ref[j]) if j is not None else ""
                source = partner.get(j, "") if j is not None else ""
                note = ""
                if source and kind not in ("lost word", "split/merge"):
                    cands = candidate_words(models, _word(source))
                    if cands is not None:
                        state = "reachable" if ref[j] in cands else "unreachable"
                        reach[(kind, state)] += 1
                        note = f" [{state}]"
                if len(examples[f"{kind} / {was}"]) < n_examples:
                    examples[f"{kind} / {was}"].append(
                        f"{page}: ocr {_word(source) or '-'!r} -> {' '.join(map(_word, shown))!r}, "
                        f"true {target!r}{note}")
    return {"reference_tokens": ref_total, "errors": sum(kinds.values()), "kinds": dict(kinds.most_common()),
            "origin": {f"{k} / {w}": n for (k, w), n in sorted(origin.items())},
            "reach": {f"{k} / {s}": n for (k, s), n in sorted(reach.items())},
            "introduced": introduced_total, "fixed": fixed, "examples": examples}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=Path, default=PAIRS)
    parser.add_argument("--pages", type=int, default=None, help="first N pages only")
    parser.add_argument("--examples", type=int, default=12)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    models = load_models()
    result = analyse(models, read_pages(args.pairs, args.pages), args.examples)
    n = result["reference_tokens"]
    print(f"reference tokens {n}; errors left after correction {result['errors']} "
          f"({result['errors'] / n:.2%}); introduced by the corrector {result['introduced']}; "
          f"OCR errors fixed {result['fixed']}")
    for kind, count in result["kinds"].items():
        parts = {w: result["origin"].get(f"{kind} / {w}", 0) for w in ("left", "introduced", "?")}
        r = {s: result["reach"].get(f"{kind} / {s}", 0) for s in ("reachable", "unreachable")}
        print(f"  {kind:<20} {count:>5}  left {parts['left']:>4} introduced {parts['introduced']:>4} "
              f"unattributed {parts['?']:>4}  reachable {r['reachable']:>4} unreachable {r['unreachable']:>4}")
    for key, lines in sorted(result["examples"].items()):
        print(f"\n== {key}")
        print("\n".join("   " + line for line in lines))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
