"""Drawing valid random rule sets, and rule sets with one deliberate defect.

A rule set has both sub-systems (P: ``party``; B: ``business`` and ``fusion``), each a tree of
one to three levels (indicators at the top, or groups of indicators, or groups of groups).
Sibling weights are drawn as small integers and divided by their sum, so they sum to 1 within
rounding (far below 1e-9).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from hypothesis import strategies as st

from classguide.model import FOUNDATION_TIERS, Text, UnitType
from classguide.ruleset import (
    DEFAULT_COORDINATION_BANDS,
    DEFAULT_GRADE_BANDS,
    AlertSettings,
    CompositeWeights,
    CoordinationBand,
    GradeBand,
    Group,
    Indicator,
    RuleSet,
    Source,
    TierAdjustment,
)
from classguide.testing._indicators import draw_indicator, label

__all__ = ["DEFECTS", "Defective", "RuleSetOptions", "draw_defective", "draw_ruleset"]

_GRADE_NAMES: tuple[tuple[str, str, str], ...] = (
    ("excellent", "优秀", "excellent"),
    ("good", "良好", "good"),
    ("pass", "合格", "pass"),
    ("basic", "基本合格", "basically pass"),
    ("fail", "不合格", "fail"),
)

_SOURCES: tuple[tuple[str, str], ...] = (
    ("中国共产党支部工作条例（试行）", "Regulations on the Work of Party Branches (Trial)"),
    ("党组织工作考核办法", "Measures for assessing the work of Party organisations"),
    ("行业主管部门年度考核细则", "Annual assessment rules of the competent department"),
)


@attrs.frozen(kw_only=True)
class RuleSetOptions:
    """What :func:`draw_ruleset` may generate (checked by ``strategies.rulesets``)."""

    unit_types: tuple[UnitType, ...]
    selector: Mapping[str, tuple[str, ...]] | None
    min_indicators: int
    max_indicators: int
    max_depth: int
    kinds: tuple[str, ...]
    directions: tuple[str, ...]
    vetoes: bool
    tags: bool
    adjustments: bool
    geometric: bool
    custom_bands: bool
    equal_weights: bool


@attrs.frozen(kw_only=True)
class Defective:
    """A rule set with one deliberate defect, and where validation should report it.

    ``path`` is the rule-set path where validation reports it (``indicators[2].source``; for a
    sibling set whose weights do not sum to 1, its first member); ``defect`` names it;
    ``severity`` is the least :func:`classguide.validate_ruleset` reports (an indicator without
    a source is only a warning there; the contract suite treats it as an error).
    """

    ruleset: RuleSet
    defect: str
    path: str
    severity: str = "error"


def _weights(draw: Any, n: int) -> list[float]:
    raw = draw(st.lists(st.integers(1, 5), min_size=n, max_size=n))
    total = sum(raw)
    return [r / total for r in raw]


def _sizes(draw: Any, n: int, parts: int) -> list[int]:
    sizes = [1] * parts
    for _ in range(n - parts):
        sizes[draw(st.integers(0, parts - 1))] += 1
    return sizes


class _Builder:
    """Accumulates the nodes of one rule set while the tree is drawn."""

    def __init__(self, draw: Any, opts: RuleSetOptions, sources: list[str], grades: list[str]):
        self.draw = draw
        self.opts = opts
        self.sources = sources
        self.grade_ids = grades
        self.groups: list[Group] = []
        self.indicators: list[Indicator] = []

    def subtree(
        self, prefix: str, n: int, depth: int, parent: str | None, dims: Sequence[str]
    ) -> None:
        """``n`` indicators under ``parent`` in a tree ``depth`` levels deep."""
        draw = self.draw
        if depth <= 1 or n == 1:
            weights = _weights(draw, n)
            for k in range(n):
                number = len(self.indicators)
                self.indicators.append(
                    draw_indicator(
                        draw,
                        ident=f"{prefix}{k + 1}",
                        number=number,
                        dimension=dims[k % len(dims)],
                        group=parent,
                        weight=weights[k],
                        kinds=self.opts.kinds,
                        directions=self.opts.directions,
                        sources=self.sources,
                        vetoes=self.opts.vetoes,
                        tags=self.opts.tags,
                        grade_ids=self.grade_ids,
                    )
                )
            return
        parts = draw(st.integers(1, min(n, 3)))
        sizes = _sizes(draw, n, parts)
        weights = _weights(draw, parts)
        for k in range(parts):
            gid = f"g{prefix}{k + 1}"
            dim = dims[k % len(dims)]
            geometric = self.opts.geometric and draw(st.integers(0, 4)) == 0
            self.groups.append(
                Group(
                    id=gid,
                    name=label("group", len(self.groups)),
                    dimension=dim,  # type: ignore[arg-type]
                    weight=weights[k],
                    parent=parent,
                    aggregation="geometric" if geometric else "arithmetic",
                )
            )
            self.subtree(f"{prefix}{k + 1}_", sizes[k], depth - 1, gid, (dim,))


def _grade_bands(draw: Any) -> tuple[GradeBand, ...]:
    n = draw(st.integers(2, len(_GRADE_NAMES)))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=n - 1, max_size=n - 1, unique=True)))
    edges = [0, *cuts, 100]
    names = (*_GRADE_NAMES[: n - 1], _GRADE_NAMES[-1])
    return tuple(
        GradeBand(
            id=names[n - 1 - k][0],
            name=Text(zh=names[n - 1 - k][1], en=names[n - 1 - k][2]),
            min=float(edges[k]),
            max=float(edges[k + 1]),
        )
        for k in range(n)
    )


def _coordination_bands(draw: Any) -> tuple[CoordinationBand, ...]:
    cuts = sorted(draw(st.lists(st.integers(1, 9), min_size=1, max_size=4, unique=True)))
    edges = [0, *cuts, 10]
    return tuple(
        CoordinationBand(
            id=f"band{k + 1}",
            name=Text(zh=f"协调等级{k + 1}", en=f"coordination band {k + 1}"),
            min=edges[k] / 10,
            max=edges[k + 1] / 10,
        )
        for k in range(len(edges) - 1)
    )


def _selector(draw: Any, ut: UnitType) -> dict[str, tuple[str, ...]]:
    specs = [a for a in ut.attributes if a.name != "foundation" and len(a.values) > 1]
    if not specs or draw(st.booleans()):
        return {}
    spec = draw(st.sampled_from(specs))
    values = draw(st.lists(st.sampled_from(spec.values), min_size=1, unique=True))
    return {spec.name: tuple(sorted(values, key=spec.values.index))}


def _adjustments(draw: Any, ut: UnitType, indicators: list[Indicator]) -> list[TierAdjustment]:
    foundation = ut.attribute("foundation")
    if foundation is None:
        return []
    tiers = [t for t in foundation.values if t in FOUNDATION_TIERS and t != "advanced"]
    out = []
    for ind in indicators:
        if (
            ind.kind in ("ratio", "count")
            and ind.direction in ("higher", "lower")
            and ind.floor is not None
            and ind.target is not None
            and ind.floor != ind.target
            and tiers
            and draw(st.integers(0, 3)) == 0
        ):
            # moderated target: halfway between the floor and the target (never past the floor)
            out.append(
                TierAdjustment(
                    foundation=draw(st.sampled_from(tiers)),
                    indicator=ind.id,
                    target=(ind.floor + ind.target) / 2,
                )
            )
    return out


def draw_ruleset(draw: Any, opts: RuleSetOptions) -> RuleSet:
    """One valid random rule set under ``opts``."""
    ut = draw(st.sampled_from(opts.unit_types))
    n = draw(st.integers(opts.min_indicators, opts.max_indicators))
    n_party = draw(st.integers(1, n - 1))
    n_sources = draw(st.integers(1, len(_SOURCES)))
    sources = [
        Source(
            id=f"src{k + 1}",
            title=Text(zh=_SOURCES[k][0], en=_SOURCES[k][1]),
            issuer="中共中央组织部" if k == 0 else "主管部门",
            year=2018 + k,
        )
        for k in range(n_sources)
    ]
    grades = _grade_bands(draw) if opts.custom_bands and draw(st.booleans()) else None
    grade_bands = grades if grades is not None else DEFAULT_GRADE_BANDS
    builder = _Builder(draw, opts, [s.id for s in sources], [g.id for g in grade_bands])
    builder.subtree("p", n_party, draw(st.integers(1, opts.max_depth)), None, ("party",))
    fusion = draw(st.booleans())
    business_dims = ("business", "fusion") if fusion else ("business",)
    builder.subtree("b", n - n_party, draw(st.integers(1, opts.max_depth)), None, business_dims)
    if opts.equal_weights:
        weights = CompositeWeights()
    else:
        alpha = draw(st.sampled_from([0.4, 0.5, 0.6]))
        weights = CompositeWeights(party=alpha, business=round(1.0 - alpha, 10))
    selector = opts.selector if opts.selector is not None else _selector(draw, ut)
    coord = (
        _coordination_bands(draw)
        if opts.custom_bands and draw(st.booleans())
        else DEFAULT_COORDINATION_BANDS
    )
    alerts = AlertSettings()
    if coord is not DEFAULT_COORDINATION_BANDS:
        alerts = AlertSettings(
            red_at_or_below=coord[0].id, orange_at_or_below=coord[1].id if len(coord) > 2 else None
        )
    return RuleSet(
        id=f"generated-{ut.id}",
        version="1.0",
        name=Text(zh=f"随机生成的{ut.name.zh}规则集", en=f"generated rule set for {ut.id}"),
        unit_type=ut.id,
        indicators=tuple(builder.indicators),
        groups=tuple(builder.groups),
        selector=dict(selector),
        sources=tuple(sources),
        weights=weights,
        grades=grade_bands,
        coordination_bands=coord,
        alerts=alerts,
        completeness_threshold=draw(st.sampled_from([0.8, 0.5, 0.6, 0.7, 0.9, 1.0])),
        adjustments=tuple(_adjustments(draw, ut, builder.indicators)) if opts.adjustments else (),
    )


#: Defects :func:`draw_defective` can plant, each with what validation should say about it.
DEFECTS: dict[str, str] = {
    "weights_sum": "sibling weights do not sum to 1",
    "weight_not_positive": "a weight is zero or negative",
    "missing_source": "an indicator cites no source",
    "unknown_source": "an indicator cites a source the rule set does not declare",
    "floor_above_target": "a 'higher is better' indicator's floor is above its target",
    "duplicate_id": "two indicators share an id",
    "empty_dimension": "a sub-system (Party building P) has no indicators",
    "grade_gap": "the grade bands leave a gap",
}


def _replace(rs: RuleSet, k: int, ind: Indicator) -> RuleSet:
    inds = list(rs.indicators)
    inds[k] = ind
    return attrs.evolve(rs, indicators=tuple(inds))


def draw_defective(draw: Any, opts: RuleSetOptions, defect: str) -> Defective:
    """A valid random rule set with exactly one ``defect`` planted (a key of :data:`DEFECTS`)."""
    if defect == "floor_above_target":
        opts = attrs.evolve(opts, kinds=("ratio", "count"), directions=("higher",))
    rs = draw_ruleset(draw, opts)
    inds = rs.indicators
    k = draw(st.integers(0, len(inds) - 1))
    ind = inds[k]
    path = f"indicators[{k}]"
    if defect == "weights_sum":
        first = min(
            j
            for j, other in enumerate(inds)
            if other.group == ind.group
            and (
                ind.group is not None or (other.dimension == "party") == (ind.dimension == "party")
            )
        )
        return Defective(
            ruleset=_replace(rs, k, attrs.evolve(ind, weight=ind.weight + 0.25)),
            defect=defect,
            path=f"indicators[{first}].weight",
        )
    if defect == "weight_not_positive":
        bad = draw(st.sampled_from([0.0, -ind.weight]))
        return Defective(
            ruleset=_replace(rs, k, attrs.evolve(ind, weight=bad)),
            defect=defect,
            path=f"{path}.weight",
        )
    if defect == "missing_source":
        return Defective(
            ruleset=_replace(rs, k, attrs.evolve(ind, source=None)),
            defect=defect,
            path=f"{path}.source",
            severity="warning",
        )
    if defect == "unknown_source":
        return Defective(
            ruleset=_replace(rs, k, attrs.evolve(ind, source="undeclared-regulation")),
            defect=defect,
            path=f"{path}.source",
        )
    if defect == "floor_above_target":
        target = ind.target if ind.target is not None else 1.0
        above = target + (0.05 if ind.kind == "ratio" else 1.0)
        if ind.kind == "ratio" and above > 1.0:
            target, above = 0.9, 0.95
        bad_ind = attrs.evolve(ind, floor=above, target=target, veto=None)
        bad = _replace(rs, k, bad_ind)
        bad = attrs.evolve(bad, adjustments=[a for a in bad.adjustments if a.indicator != ind.id])
        return Defective(ruleset=bad, defect=defect, path=f"{path}.floor")
    if defect == "duplicate_id":
        j = (k + 1) % len(inds)
        if j == k:
            raise AssertionError("a generated rule set has at least two indicators")
        return Defective(
            ruleset=_replace(rs, j, attrs.evolve(inds[j], id=ind.id)),
            defect=defect,
            path=f"indicators[{max(j, k)}].id",
        )
    if defect == "empty_dimension":
        keep = [i for i in inds if i.dimension != "party"]
        groups = [g for g in rs.groups if g.dimension != "party"]
        adjust = [a for a in rs.adjustments if a.indicator in {i.id for i in keep}]
        return Defective(
            ruleset=attrs.evolve(rs, indicators=keep, groups=groups, adjustments=adjust),
            defect=defect,
            path="indicators",
        )
    if defect == "grade_gap":
        bands = sorted(rs.grades, key=lambda b: b.min)
        m = draw(st.integers(0, len(bands) - 2))
        gap = attrs.evolve(bands[m], max=bands[m].max - 0.5 * (bands[m].max - bands[m].min))
        grades = list(rs.grades)
        grades[grades.index(bands[m])] = gap
        # reported where the band above the gap starts
        above = grades.index(bands[m + 1])
        return Defective(
            ruleset=attrs.evolve(rs, grades=grades), defect=defect, path=f"grades[{above}].min"
        )
    raise AssertionError(f"unknown defect {defect!r}")  # checked by strategies.broken_rulesets
