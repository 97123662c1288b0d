"""The corrector's dictionaries: syllable inventory, words of the LM, abbreviations, compounds.

Everything is indexed by *skeleton* (marks off, lower case) because that is what damaged OCR
keeps best: all words that an observed token could stand for share (or nearly share) its
skeleton.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from pipeline.correct.lm import LanguageModel
from pipeline.correct.orthography import has_marks, is_vietnamese_syllable, skeleton
from pipeline.errors import ModelError
from pipeline.paths import DICTIONARIES_DIR



@dataclass(frozen=True, slots=True)
class Lexicon:
    """Look-up tables built from ``dictionaries/`` and the language model's vocabulary.

    ``by_skeleton``: skeleton -> lower-case words (syllables, abbreviations, frequent foreign
    words of the LM), most frequent first. ``counts``: corpus count of each syllable.
    ``abbreviations``: lower-case -> printed form ("qđ" -> "QĐ", "ttg" -> "TTg").
    ``compounds``: "công tác"-style words of two or more syllables.
    """

    by_skeleton: dict[str, tuple[str, ...]]
    skeletons: tuple[str, ...]
    counts: dict[str, int]
    abbreviations: dict[str, str]
    compounds: frozenset[str]

    def is_known(self, word: str) -> bool:
        """True for a lower-case word of the inventory (syllable, abbreviation or LM word)."""
        return word in self.counts or word in self.abbreviations

    def words_for(self, skel: str) -> tuple[str, ...]:
        return self.by_skeleton.get(skel, ())


def _read_tsv(path: Path) -> list[list[str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelError(f"cannot read dictionary {path}: {exc}",
                         hint="rebuild it with: python scripts/build_models.py") from exc
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def load_lexicon(lm: LanguageModel, directory: Path = DICTIONARIES_DIR) -> Lexicon:
    """Build the lexicon from ``directory`` and the vocabulary of ``lm``."""
    counts = {row[0]: int(row[1]) for row in _read_tsv(directory / "syllables.tsv")}
    abbreviations = {row[0].lower(): row[0] for row in _read_tsv(directory / "abbreviations.tsv")
                     if row[0].replace("/", "").isalpha()}
    words = dict.fromkeys(counts)
    for token in lm.vocab:
        # Frequent abbreviations and foreign words of the corpus; a marked token that is no
        # syllable is a misspelling ("hưá"), never a candidate (abbreviations come below).
        if token.isalpha() and not is_vietnamese_syllable(token) and not has_marks(token):
            words[token] = None
    words.update(dict.fromkeys(abbreviations))
    by_skeleton: dict[str, list[str]] = defaultdict(list)
    for word in words:
        by_skeleton[skeleton(word)].append(word)
    compounds = frozenset(
        line for line in (directory / "words.txt").read_text(encoding="utf-8").splitlines() if line
    )
    return Lexicon(
        by_skeleton={k: tuple(v) for k, v in by_skeleton.items()},
        skeletons=tuple(sorted(by_skeleton)),
        counts=counts,
        abbreviations=abbreviations,
        compounds=compounds,
    )
