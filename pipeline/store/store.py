"""The ``Store``: runs, reports and errors written through one engine, schema migrated on open."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from pipeline.errors import StoreError
from pipeline.store import load
from pipeline.store.db import make_engine
from pipeline.store.records import DocumentRecord
from pipeline.store.schema import WRITE_TABLES, migrate


class Store:
    """A migrated database ready for writing. Use :func:`open_store` to get one."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        md = sa.MetaData()
        md.reflect(bind=engine, only=list(WRITE_TABLES))
        self.tables = md.tables

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def start_run(self, pipeline_version: str, model_versions: dict) -> int:
        """Record the start of a batch; returns the run id."""
        runs = self.tables["runs"]
        with self.engine.begin() as conn:
            return conn.execute(runs.insert().values(
                started_at=load.now_iso(), pipeline_version=pipeline_version,
                model_versions=json.dumps(model_versions, ensure_ascii=False, sort_keys=True),
            )).inserted_primary_key[0]

    def finish_run(self, run_id: int, ok: int, failed: int) -> None:
        runs = self.tables["runs"]
        with self.engine.begin() as conn:
            conn.execute(runs.update().where(runs.c.id == run_id).values(
                finished_at=load.now_iso(), ok=ok, failed=failed))

    def record_error(self, run_id: int | None, source: str, stage: str, error_class: str, message: str,
                     *, sha256: str | None = None, pipeline_version: str | None = None) -> None:
        with self.engine.begin() as conn:
            conn.execute(self.tables["errors"].insert().values(
                run_id=run_id, source=source, stage=stage, error_class=error_class,
                message=message, occurred_at=load.now_iso(), sha256=sha256, pipeline_version=pipeline_version))

    def document_status(self, sha256: str, pipeline_version: str) -> str | None:
        """"done" when stored by this version, "failed" when it failed with it, else None."""
        if self.has_document(sha256, pipeline_version):
            return "done"
        errors = self.tables["errors"]
        with self.engine.connect() as conn:
            failed = conn.execute(sa.select(errors.c.id).where(
                errors.c.sha256 == sha256, errors.c.pipeline_version == pipeline_version)).first()
        return "failed" if failed is not None else None

    def has_document(self, sha256: str, pipeline_version: str) -> bool:
        """True when this file was stored by this pipeline version."""
        reports = self.tables["reports"]
        with self.engine.connect() as conn:
            return conn.execute(sa.select(reports.c.id).where(
                reports.c.sha256 == sha256, reports.c.pipeline_version == pipeline_version)).first() is not None

    def save_document(self, doc: DocumentRecord, run_id: int | None = None) -> None:
        """Store one report, replacing the rows of a report with the same sha256, atomically."""
        self.save_documents([doc], run_id)

    def save_documents(self, docs: Sequence[DocumentRecord], run_id: int | None = None) -> None:
        """Store a batch of reports in one transaction (all or nothing)."""
        unique = {d.sha256: d for d in docs}
        try:
            with self.engine.begin() as conn:
                self._replace(conn, list(unique.values()), run_id)
        except sa.exc.SQLAlchemyError as e:
            raise StoreError(f"could not save {len(unique)} report(s): {e.__class__.__name__}: "
                             f"{str(getattr(e, 'orig', e)).splitlines()[0]}") from e

    def _replace(self, conn: Connection, docs: list[DocumentRecord], run_id: int | None) -> None:
        freed = self._delete_reports(conn, [d.sha256 for d in docs])
        ids = self._insert_reports(conn, docs, run_id)
        cited = {d.sha256: load.cited_rows(d) for d in docs}
        doc_ids = self._upsert_documents(conn, docs, cited, ids)
        self._insert_children(conn, docs, cited, ids, doc_ids)
        self._add_counts(conn, list(ids.values()), +1)
        self._drop_orphans(conn, freed)

    def _delete_reports(self, conn: Connection, shas: list[str]) -> set[int]:
        """Delete these reports' rows; returns the cited documents they referenced."""
        t = self.tables
        old = [r[0] for r in conn.execute(sa.select(t["reports"].c.id).where(
            t["reports"].c.sha256.in_(shas)))]
        if not old:
            return set()
        cited = t["citations"].c.cited_document_id
        freed = {r[0] for r in conn.execute(sa.select(cited).where(t["citations"].c.report_id.in_(old)).distinct())}
        archived = t["cited_documents"].c.archived_report_id
        freed |= {r[0] for r in conn.execute(sa.select(t["cited_documents"].c.id).where(archived.in_(old)))}
        conn.execute(t["cited_documents"].update().where(archived.in_(old)).values(archived_report_id=None))
        self._add_counts(conn, old, -1)
        for name in load.CHILD_TABLES:
            conn.execute(t[name].delete().where(t[name].c.report_id.in_(old)))
        conn.execute(t["reports"].delete().where(t["reports"].c.id.in_(old)))
        return freed

    def _insert_reports(self, conn: Connection, docs: list[DocumentRecord], run_id: int | None) -> dict[str, int]:
        reports = self.tables["reports"]
        rows = load.records(pd.DataFrame([load.report_row(d, run_id) for d in docs]))
        conn.execute(reports.insert(), rows)
        found = conn.execute(sa.select(reports.c.sha256, reports.c.id).where(
            reports.c.sha256.in_([d.sha256 for d in docs])))
        return dict(found.all())

    def _upsert_documents(self, conn: Connection, docs: list[DocumentRecord], cited: dict[str, list[dict]],
                          ids: dict[str, int]) -> dict:
        """Insert the cited documents not yet known (and each report as a document); key -> id."""
        wanted: dict[load.DocKey, dict] = {}
        archived: dict[load.DocKey, int] = {}
        for d in docs:
            for row in cited[d.sha256]:
                wanted.setdefault(load.key_of(row), row)
            own = load.own_document_row(d.structure.get("document") or {})
            if own:
                wanted[load.key_of(own)] = own
                archived[load.key_of(own)] = ids[d.sha256]
        stored = self._document_rows(conn, {k.symbol for k in wanted})
        complete = load.complete_identities(wanted, stored)
        self._complete_stored(conn, wanted, stored, complete)
        known = {key: id_ for key, id_, _ in stored}
        aliases = load.identity_aliases(wanted, complete)
        new = [row for key, row in wanted.items() if key not in known and key not in aliases]
        if new:
            conn.execute(self.tables["cited_documents"].insert(), new)
            known = self._document_ids(conn, {k.symbol for k in wanted})
        known.update({key: known[target] for key, target in aliases.items() if target in known})
        table = self.tables["cited_documents"]
        if archived:
            conn.execute(table.update().where(table.c.id == sa.bindparam("doc_id")).values(
                archived_report_id=sa.bindparam("rid")),
                [{"doc_id": known[k], "rid": rid} for k, rid in archived.items()])
        return known

    def _document_ids(self, conn: Connection, symbols: set[str]) -> dict[load.DocKey, int]:
        return {key: id_ for key, id_, _ in self._document_rows(conn, symbols)}

    def _document_rows(self, conn: Connection, symbols: set[str]) -> list[tuple[load.DocKey, int, bool]]:
        """(key, id, issuer inferred) of the stored documents with these symbols."""
        t = self.tables["cited_documents"]
        out = []
        symbols_list = sorted(symbols)
        for i in range(0, len(symbols_list), 500):
            rows = conn.execute(sa.select(t.c.symbol, t.c.issuer_key, t.c.date_key, t.c.id, t.c.issuer_inferred)
                                .where(t.c.symbol.in_(symbols_list[i:i + 500])))
            out += [(load.DocKey(s, ik, dk), id_, bool(inferred)) for s, ik, dk, id_, inferred in rows]
        return out

    def _complete_stored(self, conn: Connection, wanted: dict[load.DocKey, dict],
                         stored: list[tuple[load.DocKey, int, bool]], complete: dict[str, list[load.DocKey]]) -> None:
        """A stored document cited without its issuer or date, or with its issuer in fewer
        words, takes them from a citation in this batch that names them in full, when it is the
        only stored row to fit that identity and fits no other; ``stored`` is updated to match."""
        table = self.tables["cited_documents"]
        stored_keys = {key for key, _, _ in stored}
        rows_for: dict[load.DocKey, list[int]] = {}
        for index, (key, _, inferred) in enumerate(stored):
            target = load.sole_fit(key, inferred, complete)
            if target is not None and target in wanted and target not in stored_keys:
                rows_for.setdefault(target, []).append(index)
        for target, indexes in rows_for.items():
            if len(indexes) != 1:
                continue
            doc_id = stored[indexes[0]][1]
            row = wanted[target]
            conn.execute(table.update().where(table.c.id == doc_id).values(
                **{name: row[name] for name in ("issuer", "issuer_key", "issuer_inferred", "date", "date_key", "year")}))
            stored[indexes[0]] = (target, doc_id, False)

    def _insert_children(self, conn: Connection, docs: list[DocumentRecord], cited: dict[str, list[dict]],
                         ids: dict, doc_ids: dict) -> None:
        rows: dict[str, list[dict]] = {name: [] for name in load.CHILD_TABLES}
        for d in docs:
            rid = ids[d.sha256]
            sections = load.section_rows(d)
            mentions = load.mention_rows(d, cited[d.sha256])
            rows["pages"] += [{**r, "report_id": rid} for r in load.page_rows(d)]
            rows["sections"] += [{**r, "report_id": rid} for r in sections]
            rows["citations"] += [{**m, "report_id": rid, "cited_document_id": doc_ids[k]} for k, m in mentions]
            rows["corrections"] += [{**r, "report_id": rid} for r in load.correction_rows(d)]
            rows["search_docs"] += [{**r, "report_id": rid} for r in load.search_rows(
                d.structure.get("document") or {}, sections, [m for _, m in mentions])]
        for name, table_rows in rows.items():
            if table_rows:
                self._insert_frame(conn, name, table_rows)

    def _add_counts(self, conn: Connection, report_ids: list[int], sign: int) -> None:
        """Add (or, with ``sign`` -1, take back) these reports' mentions and citing-report
        counts on the documents they cite: work in proportion to the batch, not the archive."""
        c, d = self.tables["citations"], self.tables["cited_documents"]
        query = sa.select(c.c.cited_document_id, sa.func.count(), sa.func.count(sa.distinct(c.c.report_id))
                          ).where(c.c.report_id.in_(report_ids)).group_by(c.c.cited_document_id)
        changes = [{"doc": doc, "m": sign * m, "r": sign * r} for doc, m, r in conn.execute(query)]
        if changes:
            conn.execute(d.update().where(d.c.id == sa.bindparam("doc")).values(
                mentions=d.c.mentions + sa.bindparam("m"), reports=d.c.reports + sa.bindparam("r")), changes)

    def _insert_frame(self, conn: Connection, name: str, rows: list[dict]) -> None:
        """Rows -> DataFrame (object dtype keeps None as NULL) -> one executemany, or COPY on
        PostgreSQL; ``name`` and the columns are ours, never user text."""
        df = pd.DataFrame(rows, dtype=object)
        columns = ", ".join(df.columns)
        tuples = df.itertuples(index=False, name=None)
        if conn.dialect.name == "postgresql":
            with conn.connection.driver_connection.cursor() as cur:
                with cur.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                    for row in tuples:
                        copy.write_row(row)
            return
        marks = ", ".join(["?"] * len(df.columns))
        conn.exec_driver_sql(f"INSERT INTO {name} ({columns}) VALUES ({marks})", list(tuples))

    def _drop_orphans(self, conn: Connection, candidates: set[int]) -> None:
        """Delete cited documents that no citation and no archived report refers to any more."""
        if not candidates:
            return
        t, c = self.tables["cited_documents"], self.tables["citations"]
        still = {r[0] for r in conn.execute(sa.select(c.c.cited_document_id).where(
            c.c.cited_document_id.in_(candidates)).distinct())}
        gone = [i for i in candidates if i not in still]
        if gone:
            conn.execute(t.delete().where(t.c.id.in_(gone), t.c.archived_report_id.is_(None)))


@contextmanager
def open_store(url: str | Path) -> Iterator[Store]:
    """Open (creating and migrating if needed) the database at ``url`` for writing."""
    engine = make_engine(url, read_only=False, create=True)
    try:
        try:
            migrate(engine)
        except sa.exc.SQLAlchemyError as e:
            raise StoreError(f"cannot migrate the database at {url}: {str(getattr(e, 'orig', e)).splitlines()[0]}") from e
        yield Store(engine)
    finally:
        engine.dispose()
