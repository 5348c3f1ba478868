"""Value checks of the columnar path: what :func:`classguide.scales.raw_number` refuses.

A ratio outside [0, 1], a negative count, a boolean other than 0/1, an infinite value, or a
number where a grade label is needed raise :class:`~classguide.EvaluationInputError` naming the
unit, the indicator and the value — as the single-unit path does, nothing is clipped or dropped.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from classguide.errors import EvaluationInputError
from classguide.plan import Plan

__all__ = ["check_block"]

F64 = NDArray[np.float64]
_SHOWN = 5


def _bad_rows(kind: str, v: F64, is_formula: bool) -> tuple[bool, NDArray[np.intp] | None]:
    """Whether ``v`` has a missing value, and the rows ``kind`` refuses (``None``: none).

    Two reductions do it when all is well: ``minimum``/``maximum`` propagate NaN, so a finite
    result means nothing is missing and gives the range to check.
    """
    if not v.size:
        return False, None
    lo = np.minimum.reduce(v)
    hi = np.maximum.reduce(v)
    missing = bool(np.isnan(lo))
    if missing:
        lo, hi = np.fmin.reduce(v), np.fmax.reduce(v)
    if kind == "grade":
        # Direct grade columns arrive already mapped from labels; a formula gives no label.
        bad = ~np.isnan(v) if is_formula else None
        return missing, np.flatnonzero(bad) if bad is not None and bad.any() else None
    if kind == "count":
        ok = not (lo < 0.0 or hi == np.inf)
    else:  # ratio or boolean
        ok = not (lo < 0.0 or hi > 1.0)
        if ok and kind == "boolean":
            ok = not bool(((v > 0.0) & (v < 1.0)).any())
    if ok:
        return missing, None
    with np.errstate(invalid="ignore"):
        if kind == "ratio":
            bad = (v < 0.0) | (v > 1.0)
        elif kind == "count":
            bad = (v < 0.0) | np.isinf(v)
        else:
            bad = ~np.isnan(v) & (v != 0.0) & (v != 1.0)
    return missing, np.flatnonzero(bad)


def _reason(kind: str, x: float) -> str:
    if np.isinf(x):
        return "must be finite"
    if kind == "ratio":
        hint = " (ratios are fractions: write 0.85, not 85)" if 1.0 < x <= 100.0 else ""
        return f"is outside [0, 1]{hint}"
    if kind == "count":
        return "must not be negative"
    if kind == "boolean":
        return "expected true/false or 0/1"
    return "expected a grade label, got a number"


def check_block(
    plan: Plan, raws: Sequence[F64], start: int, unit_ids: Sequence[object] | None
) -> list[bool]:
    """Whether each column of the block has a missing value; raise
    :class:`EvaluationInputError` listing the values the indicators' kinds refuse."""
    problems: list[str] = []
    missing: list[bool] = []
    total = 0
    for k, v in enumerate(raws):
        ind = plan.indicators[k]
        has_missing, rows = _bad_rows(ind.kind, v, plan.formulas[k] is not None)
        missing.append(has_missing)
        if rows is None:
            continue
        total += len(rows)
        for r in rows[: max(0, _SHOWN - len(problems))].tolist():
            row = start + r
            who = f"unit {unit_ids[row]!r}" if unit_ids is not None else f"row {row}"
            x = float(v[r])
            problems.append(
                f"{who}: indicator {ind.id!r} ({ind.kind}): value {x!r} {_reason(ind.kind, x)}"
            )
    if problems:
        more = f"\n  … and {total - len(problems)} more" if total > len(problems) else ""
        raise EvaluationInputError(
            f"rule set {plan.ruleset_id!r}: {total} value(s) out of range:\n  "
            + "\n  ".join(problems)
            + more
        )
    return missing
