"""Reading the files assessment offices have: CSV (UTF-8, UTF-8 with BOM, GBK/GB18030 —
detected), XLSX, Parquet and JSON, every cell as text with the row a spreadsheet shows.

Everything is read as text on purpose: what a value means depends on the indicator it is for
(a ratio, a grade label, a yes/no), which :mod:`classguide.io.parsing` decides later, never the
reader's type guessing. Rows are numbered as a spreadsheet numbers them: the header is row 1,
the first record row 2 (for Parquet and JSON, record *k* is row *k* + 1, as it would be in a
spreadsheet export of the same table).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
from numpy.typing import NDArray

from classguide.io.problems import InputProblem

__all__ = ["FORMATS", "RawTable", "detect_encoding", "format_of", "iter_raw", "read_raw"]

#: File suffixes and the formats they mean.
FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
}
_SAMPLE = 1 << 20


@attrs.frozen(kw_only=True, eq=False)
class RawTable:
    """A chunk of a file as text: its columns, the spreadsheet row of each record, and the
    records the reader could not split into the header's columns (as problems)."""

    file: str
    table: pa.Table
    rows: NDArray[np.int64]
    malformed: tuple[InputProblem, ...] = ()


def format_of(path: Path) -> str:
    """The format of ``path`` from its suffix (:class:`ValueError` naming the suffixes known)."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"{path}: unknown file type {path.suffix!r}; expected one of {', '.join(FORMATS)}"
        )
    return fmt


def detect_encoding(sample: bytes, *, truncated: bool = False) -> str:
    """``utf-8`` (with or without BOM) if ``sample`` decodes as UTF-8, else ``gb18030``.

    GB18030 is the superset of GBK (and GB2312) that Chinese office software writes; a file
    that is valid UTF-8 is read as UTF-8 (for Chinese text the two almost never overlap).
    ``truncated``: the sample is the start of a longer file, so it may end inside a character.
    """
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if truncated and exc.reason == "unexpected end of data" and exc.start >= len(sample) - 3:
            return "utf-8"
    try:
        sample.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ValueError(
            f"cannot tell the text encoding (not UTF-8, not GBK/GB18030): byte {exc.start}"
        ) from None
    return "gb18030"


def _header(sample: bytes, encoding: str) -> list[str]:
    text = sample.decode(encoding, errors="replace").lstrip("\ufeff")
    first = next(csv.reader(io.StringIO(text)), [])
    return [c.strip() for c in first]


def _csv_batches(path: Path, block: int) -> Iterator[RawTable]:
    with path.open("rb") as f:
        sample = f.read(_SAMPLE)
    if not sample.strip():
        yield RawTable(file=str(path), table=pa.table({}), rows=np.zeros(0, np.int64))
        return
    encoding = detect_encoding(sample, truncated=len(sample) == _SAMPLE)
    names = _header(sample, encoding)
    bad: list[InputProblem] = []

    def invalid(row: Any) -> str:
        bad.append(
            InputProblem(
                file=str(path),
                row=row.number,
                reason=f"has {row.actual_columns} field(s), the header has {row.expected_columns}",
                value=row.text,
            )
        )
        return "skip"

    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(
            encoding="utf8" if encoding == "utf-8" else encoding,
            block_size=block,
            use_threads=False,
        ),
        parse_options=pacsv.ParseOptions(
            ignore_empty_lines=False, newlines_in_values=True, invalid_row_handler=invalid
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={n: pa.string() for n in names},
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )
    next_row = 2
    for batch in reader:
        table = pa.Table.from_batches([batch])
        table = table.rename_columns([c.strip() for c in table.column_names])
        skipped = sorted(p.row for p in bad if p.row is not None)
        rows: list[int] = []
        while len(rows) < table.num_rows:
            if skipped and skipped[0] == next_row:
                skipped.pop(0)
            else:
                rows.append(next_row)
            next_row += 1
        yield RawTable(
            file=str(path),
            table=table,
            rows=np.array(rows, dtype=np.int64),
            malformed=tuple(bad),
        )
        bad.clear()
    if bad:
        yield RawTable(
            file=str(path),
            table=pa.table({n: pa.array([], pa.string()) for n in names}),
            rows=np.zeros(0, np.int64),
            malformed=tuple(bad),
        )


def _cell_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else repr(int(value))
    return str(value).strip() if isinstance(value, str) else str(value)


def _xlsx_batches(path: Path, block_rows: int) -> Iterator[RawTable]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - the test extra installs it
        raise ValueError(
            f"{path}: reading XLSX needs openpyxl: pip install 'classguide[xlsx]'"
        ) from None

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows_iter = sheet.iter_rows(values_only=False)
        names: list[str] = []
        for cells in rows_iter:
            names = [str(c.value).strip() if c.value is not None else "" for c in cells]
            break
        while names and not names[-1]:
            names.pop()
        buffer: list[list[str | None]] = []
        numbers: list[int] = []

        def flush() -> RawTable:
            cols = {n: pa.array([r[k] for r in buffer], pa.string()) for k, n in enumerate(names)}
            out = RawTable(
                file=str(path), table=pa.table(cols), rows=np.array(numbers, dtype=np.int64)
            )
            buffer.clear()
            numbers.clear()
            return out

        for cells in rows_iter:
            values = [_cell_text(c.value) for c in cells][: len(names)]
            if not any(v not in (None, "") for v in values):
                continue  # spreadsheets pad sheets with empty rows
            values += [None] * (len(names) - len(values))
            buffer.append(values)
            numbers.append(cells[0].row)
            if len(buffer) >= block_rows:
                yield flush()
        if buffer or not numbers:
            yield flush()
    finally:
        book.close()


def _to_text(table: pa.Table) -> pa.Table:
    cols = {}
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_boolean(col.type):
            col = pc.if_else(col, "true", "false")
        cols[str(name).strip()] = pc.cast(col, pa.string())
    return pa.table(cols)


def _parquet_batches(path: Path, block_rows: int) -> Iterator[RawTable]:
    import pyarrow.parquet as pq

    pf = pq.ParquetFile(path)
    start = 2
    empty = True
    for batch in pf.iter_batches(batch_size=block_rows):
        empty = False
        table = _to_text(pa.Table.from_batches([batch]))
        rows = np.arange(start, start + table.num_rows, dtype=np.int64)
        start += table.num_rows
        yield RawTable(file=str(path), table=table, rows=rows)
    if empty:
        yield RawTable(
            file=str(path), table=_to_text(pf.schema_arrow.empty_table()), rows=np.zeros(0, int)
        )


def _json_batches(path: Path, block_rows: int) -> Iterator[RawTable]:
    text = path.read_text(encoding="utf-8-sig")
    stripped = text.lstrip()
    if stripped.startswith("["):
        records = json.loads(text)
    else:
        records = [json.loads(line) for line in text.splitlines() if line.strip()]
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ValueError(f"{path}: expected a JSON array of objects, or one object per line")
    names: list[str] = []
    for r in records:
        names += [k for k in r if k not in names]
    for start in range(0, max(len(records), 1), block_rows):
        part = records[start : start + block_rows]
        cols = {n: pa.array([_cell_text(r.get(n)) for r in part], pa.string()) for n in names}
        rows = np.arange(start + 2, start + 2 + len(part), dtype=np.int64)
        yield RawTable(file=str(path), table=pa.table(cols), rows=rows)


def iter_raw(path: str | Path, *, block_rows: int = 200_000) -> Iterator[RawTable]:
    """The file at ``path`` in chunks of about ``block_rows`` records, as text."""
    p = Path(path)
    fmt = format_of(p)
    if fmt == "csv":
        # about 120 bytes per row of a wide observation file
        yield from _csv_batches(p, min(1 << 30, max(1 << 16, block_rows * 128)))
    elif fmt == "xlsx":
        yield from _xlsx_batches(p, block_rows)
    elif fmt == "parquet":
        yield from _parquet_batches(p, block_rows)
    else:
        yield from _json_batches(p, block_rows)


def read_raw(path: str | Path) -> RawTable:
    """The whole file at ``path`` as one :class:`RawTable`."""
    parts = list(iter_raw(path, block_rows=1 << 30))
    tables = [p.table for p in parts if p.table.num_columns]
    table = pa.concat_tables(tables) if tables else pa.table({})
    rows = np.concatenate([p.rows for p in parts]) if parts else np.zeros(0, np.int64)
    malformed = tuple(m for p in parts for m in p.malformed)
    return RawTable(file=str(path), table=table, rows=rows, malformed=malformed)
