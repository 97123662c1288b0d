"""Precomputed readings of frequent observed tokens: the candidate search done at build time.

Searching and scoring the readings of an observed token (:meth:`CandidateGenerator.rank_readings`:
the channel model's backward search and its scoring of every word that shares or nearly shares
the token's skeleton) costs about 4 ms per distinct token, which is most of the time of a
document's first page. The result depends only on the token and the models, so
``scripts/build_readings.py`` computes it once for the tokens that make up about 99% of running
text (the most frequent corpus words, their mark-stripped skeletons, the most frequent tokens of
the synthetic OCR training pages) and stores it here; rarer tokens are still searched at run
time. The file records a fingerprint of the models it was computed from and is ignored when
they change, so a stale table can never give other answers than the search.

Stored as one ``.npz`` (no pickle): the tokens and the words of their readings as UTF-8 text,
per token a slice of readings (offsets), per reading one or two word ids and its channel score.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipeline.correct.candidates import GENERATOR_SETTINGS
from pipeline.errors import ModelError

FORMAT = "vanthu-readings/1"
Reading = tuple[tuple[str, ...], float]


def models_fingerprint(lm_path: Path, channel_path: Path, dictionaries_dir: Path) -> str:
    """SHA-256 over what readings are computed from: the language model (its vocabulary and
    the lexicon's words), the channel model, the syllable and abbreviation dictionaries, and
    the candidate generator's settings."""
    digest = hashlib.sha256(GENERATOR_SETTINGS.encode("utf-8") + b"\0")
    for path in (lm_path, channel_path, dictionaries_dir / "syllables.tsv", dictionaries_dir / "abbreviations.tsv"):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class ReadingTable:
    """token -> its ranked readings (words, channel score), for the tokens stored."""

    rows: dict[str, int]
    offsets: np.ndarray
    words: np.ndarray
    scores: np.ndarray
    vocab: tuple[str, ...]
    meta: dict

    def __len__(self) -> int:
        return len(self.rows)

    def __contains__(self, key: str) -> bool:
        return key in self.rows

    def get(self, key: str) -> list[Reading] | None:
        row = self.rows.get(key)
        if row is None:
            return None
        start, end = int(self.offsets[row]), int(self.offsets[row + 1])
        vocab = self.vocab
        words = self.words[start:end].tolist()
        if self.words.shape[1] == 2:  # one or two words: no generator per reading
            readings = [(vocab[a],) if b < 0 else (vocab[a], vocab[b]) for a, b in words]
        else:
            readings = [tuple(vocab[i] for i in ids if i >= 0) for ids in words]
        return list(zip(readings, self.scores[start:end].tolist()))


def _text(values: Sequence[str]) -> np.ndarray:
    return np.frombuffer("\n".join(values).encode("utf-8"), np.uint8)


def _strings(array: np.ndarray) -> list[str]:
    text = array.tobytes().decode("utf-8")
    return text.split("\n") if text else []


def save_readings(path: Path, entries: dict[str, list[Reading]], fingerprint: str, meta: dict) -> None:
    """Write ``entries`` (token -> readings, best first) compactly; see the module doc."""
    tokens = list(entries)
    vocab: dict[str, int] = {}
    offsets = [0]
    words: list[list[int]] = []
    scores: list[float] = []
    for token in tokens:
        for reading, score in entries[token]:
            if not 1 <= len(reading) <= 2 or any("\n" in w for w in reading):
                raise ValueError(f"cannot store reading {reading!r} of {token!r}")
            ids = [vocab.setdefault(w, len(vocab)) for w in reading]
            words.append(ids + [-1] * (2 - len(ids)))
            scores.append(score)
        offsets.append(len(scores))
    info = {**meta, "format": FORMAT, "fingerprint": fingerprint, "tokens": len(tokens), "readings": len(scores)}
    arrays = {
        "tokens": _text(tokens),
        "vocab": _text(list(vocab)),
        "offsets": np.array(offsets, dtype=np.int32),
        "words": np.array(words, dtype=np.int32).reshape(-1, 2),
        "scores": np.array(scores, dtype=np.float32),
        "meta": np.frombuffer(json.dumps(info, ensure_ascii=False).encode("utf-8"), np.uint8),
    }
    tmp = path.with_name(path.name + ".tmp.npz")
    np.savez_compressed(tmp, **arrays)
    tmp.replace(path)


def load_readings(path: Path) -> ReadingTable:
    """Read a readings file (:class:`ModelError` if it is not one)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in ("tokens", "vocab", "offsets", "words", "scores", "meta")}
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"cannot read readings table {path}: {exc}") from exc
    if meta.get("format") != FORMAT:
        raise ModelError(f"{path} is not a {FORMAT} file")
    tokens = _strings(arrays["tokens"])
    return ReadingTable(
        rows={token: row for row, token in enumerate(tokens)},
        offsets=arrays["offsets"],
        words=arrays["words"],
        scores=arrays["scores"],
        vocab=tuple(_strings(arrays["vocab"])),
        meta=meta,
    )
