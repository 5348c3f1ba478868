"""Derived indicators on columns: the parsed formula tree of :mod:`classguide.expressions`
walked once per block over NumPy arrays (never ``eval``).

Missing follows the single-unit path: a missing input, or a division by zero, makes the row's
value missing (NaN), never zero.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from classguide.expressions import Expression, Node

__all__ = ["evaluate_formula"]

F64 = NDArray[np.float64]


def _walk(node: Node, column: Callable[[str], F64]) -> F64:
    tag = node[0]
    if tag == "num":
        return np.asarray(float(node[1]))  # type: ignore[arg-type]
    if tag == "name":
        return column(str(node[1]))
    if tag == "neg":
        return np.negative(_walk(node[1], column))  # type: ignore[arg-type]
    if tag == "call":
        args = [_walk(a, column) for a in node[2]]  # type: ignore[attr-defined]
        # NaN (a missing input) propagates through minimum/maximum, as Missing does.
        fn = np.minimum if node[1] == "min" else np.maximum
        out = args[0]
        for a in args[1:]:
            out = fn(out, a)
        return out
    left = _walk(node[1], column)  # type: ignore[arg-type]
    right = _walk(node[2], column)  # type: ignore[arg-type]
    if tag == "+":
        return np.add(left, right)
    if tag == "-":
        return np.subtract(left, right)
    if tag == "*":
        return np.multiply(left, right)
    out = np.divide(left, right)
    return np.where(right == 0.0, np.nan, out)


def evaluate_formula(expr: Expression, column: Callable[[str], F64], size: int) -> F64:
    """The formula's values on a block of ``size`` rows; ``column(name)`` gives an input.

    An input's column holds NaN where the input is missing or is not a number.
    """
    with np.errstate(all="ignore"):
        out = _walk(expr.tree, column)
    return np.broadcast_to(out, (size,)).astype(np.float64, copy=True)
