"""Vietnamese orthography: tone marks, letter modifiers, skeletons, tone placement, well-formedness.

Glossary (used everywhere in ``pipeline.correct``):

- *tone mark* (dấu thanh): one of grave, acute, hook above, tilde, dot below. Tones are numbered
  0 level (ngang), 1 grave (huyền), 2 acute (sắc), 3 hook (hỏi), 4 tilde (ngã), 5 dot (nặng).
- *letter modifier*: what makes ă â ê ô ơ ư đ out of a e o u d (breve, circumflex, horn, stroke).
- *skeleton*: the word with every mark off, đ -> d, lower case ("Đảng" -> "dang").
- *tone placement*: which vowel carries the tone mark. "old" style puts it on the first vowel of
  open oa/oe/uy (hòa, khỏe, thủy), "new" style on the second (hoà, khoẻ, thuỷ).

All functions take and return NFC strings. Nothing here does I/O.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

TONE_MARKS = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_TONE_OF_MARK = {mark: tone for tone, mark in enumerate(TONE_MARKS) if mark}
_MODIFIER_MARKS = frozenset("\u0306\u0302\u031b")  # breve, circumflex, horn
_STROKE = {"đ": "d", "Đ": "D"}
VOWELS = frozenset("aăâeêioôơuưy")
_MODIFIED_VOWELS = frozenset("ăâêôơư")

ONSETS = frozenset(
    "b c ch d đ g gh gi h k kh l m n ng ngh nh p ph qu r s t th tr v x".split()
)
CODAS = ("ngh", "ng", "nh", "ch", "c", "m", "n", "p", "t", "")
# Vowel clusters (nucleus plus final glide) that stand without a final consonant.
OPEN_NUCLEI = frozenset(
    "a e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iu oa oe oi ôi ơi ua uê ui uy ưa ưi ưu "
    "iêu yêu oai oao oay oeo uây uôi uya uyu ươi ươu uơ".split()
)
# Vowel clusters that take a final consonant, with the finals they accept.
_CLOSED = {
    "a": "c ch m n ng nh p t", "ă": "c m n ng p t", "â": "c m n ng p t",
    "e": "c m n ng p t", "ê": "ch m n nh p t ng", "i": "ch m n nh p t",
    "o": "c m n ng p t", "ô": "c m n ng p t", "ơ": "m n p t",
    "u": "c m n ng p t", "ư": "c m n ng t", "y": "",
    "iê": "c m n ng p t", "yê": "m n ng t", "oa": "c ch m n ng nh p t",
    "oă": "c m n ng t", "oe": "n t", "uâ": "n ng t", "uê": "ch nh n",
    "uô": "c m n ng t", "uy": "ch n nh t p", "ươ": "c m n ng p t", "uyê": "ch n t",
    "oo": "c ng",
}
CLOSED_NUCLEI = {nucleus: frozenset(codas.split()) for nucleus, codas in _CLOSED.items() if codas}
_STOP_CODAS = frozenset({"c", "ch", "p", "t"})
_FRONT = frozenset("eêiy")


def _decompose(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def _compose(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_tone(s: str) -> str:
    """Remove the five tone marks and keep letter modifiers ("Người" -> "Ngươi")."""
    return _compose("".join(ch for ch in _decompose(s) if ch not in _TONE_OF_MARK))


def strip_diacritics(s: str) -> str:
    """Remove tone marks and letter modifiers, đ -> d, keeping case ("Đảng" -> "Dang")."""
    out = [ch for ch in _decompose(s) if not unicodedata.combining(ch)]
    return "".join(_STROKE.get(ch, ch) for ch in out)


@lru_cache(maxsize=200_000)
def skeleton(s: str) -> str:
    """All marks off, đ -> d, lower case: the key that OCR without Vietnamese keeps best."""
    return strip_diacritics(s).lower()


def tone_of(s: str) -> int:
    """The tone (0-5, see module doc) of the first tone mark in ``s``; 0 when there is none."""
    for ch in _decompose(s):
        tone = _TONE_OF_MARK.get(ch)
        if tone:
            return tone
    return 0


def has_marks(s: str) -> bool:
    """True when ``s`` carries any tone mark, letter modifier or đ."""
    return skeleton(s) != s.lower()


@dataclass(frozen=True, slots=True)
class Parts:
    """A toneless lower-case syllable split into onset, vowel cluster and final consonant."""

    onset: str
    nucleus: str
    coda: str


def split_syllable(base: str) -> Parts | None:
    """Split a toneless lower-case syllable; None when it has no vowel or stray letters."""
    onset_end = 0
    while onset_end < len(base) and base[onset_end] not in VOWELS:
        onset_end += 1
    onset = base[:onset_end]
    rest = base[onset_end:]
    if onset == "q" and rest.startswith("u") and len(rest) > 1 and rest[1] in VOWELS:
        onset, rest = "qu", rest[1:]
    elif onset == "g" and rest.startswith("i") and len(rest) > 1 and rest[1] in VOWELS:
        onset, rest = "gi", rest[1:]
    nucleus_end = 0
    while nucleus_end < len(rest) and rest[nucleus_end] in VOWELS:
        nucleus_end += 1
    nucleus, coda = rest[:nucleus_end], rest[nucleus_end:]
    if not nucleus:
        return None
    return Parts(onset, nucleus, coda)


def _tone_index(parts: Parts, style: str) -> int:
    """Index inside the nucleus of the vowel that carries the tone mark."""
    nucleus = parts.nucleus
    modified = [i for i, ch in enumerate(nucleus) if ch in _MODIFIED_VOWELS]
    if modified:
        return modified[-1]
    if len(nucleus) == 1:
        return 0
    if parts.coda:
        return len(nucleus) - 1
    if len(nucleus) == 3:
        return 1
    if nucleus in ("oa", "oe", "uy"):
        return 1 if style == "new" else 0
    return 0


def _parse_toned(syllable: str) -> tuple[str, int, list[bool]] | None:
    """(toneless lower base, tone, upper-case flags per letter) or None on two tone marks."""
    base_chars: list[str] = []
    tone = 0
    for ch in _decompose(syllable):
        mark_tone = _TONE_OF_MARK.get(ch)
        if mark_tone:
            if tone:
                return None
            tone = mark_tone
        else:
            base_chars.append(ch)
    base = _compose("".join(base_chars))
    return base.lower(), tone, [ch.isupper() for ch in base]


def place_tone(base: str, tone: int, style: str = "new") -> str:
    """Put ``tone`` on the canonical vowel of the toneless lower-case ``base`` syllable."""
    parts = split_syllable(base)
    if parts is None or tone == 0:
        return base
    index = len(parts.onset) + _tone_index(parts, style)
    marked = _compose(_decompose(base[index]) + TONE_MARKS[tone])
    return base[:index] + marked + base[index + 1 :]


@lru_cache(maxsize=200_000)
def canonical_tone_placement(syllable: str, style: str = "new") -> str:
    """The same syllable with its tone mark on the canonical vowel for ``style``, case kept.

    "hòa" -> "hoà" (new) and "hoà" -> "hòa" (old); strings that are not one syllable with at
    most one tone mark come back unchanged.
    """
    if style not in ("new", "old"):
        raise ValueError(f"style must be 'new' or 'old', not {style!r}")
    parsed = _parse_toned(syllable)
    if parsed is None:
        return syllable
    base, tone, upper = parsed
    if tone == 0 or split_syllable(base) is None:
        return syllable
    placed = place_tone(base, tone, style)
    return "".join(ch.upper() if up else ch for ch, up in zip(placed, upper, strict=True))


def _spelling_ok(onset: str, nucleus: str) -> bool:
    """c/k, g/gh, ng/ngh spelling rules, and "qu"/"gi" onsets."""
    first = nucleus[0]
    if onset == "k" or onset == "gh" or onset == "ngh":
        return first in _FRONT
    if onset == "c" or onset == "ng":
        return first not in _FRONT
    if onset == "g":
        return first not in "eê"
    if onset == "qu":
        return not nucleus.startswith("u")
    return True


def is_well_formed_base(base: str) -> bool:
    """True when the toneless lower-case ``base`` is a well-formed Vietnamese syllable."""
    parts = split_syllable(base)
    if parts is None or parts.onset not in ONSETS and parts.onset != "":
        return False
    if parts.onset and not _spelling_ok(parts.onset, parts.nucleus):
        return False
    if parts.coda:
        nucleus = "uy" if parts.onset == "qu" and parts.nucleus == "y" else parts.nucleus
        return parts.coda in CLOSED_NUCLEI.get(nucleus, ())
    return parts.nucleus in OPEN_NUCLEI


@lru_cache(maxsize=200_000)
def is_vietnamese_syllable(s: str) -> bool:
    """True when ``s`` is one well-formed Vietnamese syllable (any case, either tone placement).

    Checks onset, vowel cluster and final consonant, spelling rules (c/k, g/gh, ng/ngh), that a
    final c, ch, p or t goes only with the acute or dot tone, and that the tone mark sits on a
    vowel where the old or new placement style puts it.
    """
    s = _compose(s)
    if not s or not s.isalpha():
        return False
    parsed = _parse_toned(s)
    if parsed is None:
        return False
    base, tone, _ = parsed
    if not is_well_formed_base(base):
        return False
    parts = split_syllable(base)
    assert parts is not None
    if parts.coda in _STOP_CODAS and tone not in (2, 5):
        return False
    lower = s.lower()
    return tone == 0 or lower in (place_tone(base, tone, "new"), place_tone(base, tone, "old"))
