"""Writing results and quarantines where offices open them: Parquet, CSV and XLSX.

Text that a spreadsheet would read as a formula — a cell beginning with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return (OWASP's "CSV injection") — is written so that it stays text:
in CSV it gets a leading apostrophe (``'=1+1``), in XLSX the cell is typed as a string. Numbers
stay numbers. CSV is written as UTF-8 with a byte-order mark, so spreadsheet programs show
Chinese text correctly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from classguide.io.units import SetAside

__all__ = [
    "QUARANTINE_COLUMNS",
    "CsvSink",
    "csv_ready",
    "quarantine_table",
    "safe_text",
    "write_csv",
    "write_xlsx",
]

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Columns of a quarantine file.
QUARANTINE_COLUMNS = ("file", "row", "reasons", "record")


def safe_text(value: str) -> str:
    """``value`` with a leading apostrophe if a spreadsheet would take it for a formula."""
    return "'" + value if value.startswith(_TRIGGERS) else value


def _safe_column(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    text = pc.cast(col, pa.string())
    risky = pc.match_substring_regex(text, r"^[=+\-@\t\r]")
    return pc.if_else(pc.fill_null(risky, False), pc.binary_join_element_wise("'", text, ""), text)


def _warnings_text(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    out = []
    for item in col.to_pylist():
        out.append(
            None
            if item is None
            else "; ".join(f"{w['level']}:{w['code']}:{w['subject']}" for w in item)
        )
    return pa.array(out, pa.string())


def csv_ready(table: pa.Table) -> pa.Table:
    """``table`` with text made formula-safe, categories as text and lists as ``a; b`` text."""
    cols = {}
    for name in table.column_names:
        col = table.column(name)
        t = col.type
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            col = _safe_column(_warnings_text(col))
        elif pa.types.is_dictionary(t) or pa.types.is_string(t) or pa.types.is_large_string(t):
            col = _safe_column(col)
        cols[name] = col
    return pa.table(cols)


class CsvSink:
    """One UTF-8 CSV file (with BOM, formula-safe) written a table at a time."""

    def __init__(self, path: str | Path) -> None:
        self._file: BinaryIO = Path(path).open("wb")  # noqa: SIM115
        self._file.write(b"\xef\xbb\xbf")
        self._writer: pacsv.CSVWriter | None = None

    def write(self, table: pa.Table) -> None:
        """Append ``table`` (the first table's schema is the file's)."""
        ready = csv_ready(table)
        if self._writer is None:
            self._writer = pacsv.CSVWriter(self._file, ready.schema)
        self._writer.write_table(ready)

    def close(self) -> None:
        """Finish the file."""
        if self._writer is not None:
            self._writer.close()
        self._file.close()

    def __enter__(self) -> CsvSink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def write_csv(tables: Iterable[pa.Table], path: str | Path) -> None:
    """Write ``tables`` (one schema) to one UTF-8 CSV with a BOM, formula-safe."""
    with CsvSink(path) as sink:
        for table in tables:
            sink.write(table)


def write_xlsx(table: pa.Table, path: str | Path, *, sheet: str = "results") -> None:
    """Write ``table`` to an XLSX workbook; every text cell is typed as text (never a formula)."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    book = openpyxl.Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(list(table.column_names))
    rows = csv_ready_xlsx(table)
    for record in rows:
        cells = []
        for value in record:
            cell = WriteOnlyCell(ws, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # text, even when it begins with "="
            cells.append(cell)
        ws.append(cells)
    book.save(Path(path))


def csv_ready_xlsx(table: pa.Table) -> list[list[Any]]:
    """Rows of ``table`` as Python values for a spreadsheet (lists as ``a; b`` text)."""
    cols = []
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_list(col.type) or pa.types.is_large_list(col.type):
            col = _warnings_text(col)
        elif pa.types.is_dictionary(col.type):
            col = pc.cast(col, pa.string())
        cols.append(col.to_pylist())
    return [list(r) for r in zip(*cols, strict=True)] if cols else []


def quarantine_table(rows: Iterable[SetAside]) -> pa.Table:
    """Set-aside rows as a table: file, row, reasons (``; ``-joined), the record as JSON."""
    items = list(rows)
    return pa.table(
        {
            "file": pa.array([s.file for s in items], pa.string()),
            "row": pa.array([s.row for s in items], pa.int64()),
            "reasons": pa.array(["; ".join(s.reasons) for s in items], pa.string()),
            "record": pa.array(
                [json.dumps(s.record, ensure_ascii=False) for s in items], pa.string()
            ),
        }
    )
