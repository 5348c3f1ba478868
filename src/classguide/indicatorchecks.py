"""Checks of single indicators inside a rule set: scales, grade tables, vetoes, sources, formulas.

Part of :func:`classguide.validate_ruleset`; see ``docs/rulefiles.md`` for the codes.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

from classguide.errors import ExpressionError, Problem
from classguide.expressions import parse_formula
from classguide.ruleset import DISCONNECTS, Indicator, RuleSet

__all__ = ["check_indicators", "check_moderation", "err", "warn"]


def err(path: str, code: str, message: str) -> Problem:
    return Problem(path=path, message=message, severity="error", code=code)


def warn(path: str, code: str, message: str) -> Problem:
    return Problem(path=path, message=message, severity="warning", code=code)


def _scale(k: int, ind: Indicator) -> Iterator[Problem]:
    p = f"indicators[{k}]"
    floor, target, kind = ind.floor, ind.target, ind.kind
    if kind == "grade":
        if not ind.grades:
            yield err(f"{p}.grades", "grades-missing", "a grade indicator needs a grades table")
        else:
            for label, score in ind.grades.items():
                if not 0.0 <= score <= 100.0:
                    yield err(
                        f"{p}.grades[{label!r}]",
                        "grade-score",
                        f"grade score must be in [0, 100], got {score!r}",
                    )
        if ind.direction != "higher":
            yield err(f"{p}.direction", "direction", "grade indicators are scored 'higher'")
        for name, value in (("floor", floor), ("target", target)):
            if value is not None and not 0.0 <= value <= 100.0:
                yield err(
                    f"{p}.{name}",
                    "range",
                    f"a grade indicator's {name} is a score in [0, 100], got {value!r}",
                )
        return
    if ind.grades is not None:
        yield err(f"{p}.grades", "grades-kind", f"a {kind} indicator takes no grades table")
    if floor is not None and target is not None:
        if ind.direction == "lower" and floor < target:
            yield err(
                f"{p}.floor",
                "floor-target",
                f"lower is better, so the floor ({floor:g}) must be ≥ the target ({target:g})",
            )
        if ind.direction in ("higher", "band") and floor > target:
            yield err(
                f"{p}.floor",
                "floor-target",
                f"{ind.direction}: the floor ({floor:g}) must be ≤ the target ({target:g})",
            )
    limits = {"ratio": (0.0, 1.0), "boolean": (0.0, 1.0), "count": (0.0, math.inf)}[kind]
    for name, value in (("floor", floor), ("target", target)):
        if value is None:
            continue
        if kind == "boolean" and value not in (0.0, 1.0):
            yield err(f"{p}.{name}", "range", f"a boolean's {name} is 0 or 1, got {value!r}")
        elif not limits[0] <= value <= limits[1]:
            hint = " (ratios are fractions: write 0.85, not 85)" if kind == "ratio" else ""
            yield err(
                f"{p}.{name}",
                "range",
                f"a {kind}'s {name} must be in [{limits[0]:g}, {limits[1]:g}], got {value!r}{hint}",
            )
    if ind.bounds is not None:
        lo, hi = ind.bounds
        inside = [v for v in (floor, target) if v is not None]
        if not lo < hi:
            yield err(
                f"{p}.bounds", "bounds", f"bounds must be [lo, hi] with lo < hi, got {lo:g}, {hi:g}"
            )
        elif any(not lo <= v <= hi for v in inside):
            yield err(
                f"{p}.bounds", "bounds", f"floor and target must lie within bounds [{lo:g}, {hi:g}]"
            )
    elif kind == "count" and ind.direction == "band":
        yield err(f"{p}.bounds", "bounds", "a count with a band direction needs explicit bounds")
    if ind.direction == "band" and (floor is None or target is None):
        yield err(f"{p}.floor", "floor-target", "a band indicator needs both floor and target")


def check_indicators(rs: RuleSet) -> Iterator[Problem]:
    sources = {s.id for s in rs.sources}
    grade_ids = {b.id for b in rs.grades}
    ids = {i.id for i in rs.indicators}
    for k, ind in enumerate(rs.indicators):
        p = f"indicators[{k}]"
        yield from _scale(k, ind)
        if ind.veto is not None:
            if ind.veto.cap is not None and ind.veto.cap not in grade_ids:
                yield err(
                    f"{p}.veto.cap",
                    "veto-cap",
                    f"veto caps at grade {ind.veto.cap!r}, which is not a grade band "
                    f"({', '.join(sorted(grade_ids))})",
                )
            if ind.floor is None:
                yield err(f"{p}.veto", "veto-floor", "a veto needs a floor to trigger on")
        for tag in ind.tags:
            if tag not in DISCONNECTS:
                yield err(f"{p}.tags", "tag", f"unknown tag {tag!r}; expected one of {DISCONNECTS}")
        if ind.source is None:
            yield warn(f"{p}.source", "no-source", "indicator cites no source")
        elif ind.source not in sources:
            yield err(
                f"{p}.source",
                "unknown-source",
                f"source {ind.source!r} is not declared under [[sources]] "
                f"({', '.join(sorted(sources)) or 'none declared'})",
            )
        if not ind.name.en.strip():
            yield warn(f"{p}.name.en", "no-english", f"indicator {ind.id!r} has no English name")
        if ind.formula is not None:
            yield from _formula(p, ind, ids)


def _formula(p: str, ind: Indicator, ids: set[str]) -> Iterator[Problem]:
    try:
        expr = parse_formula(ind.formula or "")
    except ExpressionError as exc:
        yield err(f"{p}.formula", "formula", str(exc))
        return
    if ind.kind in ("boolean", "grade"):
        yield err(
            f"{p}.kind",
            "formula",
            f"a formula computes a number; kind {ind.kind!r} cannot have one",
        )
    for name in expr.names:
        if name in ids:
            yield err(
                f"{p}.formula",
                "formula-input",
                f"formula input {name!r} is also an indicator id; name raw inputs apart from "
                "indicators",
            )


def check_moderation(p: str, value: float, ind: Indicator) -> Iterator[Problem]:
    """An adjusted target may only moderate the excellence line, between floor and target."""
    if ind.kind in ("boolean", "grade") or ind.direction == "band":
        yield err(
            f"{p}.indicator",
            "adjustment",
            "only ratio and count indicators with a higher/lower direction can be moderated; "
            f"{ind.id!r} is {ind.kind}/{ind.direction}",
        )
        return
    target = (
        ind.target
        if ind.target is not None
        else (1.0 if ind.kind == "ratio" and ind.direction == "higher" else 0.0)
    )
    floor = ind.floor
    if ind.direction == "higher":
        lo, hi = (floor if floor is not None else -math.inf), target
    else:
        lo, hi = target, (floor if floor is not None else math.inf)
    if not lo <= value <= hi:
        yield err(
            f"{p}.target",
            "adjustment",
            f"a moderated target must lie between the floor and the target of {ind.id!r} "
            f"([{lo:g}, {hi:g}]), got {value:g}; floors are never lowered",
        )
