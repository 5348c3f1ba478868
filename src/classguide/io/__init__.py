"""Reading the files assessment offices have, and evaluating from them (DESIGN §1, §6).

* :func:`read_table` — one CSV (UTF-8, UTF-8 with BOM, GBK/GB18030, detected), XLSX, Parquet
  or JSON file as a table of text, with the spreadsheet row of each record;
* :func:`evaluate_files` — units and observations files checked and evaluated: every problem is
  reported with file, spreadsheet row, column and reason; ``strict=True`` raises
  :class:`~classguide.InputError` listing them all, otherwise the problem rows are set aside
  (see :func:`write_quarantine`) and the rest is evaluated; the counts always add up;
* :func:`classguide.streaming.stream_evaluate` — the same for files larger than memory.
"""

from __future__ import annotations

from pathlib import Path

import attrs
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from classguide.io.problems import InputProblem
from classguide.io.readers import FORMATS, RawTable, detect_encoding, read_raw
from classguide.io.run import Counts, Ranks, RunResult, evaluate_chunks, raise_if_strict
from classguide.io.units import SetAside
from classguide.io.writers import quarantine_table, safe_text, write_csv, write_xlsx

__all__ = [
    "FORMATS",
    "Counts",
    "FileResult",
    "InputProblem",
    "RawTable",
    "SetAside",
    "detect_encoding",
    "evaluate_files",
    "read_table",
    "safe_text",
    "write_csv",
    "write_quarantine",
    "write_xlsx",
]


def read_table(path: str | Path) -> pa.Table:
    """The file at ``path`` as a table of text (every cell as it was written)."""
    return read_raw(path).table


@attrs.frozen(kw_only=True, eq=False)
class FileResult:
    """The results of :func:`evaluate_files`, with the counts, problems and set-aside rows."""

    table: pa.Table
    counts: Counts
    problems: tuple[InputProblem, ...]
    set_aside: tuple[SetAside, ...]

    def __str__(self) -> str:
        return str(self.counts)


def evaluate_files(
    source: object,
    units: str | Path,
    observations: str | Path,
    *,
    period: str | None = None,
    strict: bool = False,
    quarantine: str | Path | None = None,
    indicator_scores: bool = False,
    warnings: bool = False,
) -> FileResult:
    """Evaluate the units in the file ``units`` from the file ``observations``, in memory.

    ``source`` is a :class:`~classguide.Guide` or one :class:`~classguide.RuleSet`. Problems
    are listed on the result; with ``strict=True`` any problem raises
    :class:`~classguide.InputError` listing all of them. With ``quarantine`` the set-aside rows
    are written there (CSV) with their reasons.
    """
    tables: list[pa.Table] = []
    ranks = Ranks()

    def on_table(table: pa.Table, classes: NDArray[np.int64]) -> None:
        tables.append(table)
        ranks.add(classes, table)

    run: RunResult = evaluate_chunks(
        source, units, observations, period=period, chunk_rows=1 << 40,
        indicator_scores=indicator_scores, warnings=warnings, on_table=on_table,
    )  # fmt: skip
    if strict:
        raise_if_strict(run)
    if quarantine is not None:
        write_quarantine(run.set_aside, quarantine)
    from classguide.streaming import apply_ranks

    table = pa.concat_tables(tables, promote_options="default") if tables else pa.table({})
    if table.num_rows:
        rank, size, pct, flagged = ranks.rank(run.rulesets)
        table = apply_ranks(table, rank, size, pct, flagged)
    return FileResult(
        table=table, counts=run.counts, problems=run.problems, set_aside=run.set_aside
    )


def write_quarantine(rows: tuple[SetAside, ...] | list[SetAside], path: str | Path) -> None:
    """Write set-aside rows (file, row, reasons, the record as JSON) to a CSV at ``path``."""
    write_csv([quarantine_table(rows)], path)
