"""Where vanthu finds its shipped data: the built models and the dictionaries.

They live beside the package in a checkout (``models/``, ``dictionaries/``); an installation
that keeps them elsewhere says so with ``VANTHU_MODELS_DIR`` and ``VANTHU_DICTIONARIES_DIR``.
"""

from __future__ import annotations

import os
from pathlib import Path

_CHECKOUT = Path(__file__).resolve().parents[1]

MODELS_DIR = Path(os.environ.get("VANTHU_MODELS_DIR", _CHECKOUT / "models"))
DICTIONARIES_DIR = Path(os.environ.get("VANTHU_DICTIONARIES_DIR", _CHECKOUT / "dictionaries"))
