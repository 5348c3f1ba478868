"""Hypothesis strategies for the batch tests: rule sets with every feature the columnar path
computes (tags, tier adjustments, floor levels, derived indicators, alert settings, composite
weights), populations of units and their observations with missing values and edge values."""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import strategies as st

import classguide as cg
from core_strategies import rulesets

TIERS = ("weak", "standard", "advanced")
LEVELS = ("county", "municipal")


@st.composite
def batch_rulesets(draw: st.DrawFn, rid: str = "random") -> cg.RuleSet:
    """A random valid rule set, enriched with what the single-unit path reads."""
    rs = draw(rulesets())
    indicators = []
    for ind in rs.indicators:
        changes: dict[str, Any] = {}
        if draw(st.integers(0, 2)) == 0:
            changes["tags"] = tuple(
                draw(st.lists(st.sampled_from(cg.ruleset.DISCONNECTS), min_size=1, max_size=2))
            )
        if ind.floor is not None and draw(st.booleans()):
            changes["floor_level"] = draw(st.sampled_from(["red", "orange", "yellow", "blue"]))
        if ind.veto is not None and draw(st.booleans()):
            changes["veto"] = cg.Veto(cap=draw(st.sampled_from(["average", "fairly_good"])))
        indicators.append(attrs.evolve(ind, **changes))
    # One ratio may become derived: done / planned.
    ratios = [k for k, i in enumerate(indicators) if i.kind == "ratio" and i.direction == "higher"]
    if ratios and draw(st.booleans()):
        k = draw(st.sampled_from(ratios))
        indicators[k] = attrs.evolve(indicators[k], formula="min(done / planned, 1)")
    adjustments = []
    for ind in indicators:
        adjustable = ind.kind in ("ratio", "count") and ind.direction == "higher" and ind.target
        if adjustable and draw(st.integers(0, 2)) == 0:
            tier = draw(st.sampled_from(TIERS))
            lo = ind.floor if ind.floor is not None else 0.0
            target = lo + (ind.target - lo) * draw(st.sampled_from([0.5, 0.8, 1.0]))  # type: ignore[operator]
            adjustments.append(cg.TierAdjustment(foundation=tier, indicator=ind.id, target=target))
    wp = draw(st.sampled_from([0.5, 0.5, 0.4, 0.6]))
    return attrs.evolve(
        rs,
        id=rid,
        indicators=tuple(indicators),
        adjustments=tuple(adjustments),
        weights=cg.CompositeWeights(party=wp, business=1.0 - wp),
        lag_threshold=draw(st.sampled_from([0.1, 0.05, 0.2])),
        alerts=cg.AlertSettings(
            bottom_n=draw(st.sampled_from([None, None, 1, 3])),
            bottom_share=draw(st.sampled_from([None, None, 0.1, 0.5])),
            lag_gap=draw(st.sampled_from([0.2, 0.1, 0.3])),
            disconnect_threshold=draw(st.sampled_from([60.0, 70.0, 50.0])),
            orange_at_or_below=draw(st.sampled_from(["near_imbalance", "barely_coordinated"])),
        ),
    )


def value_for(ind: cg.Indicator) -> st.SearchStrategy[object]:
    """A raw value: uniform in range, or exactly at the floor, the target or an end."""
    if ind.kind == "ratio":
        edges = [x for x in (ind.floor, ind.target, 0.0, 1.0) if x is not None]
        return st.one_of(st.floats(0.0, 1.0), st.sampled_from(edges))
    if ind.kind == "count":
        edges = [x for x in (ind.floor, ind.target, 0.0) if x is not None]
        return st.one_of(st.floats(0.0, 80.0), st.sampled_from(edges))
    if ind.kind == "boolean":
        return st.booleans()
    return st.sampled_from(sorted((ind.grades or {}).keys()))


@st.composite
def observations_for(draw: st.DrawFn, rs: cg.RuleSet, missing: int = 6) -> dict[str, object]:
    """One unit's observations; about one value in ``missing`` is absent or NaN."""
    obs: dict[str, object] = {}
    for ind in rs.indicators:
        if draw(st.integers(0, missing - 1)) == 0:
            if ind.formula is None and ind.kind in ("ratio", "count") and draw(st.booleans()):
                obs[ind.id] = float("nan")
            continue
        if ind.formula is not None:
            planned = draw(st.sampled_from([0.0, 4.0, 10.0, 25.0]))
            obs["planned"] = planned
            obs["done"] = draw(st.sampled_from([0.0, 3.0, 10.0, 12.0]))
            continue
        obs[ind.id] = draw(value_for(ind))
    return obs


@st.composite
def populations(
    draw: st.DrawFn, rs: cg.RuleSet, max_units: int = 12
) -> list[tuple[cg.Unit, dict[str, object]]]:
    """Units of ``rs``'s type with random tiers, and their observations."""
    n = draw(st.integers(1, max_units))
    out = []
    for k in range(n):
        unit = cg.Unit(
            id=f"u{k}",
            name=f"单位{k}",
            unit_type=rs.unit_type,
            attributes={
                "level": draw(st.sampled_from(LEVELS)),
                "foundation": draw(st.sampled_from(TIERS)),
            },
        )
        out.append((unit, draw(observations_for(rs))))
    return out
