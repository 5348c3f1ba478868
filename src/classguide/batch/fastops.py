"""Faster spellings of three NumPy idioms the engine runs on every block, bitwise equal to them.

Measured with NumPy 2.4 on the project's machine, 64,000 float64 values in cache:

* ``np.maximum(x, 0.0)`` / ``np.minimum(x, 100.0)`` with a scalar bound take ~28 µs each, while
  ``np.clip(x, 0.0, 100.0)`` takes ~10 µs and ``x + 0.0`` ~8 µs (:func:`clamp`);
* ``np.copyto(code, value, where=cond)`` on an irregular mask (about half the rows, as a band or
  a lag test gives) takes ~200 µs — a branch per element that the CPU cannot predict — while the
  same assignment as three int8 operations takes ~4 µs (:func:`put`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["clamp", "put", "upper"]

F64 = NDArray[np.float64]


def clamp(x: F64, lo: float, hi: float) -> F64:
    """``np.minimum(np.maximum(x, lo), hi, out=x)``, bit for bit for an upper bound other than
    ±0; returns ``x``.

    ``np.clip`` alone keeps a ``-0.0`` that ``np.maximum(x, 0.0)`` turns into ``+0.0``; adding
    ``0.0`` afterwards does the same (and changes no other value, NaN included).
    """
    np.clip(x, lo, hi, out=x)
    if lo == 0.0:
        x += 0.0
    return x


def upper(x: F64, hi: float) -> F64:
    """``np.minimum(x, hi, out=x)``, bit for bit for a bound other than ±0 (the engine's are 1
    and 100); returns ``x``."""
    return np.clip(x, -np.inf, hi, out=x)


def put(code: NDArray[np.int8], cond: NDArray[np.bool_], value: int) -> None:
    """``np.copyto(code, value, where=cond)`` for int8 codes, as ``code += cond * (value -
    code)``: NumPy's integer arithmetic wraps modulo 256, so an intermediate that overflows
    still ends at ``value`` (or leaves ``code`` as it was)."""
    step = np.subtract(np.int8(value), code)
    step *= cond.view(np.int8)
    code += step
