"""Drawing one valid indicator (kind, direction, floor, target, bounds, grades) for a rule set.

Values come from small grids (ratios in steps of 0.05, counts as integers) so that generated
rule sets read like real ones and shrink to simple examples.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from hypothesis import strategies as st

from classguide.model import Text
from classguide.ruleset import DISCONNECTS, Indicator, Veto

__all__ = ["GRADE_LABELS", "draw_indicator"]

#: Ordinal grade tables an indicator of kind ``grade`` may use (labels best first).
GRADE_LABELS: tuple[tuple[str, ...], ...] = (
    ("好", "较好", "一般", "差"),
    ("优秀", "良好", "合格", "不合格"),
    ("A", "B", "C", "D"),
)

_VOCAB: tuple[tuple[str, str], ...] = (
    ("组织生活开展率", "organisational life held"),
    ("党员教育培训覆盖率", "members trained"),
    ("支部标准化达标率", "branches up to standard"),
    ("重点任务完成率", "key tasks completed"),
    ("服务对象满意度", "satisfaction of those served"),
    ("违纪违法案件数", "disciplinary cases"),
    ("同谋划同部署", "planned and deployed together"),
    ("党员先锋岗数", "vanguard posts"),
)


def label(kind: str, n: int) -> Text:
    """A readable bilingual name for the ``n``-th generated node."""
    zh, en = _VOCAB[n % len(_VOCAB)]
    if kind == "group":
        return Text(zh=f"一级指标{n}", en=f"criterion {n}")
    return Text(zh=f"{zh}{n}", en=f"{en} {n}")


def _ratio(draw: Any, direction: str) -> dict[str, Any]:
    a, b = sorted(draw(st.lists(st.integers(0, 20), min_size=2, max_size=2)))
    lo_grid, hi_grid = a / 20, b / 20
    out: dict[str, Any] = {}
    if direction == "higher":
        out["target"] = max(hi_grid, 0.05)
        out["floor"] = min(lo_grid, out["target"]) if draw(st.booleans()) else None
    elif direction == "lower":
        out["target"] = lo_grid
        out["floor"] = hi_grid if draw(st.booleans()) else None
    else:
        out["floor"], out["target"] = lo_grid, hi_grid
        if draw(st.booleans()):
            out["bounds"] = (0.0, 1.0)
    return out


def _count(draw: Any, direction: str) -> dict[str, Any]:
    if direction == "higher":
        floor = draw(st.integers(0, 40))
        target = floor + draw(st.integers(1, 40))
        return {"floor": float(floor) if draw(st.booleans()) else None, "target": float(target)}
    if direction == "lower":
        target = draw(st.integers(0, 5))
        floor = target + draw(st.integers(0, 10))
        out: dict[str, Any] = {"floor": float(floor), "target": float(target)}
        if draw(st.booleans()):
            out["bounds"] = (0.0, float(floor + draw(st.integers(1, 10))))
        return out
    floor = draw(st.integers(1, 20))
    target = floor + draw(st.integers(0, 20))
    lo = draw(st.integers(0, floor - 1))
    hi = target + draw(st.integers(1, 20))
    return {"floor": float(floor), "target": float(target), "bounds": (float(lo), float(hi))}


def _grade(draw: Any) -> dict[str, Any]:
    labels = draw(st.sampled_from(GRADE_LABELS))
    n = draw(st.integers(2, len(labels)))
    scores = sorted(
        draw(st.lists(st.integers(0, 100), min_size=n, max_size=n, unique=True)), reverse=True
    )
    table = {labels[k]: float(scores[k]) for k in range(n)}
    floor = draw(st.sampled_from([None, *sorted(set(table.values()))]))
    return {"grades": table, "floor": floor, "target": None}


def draw_indicator(
    draw: Any,
    *,
    ident: str,
    number: int,
    dimension: str,
    group: str | None,
    weight: float,
    kinds: Sequence[str],
    directions: Sequence[str],
    sources: Sequence[str],
    vetoes: bool,
    tags: bool,
    grade_ids: Sequence[str],
) -> Indicator:
    """One valid indicator: floor and target consistent with its direction, a cited source."""
    kind = draw(st.sampled_from(list(kinds)))
    if kind == "grade":
        direction = "higher"
        spec = _grade(draw)
    elif kind == "boolean":
        direction = draw(st.sampled_from([d for d in directions if d != "band"] or ["higher"]))
        good = 1.0 if direction == "higher" else 0.0
        spec = {"floor": good, "target": good} if draw(st.booleans()) else {"target": good}
    else:
        direction = draw(st.sampled_from(list(directions)))
        spec = _ratio(draw, direction) if kind == "ratio" else _count(draw, direction)
    veto = None
    if vetoes and spec.get("floor") is not None and draw(st.integers(0, 5)) == 0:
        veto = Veto(cap=draw(st.sampled_from([None, *grade_ids])))
    chosen_tags: tuple[str, ...] = ()
    if tags:
        chosen_tags = tuple(
            draw(st.lists(st.sampled_from(DISCONNECTS), max_size=2, unique=True).map(sorted))
        )
    return Indicator(
        id=ident,
        name=label("indicator", number),
        dimension=dimension,  # type: ignore[arg-type]
        kind=kind,
        weight=weight,
        direction=direction,  # type: ignore[arg-type]
        group=group,
        floor=spec.get("floor"),
        target=spec.get("target"),
        bounds=spec.get("bounds"),
        grades=spec.get("grades"),
        veto=veto,
        tags=chosen_tags,
        source=draw(st.sampled_from(list(sources))),
        article=draw(st.sampled_from([None, f"第{number + 1}条"])),
        basis="proposal",
    )
