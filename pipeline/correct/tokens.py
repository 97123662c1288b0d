"""Tokens as the language model sees them, shared by the model builder and the decoder.

A line is lower-cased and cut into letter runs (words), digit runs (all one class, ``<num>``)
and single other characters (punctuation kept as itself). Word tokens that are Vietnamese
syllables are put in the canonical ("new") tone placement so that hòa and hoà count as one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.correct.orthography import canonical_tone_placement, is_vietnamese_syllable

BOS, EOS, UNK, NUM, SYM = "<s>", "</s>", "<unk>", "<num>", "<sym>"
SPECIALS = (BOS, EOS, UNK, NUM, SYM)
PUNCTUATION = frozenset(".,;:!?()[]\"'-–/%&+*=<>…“”‘’§")
TOKEN_RE = re.compile(r"[^\W\d_]+|\d+|[^\w\s]|_")


def lm_tokens(text: str) -> list[str]:
    """Raw LM tokens of one line (lower case, before vocabulary mapping)."""
    return TOKEN_RE.findall(text.lower())


@lru_cache(maxsize=500_000)
def normalize_token(token: str) -> str:
    """The vocabulary form of a raw token: ``<num>``, ``<sym>``, or the canonical word."""
    first = token[0]
    if first.isdigit():
        return NUM
    if not first.isalpha():
        return token if token in PUNCTUATION else SYM
    if is_vietnamese_syllable(token):
        return canonical_tone_placement(token, "new")
    return token
