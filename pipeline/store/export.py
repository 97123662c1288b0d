"""Export every table of the store as CSV files, one XLSX workbook, or Parquet files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeline.errors import StoreError
from pipeline.store.formats import xlsx_frame
from pipeline.store.reader import fetch, open_reader

from pipeline.store.names import EXPORT_TABLES, FORMATS  # noqa: E402  (re-exported)


def read_tables(url: str | Path, tables: tuple[str, ...] = EXPORT_TABLES) -> dict[str, pd.DataFrame]:
    """Each table as a DataFrame, ordered by its key."""
    unknown = [t for t in tables if t not in EXPORT_TABLES]
    if unknown:
        raise StoreError(f"unknown table(s): {', '.join(unknown)}", hint=f"choose from {', '.join(EXPORT_TABLES)}")
    with open_reader(url) as conn:
        out = {}
        for name in tables:  # names come from the fixed list above, never from user text
            order = "version" if name == "schema_migrations" else "id"
            t = fetch(conn, f"SELECT * FROM {name} ORDER BY {order}")
            out[name] = pd.DataFrame(list(t.rows), columns=list(t.columns))
    return out


def export(url: str | Path, fmt: str, out: Path, tables: tuple[str, ...] = EXPORT_TABLES) -> list[Path]:
    """Write the tables to ``out`` (a folder for csv/parquet, a .xlsx file for xlsx)."""
    if fmt not in FORMATS:
        raise StoreError(f"unknown export format {fmt!r}", hint=f"choose from {', '.join(FORMATS)}")
    frames = read_tables(url, tables)
    if fmt == "xlsx":
        path = out if out.suffix == ".xlsx" else out / "vanthu.xlsx"
        path.parent.mkdir(parents=True, exist_ok=True)
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, df in frames.items():
                xlsx_frame(df).to_excel(writer, sheet_name=name[:31], index=False)
        return [path]
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in frames.items():
        path = out / f"{name}.{fmt}"
        if fmt == "csv":
            df.to_csv(path, index=False)
        else:
            df.to_parquet(path, index=False)
        written.append(path)
    return written
