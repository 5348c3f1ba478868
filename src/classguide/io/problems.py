"""One problem with an input file: where (file, row as a spreadsheet numbers it, column), what
value, and why."""

from __future__ import annotations

import attrs

__all__ = ["InputProblem"]


@attrs.frozen(kw_only=True)
class InputProblem:
    """A problem found reading units or observations.

    ``row`` is the row a spreadsheet shows (header = 1; ``None`` for a problem with the whole
    file); ``column`` is ``None`` for a problem with the whole row.
    """

    file: str
    reason: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        shown = "" if self.value is None else f" (value {self.value!r})"
        return f"{where}: {self.reason}{shown}"
