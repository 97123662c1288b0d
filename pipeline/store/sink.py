"""The results database as the batch's sink: what was done before, and each new outcome."""

from __future__ import annotations

from pipeline.batch import Job, Outcome
from pipeline.store.records import DocumentRecord, PageRecord
from pipeline.store.store import Store


class StoreSink:
    """Saves each processed document (atomically, replacing an earlier copy) or its failure."""

    def __init__(self, store: Store, run_id: int, pipeline_version: str, model_versions: dict[str, str]) -> None:
        self.store, self.run_id = store, run_id
        self.pipeline_version, self.model_versions = pipeline_version, model_versions

    def status(self, job: Job) -> str | None:
        if not job.sha256:
            return None  # unreadable: try again, it will fail with its reason
        return self.store.document_status(job.sha256, self.pipeline_version)

    def save(self, outcome: Outcome) -> None:
        if outcome.ok:
            self.store.save_document(self.record(outcome), self.run_id)
        else:
            self.store.record_error(
                self.run_id, str(outcome.job.path), outcome.stage, outcome.error_class, outcome.message,
                sha256=outcome.job.sha256 or None, pipeline_version=self.pipeline_version,
            )

    def record(self, outcome: Outcome) -> DocumentRecord:
        doc = outcome.document
        assert doc is not None
        return DocumentRecord(
            source=doc.source, sha256=outcome.job.sha256,
            pages=tuple(PageRecord(p.page_number, p.mean_confidence, p.preprocessing) for p in doc.pages),
            structure=doc.structure, edits=tuple(doc.edits), raw_text=doc.raw_text,
            corrected_text=doc.corrected_text, pipeline_version=self.pipeline_version,
            model_versions=self.model_versions,
        )
