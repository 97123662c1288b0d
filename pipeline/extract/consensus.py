"""Spelling by the document's own consensus.

Residual OCR or correction damage in a header field ("Bình Sớm" for "Bình Sơn", "Sờ nội vụ"
for "Sở Nội vụ") is usually a one-off: the report writes the same name correctly elsewhere,
often several times. A field takes the spelling that the rest of the report uses most for
the same letters (or nearly: one letter off for a name), when that spelling is commoner.
"""

from __future__ import annotations

import re
from collections import Counter

from rapidfuzz.distance import Levenshtein

from pipeline.extract.text import skeleton

_WORD = re.compile(r"[^\W\d_]+")


def _ngrams(text: str, n: int) -> Counter[str]:
    words = _WORD.findall(text)
    return Counter(" ".join(words[i : i + n]) for i in range(len(words) - n + 1))


def consensus_spelling(phrase: str, text: str, *, max_letter_edits: int = 0) -> str:
    """``phrase`` as the report most often writes it.

    Variants are word sequences of the same length whose skeleton (marks off, lower case) is
    the phrase's, or within ``max_letter_edits`` of it; the commonest wins if it occurs more
    often than the phrase itself, else the phrase stays as it is.
    """
    words = _WORD.findall(phrase)
    if not words or len(words) > 8:
        return phrase
    target = skeleton(" ".join(words))
    counts = _ngrams(text, len(words))
    variants = [(count, v) for v, count in counts.items()
                if Levenshtein.distance(skeleton(v), target, score_cutoff=max_letter_edits) <= max_letter_edits]
    if not variants:
        return phrase
    count, best = max(variants)
    if count <= counts.get(" ".join(words), 0) or best == " ".join(words):
        return phrase
    return phrase.replace(" ".join(words), best) if " ".join(words) in phrase else best
