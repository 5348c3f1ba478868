"""Whole-set validation of a rule set (DESIGN §5): what no single field can say on its own.

:func:`validate_ruleset` returns every :class:`~classguide.errors.Problem` it finds, errors and
warnings, each with a rule-set path and a ``code``. Codes in :data:`STRUCTURAL` mark errors the
engine cannot evaluate around (a parent that does not exist, a veto capping at an unknown grade,
a score falling in a gap between grade bands...): :func:`classguide.load_ruleset` always refuses
those, and refuses every error with ``validate=True``. The checks, with their codes, are listed
in ``docs/rulefiles.md``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator, Sequence

from classguide.errors import Problem, WeightsError
from classguide.indicatorchecks import check_indicators, check_moderation, err, warn
from classguide.model import FOUNDATION_TIERS, UnitType
from classguide.ruleset import (
    CoordinationBand,
    GradeBand,
    Group,
    Indicator,
    RuleSet,
)
from classguide.weights import CR_THRESHOLD, ahp

__all__ = ["STRUCTURAL", "WEIGHT_TOLERANCE", "validate_ruleset"]

#: Sibling weights must sum to 1 within this tolerance.
WEIGHT_TOLERANCE = 1e-9
#: Weights given by an AHP matrix must equal the children's weights within this tolerance.
AHP_WEIGHT_TOLERANCE = 1e-6

#: Error codes the engine cannot work around; loading always refuses them.
STRUCTURAL = frozenset(
    {
        "duplicate-id",
        "unknown-parent",
        "cycle",
        "dimension-mismatch",
        "grades-missing",
        "formula",
        "formula-input",
        "veto-cap",
        "bands",
        "alert-band",
        "composite-weight",
        "adjustment-indicator",
        "duplicate-adjustment",
    }
)


def _subsystem(dimension: str) -> str:
    return "party" if dimension == "party" else "business"


def _ids(rs: RuleSet) -> Iterator[Problem]:
    fields: dict[str, list[str]] = {
        "indicators": [i.id for i in rs.indicators],
        "groups": [g.id for g in rs.groups],
        "sources": [s.id for s in rs.sources],
        "grades": [b.id for b in rs.grades],
        "coordination_bands": [b.id for b in rs.coordination_bands],
    }
    for field, ids in fields.items():
        seen: dict[str, int] = {}
        for k, item_id in enumerate(ids):
            if not item_id.strip():
                yield err(f"{field}[{k}].id", "empty-id", "id must not be empty")
            elif item_id in seen:
                yield err(
                    f"{field}[{k}].id",
                    "duplicate-id",
                    f"id {item_id!r} is already used by {field}[{seen[item_id]}]",
                )
            else:
                seen[item_id] = k
    groups = {g.id for g in rs.groups}
    for k, ind in enumerate(rs.indicators):
        if ind.id in groups:
            yield err(
                f"indicators[{k}].id",
                "duplicate-id",
                f"id {ind.id!r} is both a group and an indicator; node ids must be unique",
            )


def _tree(rs: RuleSet) -> Iterator[Problem]:
    groups = {g.id: g for g in rs.groups}
    for k, g in enumerate(rs.groups):
        if g.parent is None:
            continue
        parent = groups.get(g.parent)
        if parent is None:
            yield err(
                f"groups[{k}].parent", "unknown-parent", f"parent group {g.parent!r} does not exist"
            )
        elif _subsystem(parent.dimension) != _subsystem(g.dimension):
            yield err(
                f"groups[{k}].dimension",
                "dimension-mismatch",
                f"group {g.id!r} ({g.dimension}) sits under group {parent.id!r} "
                f"({parent.dimension}); party nodes go under party groups, business and fusion "
                "nodes under business or fusion groups",
            )
    for k, ind in enumerate(rs.indicators):
        if ind.group is None:
            continue
        parent = groups.get(ind.group)
        if parent is None:
            yield err(
                f"indicators[{k}].group", "unknown-parent", f"group {ind.group!r} does not exist"
            )
        elif _subsystem(parent.dimension) != _subsystem(ind.dimension):
            yield err(
                f"indicators[{k}].dimension",
                "dimension-mismatch",
                f"indicator {ind.id!r} ({ind.dimension}) sits under group {parent.id!r} "
                f"({parent.dimension}); party nodes go under party groups, business and fusion "
                "nodes under business or fusion groups",
            )
    index = {g.id: k for k, g in enumerate(rs.groups)}
    reported: set[str] = set()
    for g in rs.groups:
        chain = [g.id]
        up = g.parent
        while up is not None and up in groups and up not in chain:
            chain.append(up)
            up = groups[up].parent
        if up is not None and up in chain and up not in reported:
            cycle = chain[chain.index(up) :]
            reported.update(cycle)
            yield err(
                f"groups[{index[up]}].parent",
                "cycle",
                f"groups form a cycle: {' → '.join([*cycle, up])}",
            )


def _children(rs: RuleSet) -> dict[str, list[tuple[str, Group | Indicator]]]:
    """Sibling sets keyed by parent group id, or ``<party>`` / ``<business>`` for the tops."""
    out: dict[str, list[tuple[str, Group | Indicator]]] = {}
    for k, g in enumerate(rs.groups):
        key = g.parent if g.parent is not None else f"<{_subsystem(g.dimension)}>"
        out.setdefault(key, []).append((f"groups[{k}]", g))
    for k, ind in enumerate(rs.indicators):
        key = ind.group if ind.group is not None else f"<{_subsystem(ind.dimension)}>"
        out.setdefault(key, []).append((f"indicators[{k}]", ind))
    return out


def _weights(rs: RuleSet) -> Iterator[Problem]:
    weights = {
        "groups": [g.weight for g in rs.groups],
        "indicators": [i.weight for i in rs.indicators],
    }
    for field, values in weights.items():
        for k, weight in enumerate(values):
            if not weight > 0:
                yield err(
                    f"{field}[{k}].weight",
                    "weight-not-positive",
                    f"weight must be positive, got {weight!r}",
                )
    for parent, siblings in sorted(_children(rs).items()):
        total = math.fsum(node.weight for _, node in siblings)
        if abs(total - 1.0) > WEIGHT_TOLERANCE:
            where = (
                f"the top-level {parent[1:-1]} nodes"
                if parent.startswith("<")
                else f"the children of group {parent!r}"
            )
            listed = ", ".join(f"{node.id}={node.weight:g}" for _, node in siblings)
            yield err(
                f"{siblings[0][0]}.weight",
                "weights-sum",
                f"weights of {where} sum to {total:.10g}, not 1 ({listed})",
            )
    cw = rs.weights
    for name, value in (("party", cw.party), ("business", cw.business)):
        if not value > 0:
            yield err(
                f"weights.{name}",
                "composite-weight",
                f"composite weight must be positive, got {value!r} (S and T divide by the sum)",
            )
    if abs(cw.party + cw.business - 1.0) > WEIGHT_TOLERANCE:
        yield err(
            "weights",
            "weights-sum",
            f"composite weights party + business sum to {cw.party + cw.business:.10g}, not 1",
        )
    elif abs(cw.party - cw.business) > WEIGHT_TOLERANCE:
        yield warn(
            "weights",
            "unequal-composite",
            f"composite weights are party {cw.party:g} and business {cw.business:g}; the "
            "guidance asks for the same assessment and the same weight (同考核、同权重)",
        )
    subsystems = {_subsystem(ind.dimension) for ind in rs.indicators}
    for sub, label in (("party", "Party building (party)"), ("business", "business or fusion")):
        if sub not in subsystems:
            yield err(
                "indicators",
                "missing-dimension",
                f"no {label} indicator: the two-skins measure needs both sub-systems",
            )


def _ahp(rs: RuleSet) -> Iterator[Problem]:
    nodes: dict[str, Group | Indicator] = {g.id: g for g in rs.groups}
    nodes.update({i.id: i for i in rs.indicators})
    children = _children(rs)
    for k, g in enumerate(rs.groups):
        if g.ahp is None:
            continue
        path = f"groups[{k}].ahp"
        try:
            result = ahp(g.ahp.matrix, method=g.ahp.method, ri=g.ahp.ri)
        except WeightsError as exc:
            yield err(f"{path}.matrix", "ahp-matrix", str(exc))
            continue
        own = sorted(node.id for _, node in children.get(g.id, []))
        if len(g.ahp.children) != len(result.weights):
            yield err(
                f"{path}.children",
                "ahp-children",
                f"{len(g.ahp.children)} children for a {len(result.weights)}×"
                f"{len(result.weights)} matrix",
            )
            continue
        if sorted(g.ahp.children) != own:
            yield err(
                f"{path}.children",
                "ahp-children",
                f"the matrix ranks {', '.join(g.ahp.children) or '(none)'} but group {g.id!r} "
                f"has children {', '.join(own) or '(none)'}; list each child exactly once",
            )
            continue
        if result.cr >= CR_THRESHOLD:
            yield err(
                f"{path}.matrix",
                "ahp-inconsistent",
                f"consistency ratio CR = {result.cr:.4f} ≥ {CR_THRESHOLD} (λmax = "
                f"{result.lambda_max:.4f}, RI({len(result.weights)}) = {result.ri} from table "
                f"{result.ri_table!r}); revise the judgements",
            )
        for cid, w in zip(g.ahp.children, result.weights, strict=True):
            node = nodes[cid]
            if abs(node.weight - w) > AHP_WEIGHT_TOLERANCE:
                yield err(
                    f"{path}.children",
                    "ahp-weights",
                    f"{cid!r} has weight {node.weight:g} but the matrix gives {w:.6f}",
                )


def _bands(rs: RuleSet) -> Iterator[Problem]:
    tables: tuple[tuple[str, Sequence[GradeBand | CoordinationBand], float], ...] = (
        ("grades", rs.grades, 100.0),
        ("coordination_bands", rs.coordination_bands, 1.0),
    )
    for field, items, top in tables:
        if not items:
            yield err(field, "bands", "at least one band is needed")
            continue
        for k, b in enumerate(items):
            if not 0.0 <= b.min < b.max <= top:
                yield err(
                    f"{field}[{k}]",
                    "bands",
                    f"band {b.id!r} must have 0 ≤ min < max ≤ {top:g}, got [{b.min:g}, {b.max:g}]",
                )
        ordered = sorted(enumerate(items), key=lambda kb: (kb[1].min, kb[1].max))
        if ordered[0][1].min != 0.0:
            yield err(
                f"{field}[{ordered[0][0]}].min",
                "bands",
                f"bands must start at 0, the lowest starts at {ordered[0][1].min:g}",
            )
        if ordered[-1][1].max != top:
            yield err(
                f"{field}[{ordered[-1][0]}].max",
                "bands",
                f"bands must end at {top:g}, the highest ends at {ordered[-1][1].max:g}",
            )
        for (_, a), (kb, b) in itertools.pairwise(ordered):
            if b.min > a.max:
                yield err(
                    f"{field}[{kb}].min",
                    "bands",
                    f"gap between band {a.id!r} (max {a.max:g}) and {b.id!r} (min {b.min:g})",
                )
            elif b.min < a.max:
                yield err(
                    f"{field}[{kb}].min",
                    "bands",
                    f"band {b.id!r} (min {b.min:g}) overlaps band {a.id!r} (max {a.max:g})",
                )


def _settings(rs: RuleSet) -> Iterator[Problem]:
    band_ids = {b.id for b in rs.coordination_bands}
    al = rs.alerts
    for name in ("red_at_or_below", "orange_at_or_below"):
        value = getattr(al, name)
        if value is not None and value not in band_ids:
            yield err(f"alerts.{name}", "alert-band", f"{value!r} is not a coordination band id")
    checks: list[tuple[str, float | int | None, float, float]] = [
        ("lag_threshold", rs.lag_threshold, 0.0, 1.0),
        ("completeness_threshold", rs.completeness_threshold, 0.0, 1.0),
        ("pass_score", rs.pass_score, 0.0, 100.0),
        ("alerts.lag_gap", al.lag_gap, 0.0, 1.0),
        ("alerts.disconnect_threshold", al.disconnect_threshold, 0.0, 100.0),
        ("alerts.bottom_share", al.bottom_share, 0.0, 1.0),
        ("alerts.bottom_n", al.bottom_n, 1.0, math.inf),
    ]
    for path, value, lo, hi in checks:
        if value is not None and not lo <= value <= hi:
            yield err(path, "range", f"must be in [{lo:g}, {hi:g}], got {value!r}")
    if not 0.0 < rs.pass_score < 100.0:
        yield err(
            "pass_score",
            "range",
            f"the pass score must be strictly between 0 and 100, got {rs.pass_score!r}",
        )
    by_id = {i.id: i for i in rs.indicators}
    seen: set[tuple[str, str]] = set()
    for k, adj in enumerate(rs.adjustments):
        p = f"adjustments[{k}]"
        if (adj.foundation, adj.indicator) in seen:
            yield err(
                p,
                "duplicate-adjustment",
                f"a second adjustment of {adj.indicator!r} for {adj.foundation!r}",
            )
        seen.add((adj.foundation, adj.indicator))
        if adj.foundation not in FOUNDATION_TIERS:
            yield err(
                f"{p}.foundation",
                "adjustment",
                f"foundation must be one of {FOUNDATION_TIERS}, got {adj.foundation!r}",
            )
        ind = by_id.get(adj.indicator)
        if ind is None:
            yield err(f"{p}.indicator", "adjustment-indicator", f"no indicator {adj.indicator!r}")
            continue
        yield from check_moderation(p, adj.target, ind)


def _selector(rs: RuleSet, unit_type: UnitType | None) -> Iterator[Problem]:
    for attr, values in rs.selector.items():
        if not values:
            yield err(
                f"selector[{attr!r}]", "selector", "list at least one value (or drop the key)"
            )
        if unit_type is None:
            continue
        spec = unit_type.attribute(attr)
        if spec is None:
            known = ", ".join(a.name for a in unit_type.attributes) or "(none)"
            yield err(
                f"selector[{attr!r}]",
                "selector",
                f"unit type {unit_type.id!r} has no attribute {attr!r} (known: {known})",
            )
            continue
        for k, v in enumerate(values):
            if v not in spec.values:
                yield err(
                    f"selector[{attr!r}][{k}]",
                    "selector",
                    f"{v!r} is not a value of {unit_type.id}.{attr} ({', '.join(spec.values)})",
                )
    if unit_type is not None and unit_type.id != rs.unit_type:
        yield err(
            "unit_type",
            "unit-type",
            f"rule set is for {rs.unit_type!r}, checked against {unit_type.id!r}",
        )


def _names(rs: RuleSet) -> Iterator[Problem]:
    if not rs.name.en.strip():
        yield warn("name.en", "no-english", "rule set has no English name")
    for k, g in enumerate(rs.groups):
        if not g.name.en.strip():
            yield warn(f"groups[{k}].name.en", "no-english", f"group {g.id!r} has no English name")


def validate_ruleset(ruleset: RuleSet, unit_type: UnitType | None = None) -> list[Problem]:
    """Every problem of ``ruleset`` as a whole: errors first, then warnings, in path order.

    ``unit_type`` lets the selector's attributes and values be checked; when it is ``None``
    and the rule set's ``unit_type`` is a built-in type, the built-in type is used.
    """
    if unit_type is None:
        from classguide.unittypes import BUILTIN_UNIT_TYPES

        unit_type = next((t for t in BUILTIN_UNIT_TYPES if t.id == ruleset.unit_type), None)
    checks = (
        _ids(ruleset),
        _tree(ruleset),
        _weights(ruleset),
        _ahp(ruleset),
        check_indicators(ruleset),
        _bands(ruleset),
        _settings(ruleset),
        _selector(ruleset, unit_type),
        _names(ruleset),
    )
    problems = [p for check in checks for p in check]
    return sorted(problems, key=lambda p: p.severity != "error")
