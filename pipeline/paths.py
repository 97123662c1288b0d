"""Where vanthu finds its shipped data: the built models and the dictionaries.

In a checkout they live beside the package (``models/``, ``dictionaries/``); an installed wheel
carries them under ``<prefix>/share/vanthu/`` (see ``pyproject.toml``); an installation that
keeps them elsewhere says so with ``VANTHU_MODELS_DIR`` and ``VANTHU_DICTIONARIES_DIR``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[1]
_INSTALLED = Path(sys.prefix) / "share" / "vanthu"


def data_dir(name: str, variable: str, checkout: Path = _CHECKOUT, installed: Path = _INSTALLED) -> Path:
    """``$variable`` if set; else ``name`` in the checkout, if there; else in the installed
    share folder (which may be missing too: the loaders then say what to do)."""
    if os.environ.get(variable):
        return Path(os.environ[variable])
    here = checkout / name
    return here if here.is_dir() or not (installed / name).is_dir() else installed / name


MODELS_DIR = data_dir("models", "VANTHU_MODELS_DIR")
DICTIONARIES_DIR = data_dir("dictionaries", "VANTHU_DICTIONARIES_DIR")
