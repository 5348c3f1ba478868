"""Scales: how an indicator's raw value becomes a score in [0, 100] (DESIGN §3, "Scales").

All curves are monotone and piecewise linear:

* **higher is better**: ``lo → 0``, ``floor → pass score`` (60 by default), ``target → 100``,
  clipped outside. Without a floor the curve is linear from ``lo`` to ``target``.
* **lower is better**: the mirror image, ``hi → 0``, ``floor → pass``, ``target → 100``.
* **band**: ``[floor, target]`` is the ideal band (100); the score falls linearly to 0 at the
  outer bounds ``lo`` and ``hi``.
* **boolean**: read as 1/0 and scored as a ratio with ``target`` 1 (``higher``) or 0 (``lower``).
* **grade** (ordinal): the label's score from the indicator's ``grades`` table.

A value below its floor ("higher") or above it ("lower"), or outside the band, is a **floor
violation** whatever its score. The default bounds (where the score reaches 0) are: ``lo = 0``
for ratios, counts and booleans with a non-negative floor; ``hi = 1`` for ratios and booleans;
``hi = floor + (floor - target)`` (at least ``floor + 1``) for counts. Rule files may set
``bounds`` explicitly, and must for band indicators that are counts.
"""

from __future__ import annotations

import math

import attrs

from classguide.errors import EvaluationInputError
from classguide.ruleset import Indicator

__all__ = ["Scale", "piecewise_score", "raw_number", "scale_for"]


@attrs.frozen(kw_only=True)
class Scale:
    """The resolved curve of one indicator: direction, floor, target and the two zero bounds."""

    direction: str
    floor: float | None
    target: float
    lo: float
    hi: float
    pass_score: float


def scale_for(ind: Indicator, *, pass_score: float, target: float | None = None) -> Scale:
    """Resolve ``ind``'s curve, with defaults filled in (``target`` overrides, e.g. by tier)."""
    kind = ind.kind
    direction = ind.direction
    floor = ind.floor
    tgt = target if target is not None else ind.target
    if kind == "boolean":
        if tgt is None:
            tgt = 0.0 if direction == "lower" else 1.0
        lo_d, hi_d = 0.0, 1.0
    elif kind == "grade":
        # Grades are scored by their table; the curve maps the grade score onto itself.
        return Scale(
            direction="higher", floor=floor, target=100.0, lo=0.0, hi=100.0, pass_score=pass_score
        )
    else:
        if tgt is None:
            tgt = 1.0 if (kind == "ratio" and direction != "lower") else 0.0
        ref = floor if floor is not None else tgt
        lo_d = min(0.0, ref)
        if kind == "ratio":
            hi_d = 1.0
        elif direction == "lower":
            hi_d = ref + max(ref - tgt, 1.0)
        elif direction == "band":
            hi_d = tgt + max(tgt - ref, 1.0)
        else:
            hi_d = max(ref, tgt)
    if ind.bounds is not None:
        lo_d, hi_d = float(ind.bounds[0]), float(ind.bounds[1])
    return Scale(
        direction=direction,
        floor=floor,
        target=float(tgt),
        lo=lo_d,
        hi=hi_d,
        pass_score=pass_score,
    )


def _ramp(x: float, x0: float, x1: float, y0: float, y1: float) -> float:
    """Linear from (x0, y0) to (x1, y1); x0 < x1 and x0 <= x <= x1."""
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


def piecewise_score(v: float, s: Scale) -> tuple[float, bool | None]:
    """Score ``v`` on scale ``s``: ``(score in [0, 100], floor_met)``.

    ``floor_met`` is ``None`` when the indicator has no floor.
    """
    floor, target, p = s.floor, s.target, s.pass_score
    if s.direction == "higher":
        met = None if floor is None else v >= floor
        if v >= target:
            return 100.0, met
        if floor is not None and v >= floor:
            return _ramp(v, floor, target, p, 100.0), met
        top, top_score = (floor, p) if floor is not None else (target, 100.0)
        if v <= s.lo or top <= s.lo:
            return 0.0, met
        return _ramp(v, s.lo, top, 0.0, top_score), met
    if s.direction == "lower":
        met = None if floor is None else v <= floor
        if v <= target:
            return 100.0, met
        if floor is not None and v <= floor:
            return _ramp(-v, -floor, -target, p, 100.0), met
        top, top_score = (floor, p) if floor is not None else (target, 100.0)
        if v >= s.hi or top >= s.hi:
            return 0.0, met
        return _ramp(-v, -s.hi, -top, 0.0, top_score), met
    # band: [floor, target] is the ideal range
    low_edge = floor if floor is not None else target
    met = low_edge <= v <= target if floor is not None else None
    if low_edge <= v <= target:
        return 100.0, met
    if v < low_edge:
        if v <= s.lo or low_edge <= s.lo:
            return 0.0, met
        return _ramp(v, s.lo, low_edge, 0.0, 100.0), met
    if v >= s.hi or target >= s.hi:
        return 0.0, met
    return _ramp(-v, -s.hi, -target, 0.0, 100.0), met


def raw_number(ind: Indicator, value: object) -> float | None:
    """Check a raw observation against ``ind``'s kind and return it as a number.

    Returns ``None`` for NaN (a missing value); raises :class:`EvaluationInputError` naming the
    indicator for a value of the wrong type or out of the kind's range (a ratio outside [0, 1],
    a negative count, a boolean that is not ``True``/``False``/0/1, an unknown grade label).
    Grade labels return their score from the indicator's table.
    """
    kind = ind.kind
    if kind == "grade":
        table = ind.grades or {}
        if isinstance(value, float) and math.isnan(value):
            return None
        if not isinstance(value, str):
            raise EvaluationInputError(
                f"indicator {ind.id!r}: expected a grade label (one of {', '.join(table)}), "
                f"got {value!r}"
            )
        if value not in table:
            raise EvaluationInputError(
                f"indicator {ind.id!r}: unknown grade label {value!r}; expected one of "
                f"{', '.join(table)}"
            )
        return float(table[value])
    if isinstance(value, bool):
        if kind != "boolean":
            raise EvaluationInputError(
                f"indicator {ind.id!r} ({kind}): expected a number, got {value!r}"
            )
        return 1.0 if value else 0.0
    if not isinstance(value, (int, float)):
        raise EvaluationInputError(
            f"indicator {ind.id!r} ({kind}): expected a number, got {type(value).__name__} "
            f"{value!r}"
        )
    x = float(value)
    if math.isnan(x):
        return None
    if math.isinf(x):
        raise EvaluationInputError(f"indicator {ind.id!r}: value must be finite, got {value!r}")
    if kind == "boolean" and x not in (0.0, 1.0):
        raise EvaluationInputError(
            f"indicator {ind.id!r} (boolean): expected true/false or 0/1, got {value!r}"
        )
    if kind == "ratio" and not 0.0 <= x <= 1.0:
        hint = " (ratios are fractions: write 0.85, not 85)" if 1.0 < x <= 100.0 else ""
        raise EvaluationInputError(
            f"indicator {ind.id!r} (ratio): value {value!r} is outside [0, 1]{hint}"
        )
    if kind == "count" and x < 0:
        raise EvaluationInputError(
            f"indicator {ind.id!r} (count): value {value!r} must not be negative"
        )
    return x
