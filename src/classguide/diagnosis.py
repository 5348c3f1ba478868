"""Diagnosis: the built-in warning rules, parameterised by the rule set (DESIGN §3; issue 7).

Each rule reads a draft :class:`Evaluation` and its :class:`RuleSet` and returns warnings:

========================  ===========================================  =====================
code                      when                                         level
========================  ===========================================  =====================
``veto``                  a veto indicator misses its floor (一票否决)  red
``coordination``          band at or below ``alerts.red_at_or_below``   red
                          … or at/below ``alerts.orange_at_or_below``   orange
``lag``                   ``|U1 − U2| >= alerts.lag_gap`` (一手硬一手软)  orange
``disconnect.<tag>``      weighted score of a tagged set below          yellow
                          ``alerts.disconnect_threshold``
``floor``                 an indicator misses its floor (底线)          yellow (or as set)
``incomplete``            observed weight share below the threshold      blue
========================  ===========================================  =====================

Countermeasures come from the rule set (by warning code, then by disconnect tag), falling back to
the five countermeasure groups of the source articles (``requirements.md``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from classguide.errors import Problem, RuleSetError
from classguide.model import Text
from classguide.plan import plan_for
from classguide.results import (
    Evaluation,
    Evidence,
    IndicatorResults,
    Warning,
    WarningLevel,
    warning_sort_key,
)
from classguide.ruleset import DISCONNECTS, RuleSet

__all__ = [
    "BUILTIN_RULES",
    "DEFAULT_COUNTERMEASURES",
    "TOLERANCE",
    "DISCONNECT_LABELS",
    "WarningRule",
    "countermeasures_for",
    "diagnose",
]

#: Absolute slack when a computed number is compared with a threshold (gap ≥ ``lag_gap``, score
#: < ``disconnect_threshold``): a value equal to its threshold up to rounding counts as equal.
TOLERANCE = 1e-9

#: A warning rule: reads the rule set and a draft evaluation, returns warnings.
WarningRule = Callable[[RuleSet, Evaluation], Iterable[Warning]]

#: 五个脱节 — the five disconnects (source article 000).
DISCONNECT_LABELS: dict[str, Text] = {
    "planning": Text(
        zh="党建谋划与中心工作脱节", en="Party-building planning detached from the central task"
    ),
    "study": Text(
        zh="理论学习与指导实践脱节", en="theoretical study detached from guiding practice"
    ),
    "carrier": Text(
        zh="载体设计与工作需要脱节", en="carriers designed apart from the needs of the work"
    ),
    "activity": Text(zh="活动开展与党员需求脱节", en="activities detached from members' needs"),
    "outcome": Text(
        zh="党建成果与群众满意脱节", en="Party-building results detached from public satisfaction"
    ),
}

_TOP = Text(
    zh="顶层设计：强化政治引领，健全领导体制，党建围绕中心、服务大局，落实“一岗双责”。",
    en="Top-level design: strengthen political guidance and the leadership system; make Party building serve the central task; enforce dual responsibility in every post.",
)
_BRANCH = Text(
    zh="支部建设：选优配强“双强”书记，推进支部标准化规范化，先进带后进结对共建。",
    en="Branch building: appoint secretaries strong in both Party work and business, standardise branches, pair advanced with lagging branches.",
)
_ABILITY = Text(
    zh="工作本领：选拔培训党务干部，推动党务干部与业务干部双向交流。",
    en="Capability: select and train Party-affairs cadres; exchange cadres between Party affairs and business both ways.",
)
_CARRIER = Text(
    zh="方法载体：创新融合式学习，组建党员攻坚队，运用数据技术监督，数据关联、资源共享。",
    en="Methods and carriers: integrated study, Party-member task forces on hard business problems, data-driven supervision, linked information platforms.",
)
_MECHANISM = Text(
    zh="完善机制：健全激励与监督，党建与业务同考核、同权重，建立“两张皮”预警机制。",
    en="Mechanisms: incentives and supervision, the same assessment and weight for Party building and business, a two-skins early-warning mechanism.",
)

#: Fallback countermeasures (source article 000's five groups), by warning code or tag.
DEFAULT_COUNTERMEASURES: dict[str, tuple[Text, ...]] = {
    "planning": (_TOP, _MECHANISM),
    "study": (_CARRIER, _ABILITY),
    "carrier": (_CARRIER,),
    "activity": (_BRANCH, _CARRIER),
    "outcome": (_MECHANISM, _BRANCH),
    "lag": (_TOP, _MECHANISM),
    "coordination": (_TOP, _MECHANISM, _BRANCH),
    "veto": (_TOP,),
    "floor": (_BRANCH,),
    "interview": (_MECHANISM, _BRANCH),
    "trend": (_MECHANISM,),
}


def countermeasures_for(ruleset: RuleSet, *categories: str) -> tuple[Text, ...]:
    """The rule set's countermeasures for the first category it has, else the defaults."""
    own = plan_for(ruleset).countermeasures
    for cat in categories:
        if cat in own:
            return own[cat]
    for cat in categories:
        if cat in DEFAULT_COUNTERMEASURES:
            return DEFAULT_COUNTERMEASURES[cat]
    return ()


def _f(x: float | None, digits: int = 1) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _violations(ruleset: RuleSet, ev: Evaluation, only_vetoes: bool) -> list[int]:
    plan = plan_for(ruleset)
    candidates = plan.veto_indices if only_vetoes else plan.floor_indices
    results = ev.indicators
    if isinstance(results, IndicatorResults):
        mets = results.floor_met
        return [k for k in candidates if mets[k] is False]
    ids = plan.tree.indicator_ids
    return [k for k in candidates if ids[k] in results and results[ids[k]].floor_met is False]


def veto_rule(ruleset: RuleSet, ev: Evaluation) -> list[Warning]:
    plan = plan_for(ruleset)
    out = []
    cms = countermeasures_for(ruleset, "veto")
    for k in _violations(ruleset, ev, only_vetoes=True):
        ind = plan.indicators[k]
        res = ev.indicators[ind.id]
        out.append(
            Warning(
                level=WarningLevel.RED,
                code="veto",
                message=Text(
                    zh=f"一票否决：{ind.name.zh}未达底线（{res.value!s} / 底线 {ind.floor!s}）",
                    en=f"Veto: {ind.name('en')} misses its floor ({res.value!s} vs floor {ind.floor!s})",
                ),
                evidence=(
                    Evidence(
                        subject=ind.id, value=res.value, threshold=ind.floor, relation="floor"
                    ),
                ),
                countermeasures=cms,
            )
        )
    return out


def floor_rule(ruleset: RuleSet, ev: Evaluation) -> list[Warning]:
    plan = plan_for(ruleset)
    out = []
    default_level = WarningLevel.parse(ruleset.alerts.floor_level)
    for k in _violations(ruleset, ev, only_vetoes=False):
        ind = plan.indicators[k]
        value = ev.indicators[ind.id].value
        shown, floor = str(value), str(ind.floor)
        out.append(
            Warning(
                level=WarningLevel.parse(ind.floor_level) if ind.floor_level else default_level,
                code="floor",
                message=Text(
                    zh=f"底线未达标：{ind.name.zh}为 {shown}，底线 {floor}",
                    en=f"Floor not met: {ind.name.en or ind.name.zh} is {shown}, floor {floor}",
                ),
                evidence=(
                    Evidence(subject=ind.id, value=value, threshold=ind.floor, relation="floor"),
                ),
                countermeasures=countermeasures_for(ruleset, f"floor.{ind.id}", *ind.tags, "floor"),
            )
        )
    return out


def incomplete_rule(ruleset: RuleSet, ev: Evaluation) -> list[Warning]:
    if ev.complete:
        return []
    missing = sorted(i for i, r in ev.indicators.items() if r.missing)
    return [
        Warning(
            level=WarningLevel.BLUE,
            code="incomplete",
            message=Text(
                zh=f"数据不完整，不评定等次：缺少 {len(missing)} 项指标数据",
                en=f"Incomplete data, no grade given: {len(missing)} indicator(s) missing",
            ),
            evidence=tuple(Evidence(subject=i, value=None, relation="missing") for i in missing),
            countermeasures=(
                Text(
                    zh="补齐缺失数据后重新评价。",
                    en="Complete the missing data and evaluate again.",
                ),
            ),
        )
    ]


def coordination_rule(ruleset: RuleSet, ev: Evaluation) -> list[Warning]:
    if ev.band is None or ev.coordination is None:
        return []
    order = [b.id for b in sorted(ruleset.coordination_bands, key=lambda b: b.min)]
    pos = order.index(ev.band)
    level = None
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
        if pos <= order.index(limit):
            level = lvl
            break
    if level is None:
        return []
    band = next(b for b in ruleset.coordination_bands if b.id == ev.band)
    d = ev.coordination.degree
    return [
        Warning(
            level=level,
            code="coordination",
            message=Text(
                zh=f"党建与业务耦合协调度 D={d:.3f}，处于“{band.name.zh}”",
                en=f"Coupling coordination D={d:.3f} is '{band.name('en')}'",
            ),
            evidence=(Evidence(subject="degree", value=d, threshold=band.max, relation="band"),),
            countermeasures=countermeasures_for(ruleset, "coordination"),
        )
    ]


def lag_rule(ruleset: RuleSet, ev: Evaluation) -> list[Warning]:
    if ev.party is None or ev.business is None:
        return []
    gap = (ev.party - ev.business) / 100.0
    limit = ruleset.alerts.lag_gap
    if abs(gap) < limit - TOLERANCE:
        return []
    if gap < 0:
        zh = f"“两张皮”：业务硬、党建软（P={_f(ev.party)}，B={_f(ev.business)}，差距 {-gap:.2f}）"
        en = (
            f"Two skins: business is hard, Party building soft (P={_f(ev.party)}, "
            f"B={_f(ev.business)}, gap {-gap:.2f})"
        )
        subject = "party"
    else:
        zh = f"党建空转：党建硬、业务软（P={_f(ev.party)}，B={_f(ev.business)}，差距 {gap:.2f}）"
        en = (
            f"Party building idles: Party building is hard, business soft (P={_f(ev.party)}, "
            f"B={_f(ev.business)}, gap {gap:.2f})"
        )
        subject = "business"
    return [
        Warning(
            level=WarningLevel.ORANGE,
            code="lag",
            message=Text(zh=zh, en=en),
            evidence=(
                Evidence(
                    subject=subject, value=round(abs(gap), 12), threshold=limit, relation="gap"
                ),
            ),
            countermeasures=countermeasures_for(ruleset, f"lag.{subject}", "lag"),
        )
    ]


def disconnect_scores(ruleset: RuleSet, ev: Evaluation) -> dict[str, float]:
    """Weighted score of each disconnect tag's indicators (tags with no present indicator omitted).

    An indicator's weight is its share of its sub-system times the sub-system's composite weight.
    """
    acc: dict[str, list[float]] = {}
    plan = plan_for(ruleset)
    results = ev.indicators
    columns = results.scores if isinstance(results, IndicatorResults) else None
    shares = plan.tree.indicator_share
    for k in plan.tagged_indices:
        ind = plan.indicators[k]
        if columns is not None:
            score = columns[k]
        else:
            res = results.get(ind.id)
            score = None if res is None else res.score
        if score is None:
            continue
        w = shares[k] * (
            ruleset.weights.party if ind.dimension == "party" else ruleset.weights.business
        )
        for tag in ind.tags:
            if tag in DISCONNECTS:
                pair = acc.setdefault(tag, [0.0, 0.0])
                pair[0] += w * score
                pair[1] += w
    return {t: s / w for t, (s, w) in acc.items() if w > 0.0}


def disconnect_rule(ruleset: RuleSet, ev: Evaluation) -> list[Warning]:
    out = []
    limit = ruleset.alerts.disconnect_threshold
    for tag, score in sorted(disconnect_scores(ruleset, ev).items()):
        if score >= limit - TOLERANCE:
            continue
        label = DISCONNECT_LABELS[tag]
        out.append(
            Warning(
                level=WarningLevel.YELLOW,
                code=f"disconnect.{tag}",
                message=Text(
                    zh=f"{label.zh}（相关指标加权得分 {score:.1f}，阈值 {limit:g}）",
                    en=f"{label.en} (weighted score {score:.1f}, threshold {limit:g})",
                ),
                evidence=(Evidence(subject=tag, value=score, threshold=limit, relation="below"),),
                countermeasures=countermeasures_for(ruleset, tag),
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


def diagnose(
    ruleset: RuleSet, ev: Evaluation, extra: Sequence[tuple[str, WarningRule]] = ()
) -> tuple[Warning, ...]:
    """Every warning for ``ev``, most severe first (built-in rules, then ``extra`` named rules)."""
    found: list[Warning] = []
    for _, rule in (*BUILTIN_RULES, *extra):
        found.extend(rule(ruleset, ev))
    return tuple(sorted(found, key=warning_sort_key))
