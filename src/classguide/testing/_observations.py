"""Drawing raw observations for a rule set: valid, missing, out of range, at the boundaries."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st

from classguide.expressions import Expression
from classguide.ruleset import Indicator, RuleSet

__all__ = ["observations_strategy"]


def _points(ind: Indicator, targets: Sequence[float]) -> list[object]:
    """Boundary values of ``ind``: floor, target(s), bounds and their nearest neighbours."""
    if ind.kind == "boolean":
        return [True, False]
    if ind.kind == "grade":
        return list(ind.grades or {})
    base = [x for x in (ind.floor, ind.target, *targets) if x is not None]
    if ind.bounds is not None:
        base += list(ind.bounds)
    out: list[float] = []
    for x in base:
        if ind.kind == "count":
            out += [x - 1.0, x, x + 1.0]
        else:
            out += [math.nextafter(x, -math.inf), x, math.nextafter(x, math.inf)]
    hi = 1.0 if ind.kind == "ratio" else math.inf
    points: list[object] = [x for x in sorted(set(out)) if 0.0 <= x <= hi]
    return points


def _count_cap(ind: Indicator) -> int:
    marks = [x for x in (ind.floor, ind.target) if x is not None]
    if ind.bounds is not None:
        marks += list(ind.bounds)
    return int(max([10.0, *marks]) * 2) + 1


def _valid(ind: Indicator) -> st.SearchStrategy[Any]:
    if ind.kind == "ratio":
        return st.one_of(
            st.integers(0, 100).map(lambda k: k / 100), st.floats(0.0, 1.0, allow_nan=False)
        )
    if ind.kind == "count":
        return st.integers(0, _count_cap(ind))
    if ind.kind == "boolean":
        return st.booleans()
    return st.sampled_from(list(ind.grades or {"?": 0.0}))


def _out_of_range(ind: Indicator) -> st.SearchStrategy[Any]:
    if ind.kind == "ratio":
        return st.sampled_from([85.0, 1.5, -0.1, math.inf])
    if ind.kind == "count":
        return st.sampled_from([-1, -0.5, math.inf])
    if ind.kind == "boolean":
        return st.sampled_from([2, 0.5, "yes"])
    return st.sampled_from(["<unknown grade>", 1.0])


def _formula_ok(ind: Indicator, value: float | object) -> bool:
    if not isinstance(value, float):
        return True  # missing (division by zero, ...) is a legitimate outcome
    if ind.kind == "ratio":
        return 0.0 <= value <= 1.0
    if ind.kind == "boolean":
        return value in (0.0, 1.0)
    return value >= 0.0 and math.isfinite(value)


@st.composite
def observations_strategy(
    draw: st.DrawFn,
    ruleset: RuleSet,
    formulas: dict[str, Expression],
    targets: dict[str, list[float]],
    shares: tuple[float, float, float],
    missing_as: tuple[str, ...],
) -> dict[str, object]:
    missing, out_of_range, boundary = shares
    # one draw in 0..999 per value: low numbers are normal values, so examples shrink to those
    cut_boundary = 1000 - round(1000 * (missing + out_of_range + boundary))
    cut_out = cut_boundary + round(1000 * boundary)
    cut_missing = cut_out + round(1000 * out_of_range)
    obs: dict[str, object] = {}

    def put_missing(key: str) -> None:
        form = draw(st.sampled_from(missing_as))
        if form != "absent":
            obs[key] = None if form == "none" else math.nan

    for ind in sorted(ruleset.indicators, key=lambda i: i.id):
        if ind.id in formulas:
            continue
        k = draw(st.integers(0, 999))
        if k >= cut_missing:
            put_missing(ind.id)
        elif k >= cut_out:
            obs[ind.id] = draw(_out_of_range(ind))
        elif k >= cut_boundary and _points(ind, targets.get(ind.id, ())):
            obs[ind.id] = draw(st.sampled_from(_points(ind, targets.get(ind.id, ()))))
        else:
            obs[ind.id] = draw(_valid(ind))
    inputs = sorted({n for f in formulas.values() for n in f.names} - set(obs))
    if inputs:
        by_id = {i.id: i for i in ruleset.indicators}
        for attempt in range(6):
            # first attempt: inputs ascending in formula order (a/b with a <= b stays a ratio)
            values = draw(st.lists(st.integers(0, 200), min_size=len(inputs), max_size=len(inputs)))
            if attempt == 0:
                values.sort()
            trial = {**obs, **dict(zip(inputs, values, strict=True))}
            if all(_formula_ok(by_id[i], f.evaluate(trial)) for i, f in formulas.items()):
                break
        else:
            assume(False)
        for name, value in zip(inputs, values, strict=True):
            if draw(st.integers(0, 999)) >= 1000 - round(1000 * missing):
                put_missing(name)
            else:
                obs[name] = value
    return obs
