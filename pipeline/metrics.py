"""Accuracy measures shared by the tests and the benchmarks.

- :func:`cer`: character error rate, Levenshtein distance / reference length.
- :func:`syllable_accuracy`: 1 - (S + D + I) / N over an edit-distance alignment of
  whitespace tokens with edge punctuation stripped, ignoring case and tone placement
  (hòa = hoà), as the corrector issue defines it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rapidfuzz.distance import Levenshtein

# The five tone marks as combining characters: grave, acute, tilde, hook above, dot below.
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_EDGE_PUNCT = re.compile(r"^[^\w]+|[^\w]+$", re.UNICODE)
_SPACES = re.compile(r"\s+")


def cer(hypothesis: str, reference: str) -> float:
    """Character error rate with runs of whitespace folded to one space."""
    hyp = _SPACES.sub(" ", hypothesis).strip()
    ref = _SPACES.sub(" ", reference).strip()
    if not ref:
        return 0.0 if not hyp else 1.0
    return Levenshtein.distance(hyp, ref) / len(ref)


def tone_placement_key(token: str) -> str:
    """Lower-case NFC key in which the tone mark no longer depends on its placement.

    The tone mark is removed from wherever it sits and appended at the end, so "hòa" and
    "hoà" (and "thủy"/"thuỷ") give the same key.
    """
    decomposed = unicodedata.normalize("NFD", token.lower())
    tones = [ch for ch in decomposed if ch in _TONE_MARKS]
    base = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
    return unicodedata.normalize("NFC", base) + "".join(tones)


def syllable_tokens(text: str) -> list[str]:
    """Whitespace tokens with edge punctuation stripped, as comparison keys; empty ones dropped."""
    keys = []
    for raw in unicodedata.normalize("NFC", text).split():
        token = _EDGE_PUNCT.sub("", raw)
        if token:
            keys.append(tone_placement_key(token))
    return keys


def token_edit_counts(hyp: Sequence[str], ref: Sequence[str]) -> tuple[int, int]:
    """(substitutions + deletions + insertions, reference length) between two token lists."""
    return Levenshtein.distance(list(hyp), list(ref)), len(ref)


def syllable_accuracy(hypothesis: str, reference: str) -> float:
    """1 - (S + D + I) / N over syllable tokens; may go below 0 with many insertions."""
    errors, n = token_edit_counts(syllable_tokens(hypothesis), syllable_tokens(reference))
    if n == 0:
        return 1.0 if errors == 0 else 0.0
    return 1.0 - errors / n
