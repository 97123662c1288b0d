"""The only module that talks to Tesseract (through pytesseract).

pytesseract's quirks absorbed here: ``TesseractError`` subclasses ``RuntimeError``; a
timeout is a bare ``RuntimeError('Tesseract process timeout')``; the binary path is a
module global. Images are handed over as files (pytesseract would re-encode a PIL image
at about 1 s a page), and one Tesseract run writes TSV (words, boxes, confidences) and,
when asked, the page's searchable PDF.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytesseract
from pytesseract import pytesseract as _pt

from pipeline.errors import MissingDependencyError, OcrEngineError, OcrTimeoutError

INSTALL_HINT = "sudo apt-get install -y tesseract-ocr tesseract-ocr-vie"
MIN_VERSION = (4, 0)
# OpenMP threads make Tesseract 3-10x slower on small machines; one thread per process.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")


@dataclass(frozen=True, slots=True)
class OcrSettings:
    """How Tesseract is run on one page."""

    lang: str = "vie"
    psm: int = 3
    timeout_s: float = 120.0
    tesseract_cmd: str = "tesseract"


@dataclass(frozen=True, slots=True)
class TsvWord:
    """One word row of Tesseract's TSV, in the coordinates of the image it was given."""

    block: int
    par: int
    line: int
    left: int
    top: int
    width: int
    height: int
    conf: float
    text: str


@dataclass(frozen=True, slots=True)
class EngineOutput:
    words: tuple[TsvWord, ...]
    pdf: bytes | None
    engine: str


@functools.lru_cache(maxsize=4)
def engine_version(tesseract_cmd: str = "tesseract") -> str:
    """``"tesseract 5.3.0"``; raises MissingDependencyError when the binary is absent."""
    _pt.tesseract_cmd = tesseract_cmd
    try:
        version = pytesseract.get_tesseract_version()
    except (pytesseract.TesseractNotFoundError, OSError) as e:
        raise MissingDependencyError(
            f"Tesseract is not installed (looked for {tesseract_cmd!r})", hint=INSTALL_HINT
        ) from e
    return f"tesseract {version}"


def installed_languages(tesseract_cmd: str = "tesseract") -> list[str]:
    engine_version(tesseract_cmd)
    try:
        return sorted(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractError, RuntimeError) as e:
        raise OcrEngineError(f"cannot list Tesseract's languages: {e}") from e


def check_environment(settings: OcrSettings = OcrSettings()) -> str:
    """Fail early, naming the package to install, unless Tesseract >= 4 and the languages are there."""
    version = engine_version(settings.tesseract_cmd)
    numbers = tuple(int(n) for n in re.findall(r"\d+", version)[:2])
    if numbers < MIN_VERSION:
        raise MissingDependencyError(
            f"{version} is too old; vanthu needs Tesseract 4 or newer", hint=INSTALL_HINT
        )
    have = installed_languages(settings.tesseract_cmd)
    missing = [lang for lang in settings.lang.split("+") if lang not in have]
    if missing:
        packages = " ".join(f"tesseract-ocr-{m}" for m in missing)
        raise MissingDependencyError(
            f"Tesseract has no data for language(s) {', '.join(missing)} (installed: {', '.join(have)})",
            hint=f"sudo apt-get install -y {packages}",
        )
    return version


def recognize_image(
    image: np.ndarray, settings: OcrSettings, *, dpi: int, want_pdf: bool = False
) -> EngineOutput:
    """Run Tesseract once on a gray image; words with boxes and confidences, optionally a PDF."""
    version = engine_version(settings.tesseract_cmd)
    with tempfile.TemporaryDirectory(prefix="vanthu-ocr-") as tmp:
        src = Path(tmp) / "page.pgm"  # uncompressed: 7 ms to write where PNG takes 200-300 ms
        if not cv2.imwrite(str(src), image):
            raise OcrEngineError("could not write the page image for Tesseract")
        base = Path(tmp) / "out"
        _run(src, base, settings, dpi=dpi, want_pdf=want_pdf)
        tsv_path = base.with_suffix(".tsv")
        if not tsv_path.exists():
            raise OcrEngineError("Tesseract exited normally but wrote no TSV output")
        words = parse_tsv(tsv_path.read_text(encoding="utf-8", errors="replace"))
        pdf = base.with_suffix(".pdf").read_bytes() if want_pdf else None
    return EngineOutput(words=words, pdf=pdf, engine=version)


def _run(src: Path, base: Path, settings: OcrSettings, *, dpi: int, want_pdf: bool) -> None:
    """The single seam where Tesseract runs; translates its failures into our exceptions."""
    _pt.tesseract_cmd = settings.tesseract_cmd
    config = f"--psm {settings.psm} --dpi {dpi} -c tessedit_create_tsv=1"
    try:
        _pt.run_tesseract(
            str(src), str(base), extension="pdf" if want_pdf else "",
            lang=settings.lang, config=config, timeout=settings.timeout_s,
        )
    except pytesseract.TesseractNotFoundError as e:
        raise MissingDependencyError("Tesseract is not installed", hint=INSTALL_HINT) from e
    except pytesseract.TesseractError as e:  # before RuntimeError: it subclasses it
        raise OcrEngineError(f"Tesseract failed with status {e.status}: {_first_line(e.message)}") from e
    except RuntimeError as e:
        if "timeout" not in str(e).lower():
            raise
        raise OcrTimeoutError(f"Tesseract took longer than {settings.timeout_s:g} s on one page") from e


def _first_line(message: object) -> str:
    text = message.decode(errors="replace") if isinstance(message, bytes) else str(message)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[-1] if lines else "no message"


def parse_tsv(tsv: str) -> tuple[TsvWord, ...]:
    """Word rows (level 5) of Tesseract's TSV, empty words dropped, text NFC."""
    reader = csv.DictReader(io.StringIO(tsv), delimiter="\t", quoting=csv.QUOTE_NONE)
    words = []
    for row in reader:
        if row.get("level") != "5":
            continue
        text = unicodedata.normalize("NFC", (row.get("text") or "").strip())
        if not text:
            continue
        try:
            words.append(TsvWord(
                block=int(row["block_num"]), par=int(row["par_num"]), line=int(row["line_num"]),
                left=int(row["left"]), top=int(row["top"]),
                width=int(row["width"]), height=int(row["height"]),
                conf=float(row["conf"]), text=text,
            ))
        except (KeyError, TypeError, ValueError) as e:
            raise OcrEngineError(f"unreadable TSV row from Tesseract: {row!r}") from e
    return tuple(words)


def tesseract_path(cmd: str = "tesseract") -> str | None:
    return shutil.which(cmd)


def detect_orientation(image: np.ndarray, settings: OcrSettings) -> tuple[int, float]:
    """Tesseract's OSD: (degrees clockwise to rotate the image upright, confidence).

    Returns (0, 0.0) when OSD finds too little text to decide.
    """
    engine_version(settings.tesseract_cmd)
    with tempfile.TemporaryDirectory(prefix="vanthu-osd-") as tmp:
        src = Path(tmp) / "page.pgm"
        cv2.imwrite(str(src), image)
        base = Path(tmp) / "osd"
        _pt.tesseract_cmd = settings.tesseract_cmd
        try:
            _pt.run_tesseract(str(src), str(base), extension="osd", lang="osd",
                              config="--psm 0 -c min_characters_to_try=20", timeout=settings.timeout_s)
        except pytesseract.TesseractError:
            return 0, 0.0  # "Too few characters": nothing to orient by
        except RuntimeError as e:
            if "timeout" not in str(e).lower():
                raise
            raise OcrTimeoutError("Tesseract's orientation detection timed out") from e
        out = base.with_suffix(".osd")
        text = out.read_text(errors="replace") if out.exists() else ""
    rotate = re.search(r"Rotate:\s*(\d+)", text)
    conf = re.search(r"Orientation confidence:\s*([\d.]+)", text)
    if not rotate:
        return 0, 0.0
    return int(rotate.group(1)) % 360, float(conf.group(1)) if conf else 0.0
