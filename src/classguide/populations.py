"""Whole populations at once: the public face of :mod:`classguide.batch`.

Importing :mod:`classguide` does not import pyarrow; this wrapper does, on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

    from classguide.batch.tables import Rules

__all__ = ["evaluate_table"]


def evaluate_table(
    source: object,
    units: Any,
    observations: Any,
    *,
    period: str | None = None,
    rules: Rules = (),
    indicator_scores: bool = False,
    warnings: bool = False,
) -> pa.Table:
    """Evaluate every unit of ``units`` from ``observations`` with ``source`` (a
    :class:`~classguide.Guide` or a :class:`~classguide.RuleSet`): a pyarrow Table, one row
    per unit. See :func:`classguide.batch.evaluate_table` and ``docs/batch.md``."""
    from classguide.batch.tables import evaluate_table as run

    return run(
        source,
        units,
        observations,
        period=period,
        rules=rules,
        indicator_scores=indicator_scores,
        warnings=warnings,
    )
