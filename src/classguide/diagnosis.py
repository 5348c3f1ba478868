"""Diagnosis: the built-in warning rules, parameterised by the rule set (DESIGN §3; issue 7).

Each rule reads a draft :class:`Evaluation` and its :class:`RuleSet` and returns warnings; the
thresholds are the rule set's ``alerts`` (:class:`~classguide.AlertSettings`, defaults in the
core, values in rule files):

========================  ===============================================  ====================
code                      when                                             level
========================  ===============================================  ====================
``veto``                  a veto indicator misses its floor (一票否决)      red
``coordination``          band at or below ``alerts.red_at_or_below``       red
                          … or at or below ``alerts.orange_at_or_below``    orange
``lag``                   ``|U1 − U2| >= alerts.lag_gap`` (一手硬一手软)     orange
``disconnect.<tag>``      weighted score of a tagged set below              yellow
                          ``alerts.disconnect_threshold`` (五个脱节)
``floor``                 an indicator misses its floor (底线)              ``alerts.floor_level``
                                                                           (yellow) or the
                                                                           indicator's
                                                                           ``floor_level``
``incomplete``            observed weight share below the threshold         blue
========================  ===============================================  ====================

Comparisons of computed numbers with thresholds allow :data:`TOLERANCE`. Countermeasures come
from :mod:`classguide.countermeasures`. Rules given as ``extra`` (plugins') run after the
built-in ones; one that raises or returns something other than warnings is a
:class:`~classguide.WarningRuleError` naming it, never skipped.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import attrs

from classguide.countermeasures import (
    DEFAULT_COUNTERMEASURES,
    categories_of,
    countermeasures_for,
    warning_categories,
)
from classguide.disconnects import DISCONNECT_LABELS, disconnect_members, disconnect_scores
from classguide.errors import PluginError, Problem, RuleSetError, WarningRuleError
from classguide.model import Text
from classguide.plan import plan_for
from classguide.results import (
    Evaluation,
    Evidence,
    IndicatorResults,
    Value,
    Warning,
    WarningLevel,
    warning_sort_key,
)
from classguide.ruleset import Indicator, RuleSet

__all__ = [
    "BUILTIN_RULES",
    "DEFAULT_COUNTERMEASURES",
    "DISCONNECT_LABELS",
    "LAG_LABELS",
    "TOLERANCE",
    "WarningRule",
    "countermeasures_for",
    "diagnose",
    "disconnect_scores",
    "run_rule",
]

#: Absolute slack when a computed number is compared with a threshold (gap ≥ ``lag_gap``, score
#: < ``disconnect_threshold``): a value equal to its threshold up to rounding counts as equal.
TOLERANCE = 1e-9

#: A warning rule: reads the rule set and a draft evaluation, returns warnings.
WarningRule = Callable[[RuleSet, Evaluation], Iterable[Warning]]

#: The lag types of an evaluation's ``lag`` (徐维祥 et al. 2020; δ = ``ruleset.lag_threshold``).
LAG_LABELS: dict[str, Text] = {
    "party": Text(zh="党建滞后（重业务轻党建）", en="Party building lags (business over Party)"),
    "business": Text(zh="业务滞后（党建空转）", en="business lags (Party building idles)"),
    "balanced": Text(zh="同步发展", en="balanced"),
}


def _num(x: float) -> str:
    return f"{x:.4g}" if abs(x) < 1e4 else f"{x:.0f}"


def _shown(ind: Indicator, value: Value) -> tuple[str, str]:
    """A raw value (or threshold) of ``ind`` as people read it, in Chinese and English:
    85%, 是/yes, 32 学时, 60 分/points."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—", "—"
    if isinstance(value, str):
        return value, value
    if ind.kind == "boolean" or isinstance(value, bool):
        return ("是", "yes") if value else ("否", "no")
    if ind.kind == "ratio":
        text = f"{float(value) * 100:.4g}%"
        return text, text
    if ind.kind == "grade":
        return f"{_num(float(value))} 分", f"{_num(float(value))} points"
    text = f"{_num(float(value))} {ind.unit}" if ind.unit else _num(float(value))
    return text, text


def _miss(ind: Indicator) -> tuple[str, str]:
    """How ``ind`` misses its floor — below it, above it, or outside its band — in zh and en."""
    zh, en = _shown(ind, ind.floor)
    if ind.direction == "lower":
        return f"高于底线 {zh}", f"above its floor of {en}"
    if ind.direction == "band":
        tzh, ten = _shown(ind, ind.target)
        return f"不在合理区间 [{zh}, {tzh}]", f"outside its band [{en}, {ten}]"
    return f"低于底线 {zh}", f"below its floor of {en}"


def _cms(ruleset: RuleSet, code: str, detail: str = "") -> tuple[Text, ...]:
    """The countermeasures of a warning ``code`` about ``detail`` (see :mod:`countermeasures`)."""
    return countermeasures_for(ruleset, *categories_of(ruleset, code, detail))


def _violations(ruleset: RuleSet, ev: Evaluation, only_vetoes: bool) -> list[int]:
    plan = plan_for(ruleset)
    candidates = plan.veto_indices if only_vetoes else plan.floor_indices
    results = ev.indicators
    if isinstance(results, IndicatorResults):
        mets = results.floor_met
        return [k for k in candidates if mets[k] is False]
    ids = plan.tree.indicator_ids
    return [k for k in candidates if ids[k] in results and results[ids[k]].floor_met is False]


def _finish(ruleset: RuleSet, warning: Warning) -> Warning:
    """``warning`` with the countermeasures its categories look up (rule set, then defaults)."""
    cms = countermeasures_for(ruleset, *warning_categories(ruleset, warning))
    return attrs.evolve(warning, countermeasures=cms)


def veto_rule(ruleset: RuleSet, ev: Evaluation) -> list[Warning]:
    """一票否决: every veto indicator that misses its floor is red; the grade is capped."""
    plan = plan_for(ruleset)
    grades = {g.id: g.name for g in ruleset.grades}
    lowest = plan.grade_order[-1] if plan.grade_order else None
    out = []
    for k in _violations(ruleset, ev, only_vetoes=True):
        ind = plan.indicators[k]
        value = ev.indicators[ind.id].value
        cap_id = ind.veto.cap if ind.veto is not None and ind.veto.cap is not None else lowest
        cap = grades.get(cap_id or "")
        cap_zh = f"，等次不高于“{cap.zh}”" if cap is not None else ""
        cap_en = f"; the grade is at most '{cap('en')}'" if cap is not None else ""
        (vzh, ven), (mzh, men) = _shown(ind, value), _miss(ind)
        message = Text(
            zh=f"一票否决：{ind.name.zh}为 {vzh}，{mzh}{cap_zh}",
            en=f"Veto: {ind.name('en')} is {ven}, {men}{cap_en}",
        )
        evidence = Evidence(subject=ind.id, value=value, threshold=ind.floor, relation="floor")
        out.append(
            Warning(
                level=WarningLevel.RED,
                code="veto",
                message=message,
                evidence=(evidence,),
                countermeasures=_cms(ruleset, "veto", ind.id),
            )
        )
    return out


def floor_rule(ruleset: RuleSet, ev: Evaluation) -> list[Warning]:
    """底线: every indicator that misses its floor, at the indicator's or the rule set's level."""
    plan = plan_for(ruleset)
    out = []
    default_level = WarningLevel.parse(ruleset.alerts.floor_level)
    own = plan.countermeasures
    by_tags: dict[tuple[str, ...], tuple[Text, ...]] = {}
    for k in _violations(ruleset, ev, only_vetoes=False):
        ind = plan.indicators[k]
        value = ev.indicators[ind.id].value
        (vzh, ven), (mzh, men) = _shown(ind, value), _miss(ind)
        message = Text(
            zh=f"底线未达标：{ind.name.zh}为 {vzh}，{mzh}",
            en=f"Floor not met: {ind.name('en')} is {ven}, {men}",
        )
        level = WarningLevel.parse(ind.floor_level) if ind.floor_level else default_level
        evidence = Evidence(subject=ind.id, value=value, threshold=ind.floor, relation="floor")
        # categories floor.<id>, tags, floor (categories_of): only the first is per indicator
        cms = own.get(f"floor.{ind.id}")
        if not cms:
            cms = by_tags.get(ind.tags)
            if cms is None:
                cms = by_tags[ind.tags] = countermeasures_for(ruleset, *ind.tags, "floor")
        out.append(
            Warning(
                level=level,
                code="floor",
                message=message,
                evidence=(evidence,),
                countermeasures=cms,
            )
        )
    return out


def _observed_shares(ruleset: RuleSet, ev: Evaluation) -> dict[str, float]:
    """Share of each sub-system's indicator weight that has a value (0 when none has)."""
    roots = plan_for(ruleset).tree.indicator_root
    ids = plan_for(ruleset).tree.indicator_ids
    total = {"party": 0.0, "business": 0.0}
    seen = {"party": 0.0, "business": 0.0}
    for k, iid in enumerate(ids):
        res = ev.indicators.get(iid)
        if res is None:
            continue
        total[roots[k]] += res.weight
        if not res.missing:
            seen[roots[k]] += res.weight
    return {side: (seen[side] / total[side] if total[side] > 0 else 1.0) for side in total}


def incomplete_rule(ruleset: RuleSet, ev: Evaluation) -> list[Warning]:
    """Too little data to grade: blue, with the observed shares and every missing indicator."""
    if ev.complete:
        return []
    threshold = ruleset.completeness_threshold
    shares = _observed_shares(ruleset, ev)
    short = [
        side
        for side, score in (("party", ev.party), ("business", ev.business))
        if score is None or shares[side] < threshold
    ]
    names = {"party": ("党建", "Party building"), "business": ("业务", "business")}
    zh_parts = "，".join(f"{names[s][0]}已观测权重 {shares[s]:.0%}" for s in short)
    en_parts = ", ".join(f"{names[s][1]} {shares[s]:.0%} observed" for s in short)
    missing = sorted(i for i, r in ev.indicators.items() if r.missing)
    evidence = [
        Evidence(subject=s, value=shares[s], threshold=threshold, relation="observed_share")
        for s in short
    ] + [Evidence(subject=i, value=None, relation="missing") for i in missing]
    message = Text(
        zh=f"数据不完整，不评定等次：{zh_parts}（要求 {threshold:.0%}），缺少 {len(missing)} 项指标",
        en=f"Incomplete data, no grade given: {en_parts} (required {threshold:.0%}); "
        f"{len(missing)} indicator(s) missing",
    )
    return [
        Warning(
            level=WarningLevel.BLUE,
            code="incomplete",
            message=message,
            evidence=evidence,
            countermeasures=_cms(ruleset, "incomplete"),
        )
    ]


def _alert_limits(ruleset: RuleSet, order: Sequence[str]) -> list[tuple[WarningLevel, str]]:
    limits = []
    for lvl, key, limit in (
        (WarningLevel.RED, "red_at_or_below", ruleset.alerts.red_at_or_below),
        (WarningLevel.ORANGE, "orange_at_or_below", ruleset.alerts.orange_at_or_below),
    ):
        if limit is None:
            continue
        if limit not in order:
            raise RuleSetError(
                [
                    Problem(
                        path=f"alerts.{key}",
                        message=f"names coordination band {limit!r}, which the rule set does "
                        f"not have; expected one of {', '.join(order)} (or leave it unset)",
                    )
                ],
                source=f"{ruleset.id} {ruleset.version}",
            )
        limits.append((lvl, limit))
    return limits


def coordination_rule(ruleset: RuleSet, ev: Evaluation) -> list[Warning]:
    """Coordination band at or below the red (then orange) alert band."""
    if ev.band is None or ev.coordination is None:
        return []
    bands = sorted(ruleset.coordination_bands, key=lambda b: b.min)
    order = [b.id for b in bands]
    pos = order.index(ev.band)
    hit = next(
        ((lvl, lim) for lvl, lim in _alert_limits(ruleset, order) if pos <= order.index(lim)), None
    )
    if hit is None:
        return []
    level, limit = hit
    band = bands[pos]
    limit_band = bands[order.index(limit)]
    d = ev.coordination.degree
    message = Text(
        zh=f"党建与业务耦合协调度 D={d:.3f}，处于“{band.name.zh}”"
        f"（预警线：“{limit_band.name.zh}”及以下，D≤{limit_band.max:g}）",
        en=f"Coupling coordination D={d:.3f} is '{band.name('en')}' (alert at "
        f"'{limit_band.name('en')}' or below, D<={limit_band.max:g})",
    )
    evidence = (
        Evidence(subject="band", value=band.id, threshold=limit, relation="at_or_below"),
        Evidence(subject="degree", value=d, threshold=limit_band.max, relation="<="),
    )
    return [
        Warning(
            level=level,
            code="coordination",
            message=message,
            evidence=evidence,
            countermeasures=_cms(ruleset, "coordination", band.id),
        )
    ]


def lag_rule(ruleset: RuleSet, ev: Evaluation) -> list[Warning]:
    """一手硬、一手软: the sub-system gap |U1 − U2| at or above ``alerts.lag_gap``."""
    if ev.party is None or ev.business is None:
        return []
    gap = (ev.party - ev.business) / 100.0
    limit = ruleset.alerts.lag_gap
    if abs(gap) < limit - TOLERANCE:
        return []
    p, b, g = f"{ev.party:.1f}", f"{ev.business:.1f}", f"{abs(gap):.2f}"
    if gap < 0:
        soft = "party"
        message = Text(
            zh=f"“两张皮”一手硬、一手软：业务硬、党建软（党建 P={p}，业务 B={b}，"
            f"差距 {g} ≥ {limit:g}）",
            en=f"Two skins, one hand hard and one soft: business is hard, Party building soft "
            f"(P={p}, B={b}, gap {g} >= {limit:g})",
        )
    else:
        soft = "business"
        message = Text(
            zh=f"党建空转，一手硬、一手软：党建硬、业务软（党建 P={p}，业务 B={b}，"
            f"差距 {g} ≥ {limit:g}）",
            en=f"Party building idles, one hand hard and one soft: Party building is hard, "
            f"business soft (P={p}, B={b}, gap {g} >= {limit:g})",
        )
    evidence = (
        Evidence(subject=soft, value=round(abs(gap), 12), threshold=limit, relation="gap"),
        Evidence(subject="party_score", value=ev.party, relation="score"),
        Evidence(subject="business_score", value=ev.business, relation="score"),
    )
    return [
        Warning(
            level=WarningLevel.ORANGE,
            code="lag",
            message=message,
            evidence=evidence,
            countermeasures=_cms(ruleset, "lag", soft),
        )
    ]


def disconnect_rule(ruleset: RuleSet, ev: Evaluation) -> list[Warning]:
    """五个脱节: a tagged set whose weighted score is below ``alerts.disconnect_threshold``."""
    out = []
    limit = ruleset.alerts.disconnect_threshold
    for tag, score in sorted(disconnect_scores(ruleset, ev).items()):
        if score >= limit - TOLERANCE:
            continue
        label = DISCONNECT_LABELS[tag]
        members = disconnect_members(ruleset, ev, tag)
        evidence = [
            Evidence(subject=tag, value=score, threshold=limit, relation="below"),
            *(
                Evidence(subject=i.id, value=ev.indicators[i.id].score, relation="score")
                for i in members
            ),
        ]
        message = Text(
            zh=f"{label.zh}：相关 {len(members)} 项指标加权得分 {score:.1f}，低于 {limit:g}",
            en=f"{label.en[0].upper()}{label.en[1:]}: the {len(members)} tagged indicator(s) "
            f"score {score:.1f}, below {limit:g}",
        )
        out.append(
            Warning(
                level=WarningLevel.YELLOW,
                code=f"disconnect.{tag}",
                message=message,
                evidence=evidence,
                countermeasures=_cms(ruleset, f"disconnect.{tag}"),
            )
        )
    return out


#: The core's rules, in the order they run (the result is sorted afterwards).
BUILTIN_RULES: tuple[tuple[str, WarningRule], ...] = (
    ("veto", veto_rule),
    ("coordination", coordination_rule),
    ("lag", lag_rule),
    ("disconnect", disconnect_rule),
    ("floor", floor_rule),
    ("incomplete", incomplete_rule),
)


def run_rule(name: str, rule: WarningRule, ruleset: RuleSet, ev: Evaluation) -> list[Warning]:
    """Run the extra (plugin) rule ``name`` on ``ev``: its warnings, each marked with the rule's
    name and given countermeasures by lookup when it brought none.

    Raises :class:`~classguide.WarningRuleError` naming the rule, the unit and the rule set when
    the rule raises or returns anything but :class:`~classguide.Warning` records; a
    :class:`~classguide.PluginError` the rule raises (a :class:`~classguide.Guide` wraps each
    plugin rule in one naming the plugin's distribution) passes through unchanged.
    """
    where = f"unit {ev.unit.id!r}, rule set {ruleset.id!r} {ruleset.version}"
    try:
        produced = list(rule(ruleset, ev))
    except PluginError:
        raise  # already names its plugin (a Guide wraps plugins' rules)
    except Exception as exc:
        raise WarningRuleError(
            f"warning rule {name!r} failed on {where}: {type(exc).__name__}: {exc}", rule=name
        ) from exc
    out = []
    for k, w in enumerate(produced):
        if not isinstance(w, Warning):
            raise WarningRuleError(
                f"warning rule {name!r} returned {type(w).__name__} {w!r} as item {k} on "
                f"{where}; expected classguide.Warning records",
                rule=name,
            )
        if w.rule == "core":
            w = attrs.evolve(w, rule=name)
        out.append(w if w.countermeasures else _finish(ruleset, w))
    return out


def diagnose(
    ruleset: RuleSet, ev: Evaluation, extra: Sequence[tuple[str, WarningRule]] = ()
) -> tuple[Warning, ...]:
    """Every warning for ``ev``, most severe first (built-in rules, then ``extra`` named rules)."""
    found: list[Warning] = []
    for _, rule in BUILTIN_RULES:
        found.extend(rule(ruleset, ev))
    for name, rule in extra:
        found.extend(run_rule(name, rule, ruleset, ev))
    return tuple(sorted(found, key=warning_sort_key))
