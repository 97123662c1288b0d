"""Rendering query answers: an aligned text table, CSV, JSON (a list of objects), XLSX."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

XLSX_CELL_LIMIT = 32_767  # Excel refuses longer cells


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def to_table(rows: Sequence[dict], columns: Sequence[str], max_width: int = 60) -> str:
    """A plain aligned table; long cells are cut with an ellipsis."""
    def clip(text: str) -> str:
        text = text.replace("\n", " ")
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    cells = [[clip(_cell(r.get(c))) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines) + "\n"


def to_csv(rows: Sequence[dict], columns: Sequence[str]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(r.get(c)) for c in columns] for r in rows)
    return buf.getvalue()


def to_json(rows: Sequence[dict]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=2) + "\n"


def xlsx_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Lists joined, long texts cut to Excel's cell limit."""
    def fix(v: object) -> object:
        if isinstance(v, (list, tuple)):
            v = "; ".join(map(str, v))
        if isinstance(v, str) and len(v) > XLSX_CELL_LIMIT:
            return v[: XLSX_CELL_LIMIT - 1] + "…"
        return v

    return df.map(fix)


def write_xlsx(rows: Sequence[dict], columns: Sequence[str], path: Path, sheet: str = "vanthu") -> None:
    frame = xlsx_frame(pd.DataFrame(list(rows), columns=list(columns)))
    frame.to_excel(path, sheet_name=sheet[:31], index=False, engine="openpyxl")


def render(rows: Sequence[dict], columns: Sequence[str], fmt: str) -> str:
    """``table``, ``csv`` or ``json`` text of ``rows``."""
    if fmt == "json":
        return to_json([{c: r.get(c) for c in columns} for r in rows])
    if fmt == "csv":
        return to_csv(rows, columns)
    return to_table(rows, columns)
