"""The columnar (batch) path: whole populations, one NumPy pass per rule set (DESIGN §6).

:func:`evaluate_table` takes tables and returns a table; :func:`evaluate_columns` is the engine
underneath, on NumPy columns of one rule set. Both compute what :func:`classguide.evaluate`
computes for each unit, to the bit for the arithmetic (see ``docs/batch.md``).
"""

from __future__ import annotations

from classguide.batch.engine import DEFAULT_BLOCK, ColumnResult, evaluate_columns
from classguide.batch.output import RESULT_COLUMNS
from classguide.batch.tables import evaluate_table

__all__ = ["DEFAULT_BLOCK", "RESULT_COLUMNS", "ColumnResult", "evaluate_columns", "evaluate_table"]
