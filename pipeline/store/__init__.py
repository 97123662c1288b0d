"""The compliance-tracking store: reports, citations and corrections in SQLite or PostgreSQL."""

from pipeline.store.records import DocumentRecord, PageRecord, record_from_outputs
from pipeline.store.store import Store, open_store

__all__ = ["DocumentRecord", "PageRecord", "Store", "open_store", "record_from_outputs"]
