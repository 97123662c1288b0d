"""The compliance-tracking store: reports, citations and corrections in SQLite or PostgreSQL.

The public names are imported on first use, so that importing a light submodule (the
command definitions, the fixed names) does not load SQLAlchemy and pandas.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_PUBLIC = {
    "DocumentRecord": "pipeline.store.records", "PageRecord": "pipeline.store.records",
    "record_from_outputs": "pipeline.store.records",
    "Store": "pipeline.store.store", "open_store": "pipeline.store.store",
}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str) -> Any:
    if name not in _PUBLIC:
        raise AttributeError(f"module 'pipeline.store' has no attribute {name!r}")
    return getattr(import_module(_PUBLIC[name]), name)
