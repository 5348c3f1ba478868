"""CSV files people open in spreadsheets: cells protected against formula injection.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, in some programs,
a tab or carriage return) as a formula; a unit name or message taken from input data must
never do that (OWASP, "CSV Injection"). Text cells starting with one of these characters get a
leading apostrophe, which spreadsheets show as text; numbers are written as numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

__all__ = ["FORMULA_TRIGGERS", "protect_cell", "write_csv"]

#: First characters that make a spreadsheet read a cell as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | bool | None


def protect_cell(value: Cell) -> Cell:
    """``value`` made safe for a spreadsheet: text starting with a formula trigger gets ``'``.

    >>> protect_cell("=HYPERLINK(\\"http://x\\")")
    '\\'=HYPERLINK("http://x")'
    >>> protect_cell(-1.5)
    -1.5
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> int:
    """Write ``rows`` under ``header`` to ``path`` (UTF-8 with BOM, for spreadsheets).

    Every text cell passes through :func:`protect_cell`; ``None`` is an empty cell. Returns
    the number of data rows written.
    """
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([protect_cell(h) for h in header])
        for row in rows:
            writer.writerow(["" if c is None else protect_cell(c) for c in row])
            count += 1
    return count
