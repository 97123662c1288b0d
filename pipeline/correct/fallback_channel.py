"""Fallback channel: a uniform-cost edit distance, used only when no learned channel model exists.

It has the interface of :class:`pipeline.correct.channel.ChannelModel` (``logprob``,
``rewrites``) but learns nothing: every letter edit on the skeleton costs the same, a token
that lost all its marks costs a fixed amount, and each wrong mark costs a fixed amount.
"""

from __future__ import annotations

import math
import unicodedata

from rapidfuzz.distance import Levenshtein

from pipeline.correct.orthography import skeleton

EDIT_LOGPROB = math.log(0.02)
MARKS_LOST_LOGPROB = math.log(0.3)
WRONG_MARK_LOGPROB = math.log(0.05)


def _marked_positions(word: str) -> list[bool]:
    return [skeleton(ch) != ch.lower() for ch in word]


class EditDistanceChannel:
    """log P(observed | intended) from a uniform-cost edit distance on skeletons (no learning)."""

    is_fallback = True

    @classmethod
    def load(cls, path: object = None) -> EditDistanceChannel:
        return cls()

    def logprob(self, observed: str, intended: str) -> float:
        if observed == intended:
            return 0.0
        sk_obs, sk_int = skeleton(observed), skeleton(intended)
        score = EDIT_LOGPROB * Levenshtein.distance(sk_obs, sk_int)
        obs_marks = _marked_positions(unicodedata.normalize("NFC", observed))
        int_marks = _marked_positions(intended)
        if not any(obs_marks):
            return score + (MARKS_LOST_LOGPROB if any(int_marks) else 0.0)
        if len(observed) == len(intended):
            wrong = sum(o != i for o, i in zip(observed.lower(), intended, strict=True) if skeleton(o) == skeleton(i))
            return score + WRONG_MARK_LOGPROB * wrong
        return score + WRONG_MARK_LOGPROB

    def logprobs(self, observed: str, intended: list[str]) -> list[float]:
        return [self.logprob(observed, word) for word in intended]

    def rewrites(self, observed: str, limit: int = 20) -> list[tuple[str, float]]:
        """No learned rewrites: the candidate generator's fuzzy search covers this case."""
        return []
