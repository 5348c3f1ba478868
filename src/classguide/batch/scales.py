"""The scales of :mod:`classguide.scales` on whole columns (NaN = missing).

Each curve is written with the same operations, in the same order, as
:func:`classguide.scales.piecewise_score`, so the columnar scores are bitwise the ones of the
single-unit path: ``_ramp(x, x0, x1, y0, y1) = y0 + (y1 - y0)·(x - x0) / (x1 - x0)``, and for the
mirrored ramps ``(-v) - (-f)`` is computed as ``f - v``, which IEEE-754 rounds identically.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
from numpy.typing import NDArray

from classguide.scales import Scale

__all__ = ["Lines", "fast_score_column", "fast_score_into", "lines_of", "score_column"]

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


def _points(s: Scale) -> tuple[tuple[float, float], ...] | None:
    """The corners of ``s``'s curve, x ascending, if it is continuous; else ``None``."""
    p = s.pass_score
    if s.direction == "higher":
        if s.floor is None:
            pts: tuple[tuple[float, float], ...] = ((s.lo, 0.0), (s.target, 100.0))
        else:
            pts = ((s.lo, 0.0), (s.floor, p), (s.target, 100.0))
    elif s.direction == "lower":
        if s.floor is None:
            pts = ((s.target, 100.0), (s.hi, 0.0))
        else:
            pts = ((s.target, 100.0), (s.floor, p), (s.hi, 0.0))
    else:
        edge = s.floor if s.floor is not None else s.target
        pts = ((s.lo, 0.0), (edge, 100.0), (s.target, 100.0), (s.hi, 0.0))
        if edge == s.target:
            pts = ((s.lo, 0.0), (edge, 100.0), (s.hi, 0.0))
    xs = [x for x, _ in pts]
    if any(b <= a for a, b in itertools.pairwise(xs)):
        return None
    return pts


Lines = tuple[tuple[tuple[float, float], ...], bool]
#: Largest term a fast line may have within its segment (rounding error ~1e-12 there).
_LARGEST = 1e4


def lines_of(s: Scale) -> Lines | None:
    """The lines (slope, intercept) of ``s``'s segments and whether their minimum (concave)
    rather than their maximum (convex) is the curve; ``None`` when neither is."""
    pts = _points(s)
    if pts is None:
        return None
    lines = []
    for (x0, y0), (x1, y1) in itertools.pairwise(pts):
        slope = (y1 - y0) / (x1 - x0)
        intercept = y0 - slope * x0
        # Within the segment the line's terms must stay small, so that rounding them stays far
        # below 1e-9 (a steep segment, e.g. floor 1e-300 above lo 0, is scored exactly).
        size = max(abs(slope) * max(abs(x0), abs(x1)), abs(intercept))
        if not (math.isfinite(slope) and math.isfinite(intercept) and size <= _LARGEST):
            return None
        lines.append((slope, intercept))
    slopes = [a for a, _ in lines]
    if all(b <= a for a, b in itertools.pairwise(slopes)):
        return tuple(lines), True
    if all(b >= a for a, b in itertools.pairwise(slopes)):
        return tuple(lines), False
    return None


def _violations_into(v: F64, s: Scale, out: Bool) -> Bool | None:
    floor = s.floor
    if floor is None:
        return None
    if s.direction == "higher":
        return np.less(v, floor, out=out)
    if s.direction == "lower":
        return np.greater(v, floor, out=out)
    np.less(v, floor, out=out)
    out |= v > s.target
    return out


def fast_score_into(
    v: F64, s: Scale, out: F64, tmp: F64, viol: Bool, spec: Lines | None = None
) -> Bool | None:
    """Score ``v`` on ``s`` into ``out`` (``tmp`` is scratch); return the floor violations
    (written into ``viol``) or ``None`` without a floor.

    The curve is computed as the minimum (concave) or maximum (convex) of its segments' lines,
    clamped to [0, 100]: a few multiply-add and min/max passes, no division, no branches. That
    agrees with :func:`score_column` to a few units in the last place (exactly at the corners);
    the engine redoes exactly any row whose outcome lies that close to a cut-off. Curves with a
    jump, or neither concave nor convex, are scored by :func:`score_column`. ``spec`` is
    :func:`lines_of` ``(s)``, computed once per rule set by the caller.
    """
    if spec is None:
        spec = lines_of(s)
    if spec is None:
        score, violations = score_column(v, s)
        out[:] = score
        if violations is None:
            return None
        viol[:] = violations
        return viol
    lines, concave = spec
    combine = np.minimum if concave else np.maximum
    for j, (slope, intercept) in enumerate(lines):
        dest = out if j == 0 else tmp
        np.multiply(v, slope, out=dest)
        if intercept != 0.0:
            dest += intercept
        if j:
            combine(out, tmp, out=out)
    np.clip(out, 0.0, 100.0, out=out)
    return _violations_into(v, s, viol)


def fast_score_column(v: F64, s: Scale) -> tuple[F64, Bool | None]:
    """:func:`fast_score_into` into new arrays."""
    out = np.empty_like(v)
    viol = np.empty(v.shape, dtype=np.bool_)
    return out, fast_score_into(v, s, out, np.empty_like(v), viol)
