"""Independent reference computations the contract checks the library's results against.

These are written from the rule set alone (not from the compiled plan), so a defect in the
rule set or in the scoring shows up as a disagreement: shares of observed weight per
sub-system, whether a value violates its floor, which values are "better", and the finite
space of attribute combinations a unit type allows.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from typing import Any

from hypothesis import strategies as st

from classguide.model import UnitType
from classguide.ruleset import Indicator, RuleSet

__all__ = [
    "attribute_space",
    "better_values",
    "invalid_raw",
    "observed_shares",
    "path_shares",
    "violates_floor",
    "violating_values",
]


def _root(dimension: str) -> str:
    return "party" if dimension == "party" else "business"


def path_shares(ruleset: RuleSet) -> dict[str, tuple[str, float]]:
    """Indicator id → (sub-system, product of sibling-normalised weights up to the root)."""
    groups = {g.id: g for g in ruleset.groups}
    siblings: dict[tuple[str | None, str], float] = {}
    for g in ruleset.groups:
        key = (g.parent, _root(g.dimension) if g.parent is None else "")
        siblings[key] = siblings.get(key, 0.0) + g.weight
    for i in ruleset.indicators:
        key = (i.group, _root(i.dimension) if i.group is None else "")
        siblings[key] = siblings.get(key, 0.0) + i.weight

    def share(parent: str | None, dimension: str, weight: float) -> tuple[str, float]:
        total = siblings[(parent, _root(dimension) if parent is None else "")]
        own = weight / total if total > 0 else 0.0
        if parent is None:
            return _root(dimension), own
        g = groups[parent]
        root, up = share(g.parent, g.dimension, g.weight)
        return root, own * up

    return {i.id: share(i.group, i.dimension, i.weight) for i in ruleset.indicators}


def observed_shares(ruleset: RuleSet, present: Mapping[str, bool]) -> dict[str, float]:
    """Share of each sub-system's indicator weight that has a value (1.0 when it has none)."""
    totals = {"party": 0.0, "business": 0.0}
    seen = {"party": 0.0, "business": 0.0}
    for iid, (root, w) in path_shares(ruleset).items():
        totals[root] += w
        if present.get(iid, False):
            seen[root] += w
    return {r: (seen[r] / totals[r] if totals[r] > 0 else 1.0) for r in totals}


def _number(ind: Indicator, value: object) -> float | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if ind.kind == "grade":
        return None if not isinstance(value, str) else float((ind.grades or {})[value])
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    return float(value)  # type: ignore[arg-type]


def violates_floor(ind: Indicator, value: object) -> bool:
    """Whether ``value`` misses ``ind``'s floor (底线): below it, above it, or outside the band."""
    x = _number(ind, value)
    if ind.floor is None or x is None:
        return False
    if ind.kind == "grade" or ind.direction == "higher":
        return x < ind.floor
    if ind.direction == "lower":
        return x > ind.floor
    target = ind.target if ind.target is not None else ind.floor
    return not ind.floor <= x <= target


def violating_values(ind: Indicator) -> list[object]:
    """A few raw values of ``ind``'s kind that miss its floor (empty when none exists)."""
    if ind.floor is None:
        return []
    if ind.kind == "grade":
        return [g for g, s in (ind.grades or {}).items() if s < ind.floor]
    if ind.kind == "boolean":
        candidates: list[object] = [False, True]
    else:
        f = ind.floor
        step = 1.0 if ind.kind == "count" else (math.nextafter(f, math.inf) - f)
        candidates = [f - step, f + step, f - 0.5 if ind.kind == "count" else f / 2]
        if ind.kind == "ratio":
            candidates += [0.0, 1.0, min(1.0, f + 0.1)]
        else:
            candidates += [0.0, f + 10.0]
        hi = 1.0 if ind.kind == "ratio" else math.inf
        candidates = [c for c in candidates if 0.0 <= c <= hi]  # type: ignore[operator]
    return [c for c in candidates if violates_floor(ind, c)]


def better_values(ind: Indicator, value: object) -> st.SearchStrategy[Any] | None:
    """Values at least as good as ``value`` in ``ind``'s good direction (``None``: not testable).

    Higher is better: anything above; lower: anything below; band: anything between the value
    and the band, or inside it; booleans: the good one; grades: labels scoring at least as much.
    """
    x = _number(ind, value)
    if x is None or ind.formula:
        return None
    if ind.kind == "grade":
        table = ind.grades or {}
        return st.sampled_from([g for g, s in table.items() if s >= x])
    if ind.kind == "boolean":
        good = ind.direction != "lower"
        return st.just(good) if bool(x) != good else st.just(bool(x))
    marks = [x, *(m for m in (ind.floor, ind.target) if m is not None)]
    hi = 1.0 if ind.kind == "ratio" else max(marks) * 2 + 5
    if ind.direction == "higher":
        lo_new, hi_new = x, hi
    elif ind.direction == "lower":
        lo_new, hi_new = 0.0, x
    else:
        low = ind.floor if ind.floor is not None else ind.target
        top = ind.target if ind.target is not None else low
        assert low is not None and top is not None
        if x < low:
            lo_new, hi_new = x, top
        elif x > top:
            lo_new, hi_new = low, x
        else:
            lo_new, hi_new = low, top
    if ind.kind == "count":
        return st.integers(math.ceil(lo_new), math.floor(hi_new)) if hi_new >= lo_new else None
    return st.floats(lo_new, hi_new, allow_nan=False)


def attribute_space(ut: UnitType, limit: int = 4096) -> list[dict[str, str]] | None:
    """Every attribute combination a unit of ``ut`` may have (``None`` if more than ``limit``)."""
    options: list[list[str | None]] = []
    size = 1
    for spec in ut.attributes:
        values: list[str | None] = list(spec.values)
        if not spec.required:
            values.append(None)
        options.append(values)
        size *= max(1, len(values))
        if size > limit:
            return None
    names = [spec.name for spec in ut.attributes]
    return [
        {n: v for n, v in zip(names, combo, strict=True) if v is not None}
        for combo in itertools.product(*options)
    ]


def invalid_raw(ind: Indicator, value: object) -> bool:
    """Whether ``value`` is not a valid raw value of ``ind``'s kind (missing values are valid)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return False
    if ind.kind == "grade":
        return not isinstance(value, str) or value not in (ind.grades or {})
    if ind.kind == "boolean":
        return value not in (True, False, 0, 1) or isinstance(value, str)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    if not math.isfinite(value):
        return True
    return value < 0 or (ind.kind == "ratio" and value > 1)
