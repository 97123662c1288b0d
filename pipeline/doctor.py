"""``vanthu doctor``: what is installed, what is missing, and the command that fixes it."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.errors import VanthuError

APT = "sudo apt-get install -y"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    required: bool = True


PYTHON_PACKAGES = (
    ("cv2", "opencv-python-headless"), ("PIL", "Pillow"), ("pytesseract", "pytesseract"),
    ("pypdfium2", "pypdfium2"), ("pypdf", "pypdf"), ("numpy", "numpy"), ("rapidfuzz", "rapidfuzz"),
    ("spacy", "spacy"), ("pandas", "pandas"),
)


def run_checks() -> Iterator[Check]:
    yield Check("python", sys.version_info >= (3, 11), sys.version.split()[0], "install Python 3.11 or newer")
    yield from _check_tesseract()
    for module, package in PYTHON_PACKAGES:
        yield _check_module(module, package)
    yield _check_models()
    yield _check_compiled_corrector()


def _check_compiled_corrector() -> Check:
    """The corrector's compiled modules (optional: their Python versions give the same text,
    slower)."""
    from pipeline.correct import align, channel, decoder

    missing = [name for name, module in (("beam", decoder._beam), ("channel DP", align._segments),
                                         ("channel search", channel._search)) if module is None]
    if not missing:
        return Check("compiled corrector", True, "built: the corrector's beam, channel DP and search run compiled")
    return Check("compiled corrector", False,
                 f"not built ({', '.join(missing)}): those parts run in Python and numpy (same results, slower)",
                 f"{APT} gcc python3-dev && pip install --force-reinstall --no-deps -e .", required=False)


def _check_models() -> Check:
    """The corrector's language model, dictionaries and channel model load."""
    import time

    start = time.perf_counter()
    try:
        from pipeline.correct import load_models

        models = load_models()
    except VanthuError as e:
        return Check("corrector models", False, e.message, e.hint or "python scripts/build_models.py")
    return Check("corrector models", True,
                 f"language model and dictionaries, channel: {models.channel_name}, "
                 f"precomputed readings: {models.readings_name} (loaded in {time.perf_counter() - start:.1f} s)")


def _check_module(module: str, package: str) -> Check:
    try:
        mod = importlib.import_module(module)
    except ImportError as e:
        return Check(f"python package {package}", False, str(e), f"pip install {package}")
    return Check(f"python package {package}", True, getattr(mod, "__version__", "installed"))


def _check_tesseract() -> Iterator[Check]:
    from pipeline.ocr.tesseract import MIN_VERSION, engine_version, installed_languages

    try:
        version = engine_version()
    except VanthuError as e:
        yield Check("tesseract", False, e.message, f"{APT} tesseract-ocr tesseract-ocr-vie")
        return
    major = int(version.split()[1].split(".")[0])
    yield Check("tesseract", major >= MIN_VERSION[0], version, f"{APT} tesseract-ocr (version 4 or newer)")
    try:
        langs = installed_languages()
    except VanthuError as e:
        yield Check("tesseract languages", False, e.message, f"{APT} tesseract-ocr-vie")
        return
    yield Check("tesseract data: vie", "vie" in langs, "Vietnamese model " + ("found" if "vie" in langs else "missing"),
                f"{APT} tesseract-ocr-vie")
    yield Check("tesseract data: osd", "osd" in langs,
                "orientation model " + ("found" if "osd" in langs else "missing: sideways pages cannot be turned"),
                f"{APT} tesseract-ocr-osd", required=False)
