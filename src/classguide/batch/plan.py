"""A rule set compiled for the columnar path: scale parameters, warning sources, codes.

Everything here is derived once per rule set from the single-unit :class:`~classguide.plan.Plan`
(same tree, same scales, same order), so both paths read the same compiled rules.
"""

from __future__ import annotations

import attrs

from classguide.aggregation import BUSINESS, PARTY
from classguide.batch.scales import Lines, lines_of
from classguide.diagnosis import TOLERANCE, _alert_limits
from classguide.errors import RuleSetError
from classguide.plan import Plan, per_ruleset, plan_for
from classguide.results import WarningLevel
from classguide.ruleset import DISCONNECTS, RuleSet
from classguide.scales import Scale

__all__ = ["LAGS", "ColumnPlan", "Source", "column_plan_for"]

#: Lag codes of the columnar path (index into this tuple; -1 = none).
LAGS: tuple[str, ...] = ("balanced", "party", "business")


@attrs.frozen(kw_only=True)
class Source:
    """One kind of warning the columnar path can raise, in the order warnings sort.

    ``kind`` is ``veto`` / ``floor`` (``index`` = indicator), ``coordination`` (``index`` =
    level), ``lag`` (``subject`` = the lagging side), ``disconnect`` (``subject`` = tag) or
    ``incomplete``.
    """

    kind: str
    code: str
    level: WarningLevel
    subject: str
    index: int = -1


@attrs.frozen(kw_only=True)
class ColumnPlan:
    """A rule set compiled for one NumPy pass over a units × indicators block."""

    ruleset_id: str
    ruleset_version: str
    plan: Plan
    lag_threshold: float
    completeness_threshold: float
    lag_gap: float
    disconnect_threshold: float
    bottom: tuple[int | None, float | None]
    tiers: tuple[str, ...]
    tier_scales: tuple[tuple[Scale, ...], ...]
    tier_lines: tuple[tuple[Lines | None, ...], ...]
    varying: tuple[int, ...]
    party_weight: float
    business_weight: float
    grade_ids: tuple[str, ...]
    grade_bands: tuple[tuple[float, float], ...]
    band_ids: tuple[str, ...]
    band_limits: tuple[tuple[float, float], ...]
    band_levels: tuple[int, ...]
    alert_error: RuleSetError | None
    veto_caps: tuple[tuple[int, int], ...]
    floor_levels: tuple[tuple[int, int], ...]
    disconnects: tuple[tuple[str, tuple[tuple[int, float], ...]], ...]
    root_indicators: tuple[tuple[int, ...], tuple[int, ...]]
    root_totals: tuple[float, float]
    sources: tuple[Source, ...]
    has_geometric: bool


def _band_levels(ruleset: RuleSet, order: list[str]) -> tuple[tuple[int, ...], RuleSetError | None]:
    """The coordination warning level of each band (0: none), as ``coordination_rule`` gives
    it; and the error that rule raises (only once a unit has a band) for an unknown alert band."""
    try:
        limits = _alert_limits(ruleset, order)
    except RuleSetError as exc:
        return tuple(0 for _ in order), exc
    levels = []
    for pos in range(len(order)):
        hit = next((lvl for lvl, lim in limits if pos <= order.index(lim)), None)
        levels.append(0 if hit is None else int(hit))
    return tuple(levels), None


def _sources(
    plan: Plan,
    veto_caps: tuple[tuple[int, int], ...],
    band_levels: tuple[int, ...],
    disconnects: tuple[tuple[str, tuple[tuple[int, float], ...]], ...],
    floor_levels: tuple[tuple[int, int], ...],
) -> tuple[Source, ...]:
    """Warning sources in the order :func:`~classguide.diagnosis.diagnose` sorts warnings."""
    ids = plan.tree.indicator_ids
    out = [
        Source(kind="veto", code="veto", level=WarningLevel.RED, subject=ids[k], index=k)
        for k, _ in veto_caps
    ]
    out += [
        Source(kind="coordination", code="coordination", level=lvl, subject="degree")
        for lvl in (WarningLevel.RED, WarningLevel.ORANGE)
        if int(lvl) in band_levels
    ]
    out += [
        Source(kind="lag", code="lag", level=WarningLevel.ORANGE, subject=side)
        for side in ("party", "business")
    ]
    out += [
        Source(kind="disconnect", code=f"disconnect.{tag}", level=WarningLevel.YELLOW, subject=tag)
        for tag, _ in disconnects
    ]
    out += [
        Source(kind="floor", code="floor", level=WarningLevel(lvl), subject=ids[k], index=k)
        for k, lvl in floor_levels
    ]
    out.append(Source(kind="incomplete", code="incomplete", level=WarningLevel.BLUE, subject=""))
    # A stable sort keeps the rules' own order among equal (level, code), as diagnose() does.
    return tuple(sorted(out, key=lambda s: (-int(s.level), s.code)))


def _compile(ruleset: RuleSet) -> ColumnPlan:
    plan = plan_for(ruleset)
    tree = plan.tree
    tiers = tuple(t for t in plan.scales if t is not None)
    base = plan.scales[None]
    tier_scales = (base, *(plan.scales[t] for t in tiers))
    varying = tuple(k for k in range(len(base)) if any(s[k] != base[k] for s in tier_scales[1:]))
    grade_sorted = sorted(ruleset.grades, key=lambda b: -b.min)
    grade_ids = tuple(b.id for b in grade_sorted)
    order = list(plan.grade_order)
    caps = [plan.indicators[k].veto for k in plan.veto_indices]
    veto_caps = tuple(
        (k, len(order) - 1 if veto is None or veto.cap is None else order.index(veto.cap))
        for k, veto in zip(plan.veto_indices, caps, strict=True)
    )
    default_level = int(WarningLevel.parse(ruleset.alerts.floor_level))
    floor_levels = tuple(
        (
            k,
            int(WarningLevel.parse(plan.indicators[k].floor_level))  # type: ignore[arg-type]
            if plan.indicators[k].floor_level
            else default_level,
        )
        for k in plan.floor_indices
    )
    wp, wb = ruleset.weights.party, ruleset.weights.business
    tags: dict[str, list[tuple[int, float]]] = {}
    for k in plan.tagged_indices:
        ind = plan.indicators[k]
        w = tree.indicator_share[k] * (wp if ind.dimension == "party" else wb)
        for tag in ind.tags:
            if tag in DISCONNECTS:
                tags.setdefault(tag, []).append((k, w))
    bands = sorted(ruleset.coordination_bands, key=lambda b: b.min)
    band_order = [b.id for b in bands]
    roots: list[tuple[int, ...]] = []
    totals: list[float] = []
    for root in (PARTY, BUSINESS):
        ks = tuple(k for k, r in enumerate(tree.indicator_root) if r == root)
        roots.append(ks)
        total = 0.0
        for k in ks:
            total += tree.indicator_share[k]
        totals.append(total)
    band_levels, alert_error = _band_levels(ruleset, band_order)
    disconnects = tuple((t, tuple(v)) for t, v in sorted(tags.items()))
    return ColumnPlan(
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        plan=plan,
        lag_threshold=ruleset.lag_threshold,
        completeness_threshold=ruleset.completeness_threshold,
        lag_gap=ruleset.alerts.lag_gap - TOLERANCE,
        disconnect_threshold=ruleset.alerts.disconnect_threshold - TOLERANCE,
        bottom=(ruleset.alerts.bottom_n, ruleset.alerts.bottom_share),
        tiers=tiers,
        tier_scales=tier_scales,
        tier_lines=tuple(tuple(lines_of(s) for s in scales) for scales in tier_scales),
        varying=varying,
        party_weight=wp,
        business_weight=wb,
        grade_ids=grade_ids,
        grade_bands=tuple((b.min, b.max) for b in grade_sorted),
        band_ids=tuple(band_order),
        band_limits=tuple((b.min, b.max) for b in bands),
        root_indicators=(roots[0], roots[1]),
        root_totals=(totals[0], totals[1]),
        band_levels=band_levels,
        alert_error=alert_error,
        veto_caps=veto_caps,
        floor_levels=floor_levels,
        disconnects=disconnects,
        sources=_sources(plan, veto_caps, band_levels, disconnects, floor_levels),
        has_geometric=any(n.geometric for n in tree.nodes),
    )


@per_ruleset
def column_plan_for(ruleset: RuleSet) -> ColumnPlan:
    """The :class:`ColumnPlan` of ``ruleset`` (compiled once, cached while the rule set lives)."""
    return _compile(ruleset)
