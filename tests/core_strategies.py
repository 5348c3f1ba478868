"""Small hypothesis strategies for the core's own property tests (random trees and data).

The plugin-author kit ships richer strategies (``classguide.testing.strategies``); these stay
deliberately small so the core's tests do not depend on the kit.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

import classguide as cg

TEXT = cg.Text(zh="名称", en="name")


@st.composite
def indicators_for(
    draw: st.DrawFn, dimension: str, group: str | None, n: int, prefix: str
) -> list[cg.Indicator]:
    out = []
    raw = [draw(st.integers(1, 9)) for _ in range(n)]
    for k in range(n):
        kind = draw(st.sampled_from(["ratio", "ratio", "count", "boolean", "grade"]))
        iid = f"{prefix}{k}"
        common: dict[str, Any] = dict(
            id=iid,
            name=TEXT,
            dimension=dimension,
            kind=kind,
            weight=raw[k] / sum(raw),
            group=group,
            source="s",
        )
        if kind == "ratio":
            direction = draw(st.sampled_from(["higher", "lower", "band"]))
            a, b = sorted(draw(st.lists(st.floats(0.05, 0.95), min_size=2, max_size=2)))
            if direction == "lower":
                floor, target = b, a
            else:
                floor, target = a, b
            ind = cg.Indicator(
                **common,
                direction=direction,
                floor=floor,
                target=target,
                veto=cg.Veto() if draw(st.booleans()) and direction != "band" else None,
            )
        elif kind == "count":
            direction = draw(st.sampled_from(["higher", "lower"]))
            a, b = sorted(draw(st.lists(st.integers(0, 50), min_size=2, max_size=2, unique=True)))
            floor, target = (b, a) if direction == "lower" else (a, b)
            ind = cg.Indicator(
                **common, direction=direction, floor=float(floor), target=float(target)
            )
        elif kind == "boolean":
            ind = cg.Indicator(**common, floor=1.0 if draw(st.booleans()) else None)
        else:
            ind = cg.Indicator(
                **common,
                grades={"A": 100.0, "B": 75.0, "C": 50.0, "D": 0.0},
                floor=50.0 if draw(st.booleans()) else None,
            )
        out.append(ind)
    return out


@st.composite
def rulesets(draw: st.DrawFn) -> cg.RuleSet:
    """A valid rule set with one or two levels of groups under each sub-system."""
    groups: list[cg.Group] = []
    indicators: list[cg.Indicator] = []
    for dim in ("party", "business"):
        n_groups = draw(st.integers(0, 3))
        if n_groups == 0:
            indicators += draw(indicators_for(dim, None, draw(st.integers(1, 4)), f"{dim[0]}x"))
            continue
        raw = [draw(st.integers(1, 9)) for _ in range(n_groups)]
        for g in range(n_groups):
            gid = f"{dim[0]}g{g}"
            groups.append(
                cg.Group(
                    id=gid,
                    name=TEXT,
                    dimension=dim,
                    weight=raw[g] / sum(raw),
                    aggregation=draw(st.sampled_from(["arithmetic", "geometric"])),
                )
            )
            if draw(st.booleans()):
                sub = f"{gid}s"
                groups.append(cg.Group(id=sub, name=TEXT, dimension=dim, weight=0.5, parent=gid))
                indicators += draw(indicators_for(dim, sub, draw(st.integers(1, 3)), f"{sub}i"))
                indicators += [
                    cg.Indicator(
                        id=f"{gid}z",
                        name=TEXT,
                        dimension=dim,
                        kind="ratio",
                        weight=0.5,
                        group=gid,
                        floor=0.5,
                        target=0.9,
                        source="s",
                    )
                ]
                # the sub-group's sibling weights: 0.5 (sub) + 0.5 (z)
            else:
                indicators += draw(indicators_for(dim, gid, draw(st.integers(1, 4)), f"{gid}i"))
    return cg.RuleSet(
        id="random",
        version="1",
        name=TEXT,
        unit_type="organ",
        indicators=tuple(indicators),
        groups=tuple(groups),
        sources=(cg.Source(id="s", title=TEXT),),
        completeness_threshold=draw(st.sampled_from([0.5, 0.8, 1.0])),
    )


def value_for(ind: cg.Indicator) -> st.SearchStrategy[object]:
    if ind.kind == "ratio":
        return st.floats(0.0, 1.0)
    if ind.kind == "count":
        return st.floats(0.0, 80.0)
    if ind.kind == "boolean":
        return st.booleans()
    return st.sampled_from(sorted((ind.grades or {}).keys()))


@st.composite
def observations(draw: st.DrawFn, ruleset: cg.RuleSet, missing: bool = True) -> dict[str, object]:
    obs: dict[str, object] = {}
    for ind in ruleset.indicators:
        if missing and draw(st.integers(0, 9)) == 0:
            continue
        obs[ind.id] = draw(value_for(ind))
    return obs


UNIT = cg.Unit(
    id="u", name="单位", unit_type="organ", attributes={"level": "county", "foundation": "standard"}
)
