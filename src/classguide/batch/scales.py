"""The scales of :mod:`classguide.scales` on whole columns (NaN = missing).

Each curve is written with the same operations, in the same order, as
:func:`classguide.scales.piecewise_score`, so the columnar scores are bitwise the ones of the
single-unit path: ``_ramp(x, x0, x1, y0, y1) = y0 + (y1 - y0)·(x - x0) / (x1 - x0)``, and for the
mirrored ramps ``(-v) - (-f)`` is computed as ``f - v``, which IEEE-754 rounds identically.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from classguide.scales import Scale

__all__ = ["score_column"]

F64 = NDArray[np.float64]
Bool = NDArray[np.bool_]


def _ramp_up(v: F64, x0: float, x1: float, y0: float, y1: float) -> F64:
    """``y0 + (y1 - y0)·(v - x0) / (x1 - x0)`` (``y0 = 0`` adds nothing for v > x0)."""
    out = np.subtract(v, x0)
    np.multiply(out, y1 - y0, out=out)
    np.divide(out, x1 - x0, out=out)
    if y0 != 0.0:
        np.add(out, y0, out=out)
    return out


def _ramp_down(v: F64, x0: float, x1: float, y0: float, y1: float) -> F64:
    """The mirrored ramp ``_ramp(-v, -x0, -x1, y0, y1)`` with ``x1 < x0``."""
    out = np.subtract(x0, v)
    np.multiply(out, y1 - y0, out=out)
    np.divide(out, x0 - x1, out=out)
    if y0 != 0.0:
        np.add(out, y0, out=out)
    return out


def _higher(v: F64, s: Scale) -> tuple[F64, Bool | None]:
    floor, target, p, lo = s.floor, s.target, s.pass_score, s.lo
    top, top_score = (floor, p) if floor is not None else (target, 100.0)
    if top <= lo:
        out = np.zeros_like(v)
        np.copyto(out, v, where=np.isnan(v))
    else:
        out = _ramp_up(v, lo, top, 0.0, top_score)
        np.copyto(out, 0.0, where=v <= lo)
    viol = None
    if floor is not None:
        at_floor = v >= floor
        np.copyto(out, _ramp_up(v, floor, target, p, 100.0), where=at_floor)
        viol = v < floor
    np.copyto(out, 100.0, where=v >= target)
    return out, viol


def _lower(v: F64, s: Scale) -> tuple[F64, Bool | None]:
    floor, target, p, hi = s.floor, s.target, s.pass_score, s.hi
    top, top_score = (floor, p) if floor is not None else (target, 100.0)
    if top >= hi:
        out = np.zeros_like(v)
        np.copyto(out, v, where=np.isnan(v))
    else:
        out = _ramp_down(v, hi, top, 0.0, top_score)
        np.copyto(out, 0.0, where=v >= hi)
    viol = None
    if floor is not None:
        np.copyto(out, _ramp_down(v, floor, target, p, 100.0), where=v <= floor)
        viol = v > floor
    np.copyto(out, 100.0, where=v <= target)
    return out, viol


def _band(v: F64, s: Scale) -> tuple[F64, Bool | None]:
    floor, target, lo, hi = s.floor, s.target, s.lo, s.hi
    edge = floor if floor is not None else target
    if target >= hi:
        out = np.zeros_like(v)
        np.copyto(out, v, where=np.isnan(v))
    else:
        out = _ramp_down(v, hi, target, 0.0, 100.0)
        np.copyto(out, 0.0, where=v >= hi)
    below = v < edge
    if edge <= lo:
        np.copyto(out, 0.0, where=below)
    else:
        left = _ramp_up(v, lo, edge, 0.0, 100.0)
        np.copyto(left, 0.0, where=v <= lo)
        np.copyto(out, left, where=below)
    inside = (v >= edge) & (v <= target)
    np.copyto(out, 100.0, where=inside)
    viol = None
    if floor is not None:
        viol = below | (v > target)
    return out, viol


def score_column(v: F64, s: Scale) -> tuple[F64, Bool | None]:
    """Scores of the raw values ``v`` on scale ``s``, and where the floor is violated.

    NaN in ``v`` stays NaN in the scores (missing) and is never a violation; the violation mask
    is ``None`` when the indicator has no floor.
    """
    with np.errstate(all="ignore"):
        if s.direction == "higher":
            return _higher(v, s)
        if s.direction == "lower":
            return _lower(v, s)
        return _band(v, s)
