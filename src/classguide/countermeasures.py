"""Countermeasures: what a warning recommends, from the rule set, a plugin or the defaults.

Every warning looks its countermeasures up by **categories**, most specific first (see
:func:`warning_categories`): e.g. a floor violation of ``study_hours`` tagged ``study`` looks up
``floor.study_hours``, then ``study``, then ``floor``. The first source that has any of the
categories wins, in this order:

1. the rule set's own ``countermeasures`` (the sector's rule file);
2. countermeasures registered by plugins (``classguide_countermeasures``), applied with
   :func:`with_countermeasures`;
3. the defaults: the five countermeasure groups of the source articles (``requirements.md``,
   article 000: 顶层设计, 支部建设, 工作本领, 方法载体, 完善机制).

Within a source, the most specific category present wins; all of its texts are returned in the
order they were declared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from classguide.model import Text
from classguide.plan import plan_for
from classguide.results import Warning
from classguide.ruleset import RuleSet

__all__ = [
    "COUNTERMEASURE_GROUPS",
    "DEFAULT_COUNTERMEASURES",
    "categories_of",
    "countermeasures_for",
    "warning_categories",
]

#: The five countermeasure groups of source article 000 (``requirements.md``), by id.
COUNTERMEASURE_GROUPS: dict[str, Text] = {
    "top_level_design": Text(
        zh="顶层设计：强化政治引领，健全领导体制，党建围绕中心、服务大局，落实“一岗双责”。",
        en="Top-level design: strengthen political guidance and the leadership system; make "
        "Party building serve the central task; enforce dual responsibility in every post.",
    ),
    "branch_building": Text(
        zh="支部建设：选优配强“双强”书记，推进支部标准化规范化，先进带后进结对共建，"
        "把业务表现纳入党员监督。",
        en="Branch building: appoint secretaries strong in both Party work and business, "
        "standardise branches, pair advanced with lagging branches, include business performance "
        "in members' supervision.",
    ),
    "capability": Text(
        zh="工作本领：选拔培训党务干部，推动党务干部与业务干部双向交流。",
        en="Capability: select and train Party-affairs cadres; exchange cadres between Party "
        "affairs and business both ways.",
    ),
    "methods_carriers": Text(
        zh="方法载体：创新融合式学习，组建党员攻坚队，经常分析党员思想状况，运用数据技术监督，"
        "数据关联、资源共享。",
        en="Methods and carriers: integrated study, Party-member task forces on hard business "
        "problems, regular analysis of members' thinking, data-driven supervision, linked "
        "information platforms.",
    ),
    "mechanisms": Text(
        zh="完善机制：健全激励与监督，党建与业务同考核、同权重，建立“两张皮”预警机制。",
        en="Mechanisms: incentives and supervision, the same assessment and weight for Party "
        "building and business, a two-skins early-warning mechanism.",
    ),
}

_G = COUNTERMEASURE_GROUPS
_DATA = Text(
    zh="补齐缺失数据（核对报送口径与来源）后重新评价。",
    en="Complete the missing data (check the reporting definitions and sources) and evaluate "
    "again.",
)

#: Fallback countermeasures by category (a warning code or a disconnect tag).
DEFAULT_COUNTERMEASURES: dict[str, tuple[Text, ...]] = {
    "planning": (_G["top_level_design"], _G["mechanisms"]),
    "study": (_G["methods_carriers"], _G["capability"]),
    "carrier": (_G["methods_carriers"],),
    "activity": (_G["branch_building"], _G["methods_carriers"]),
    "outcome": (_G["mechanisms"], _G["branch_building"]),
    "lag": (_G["top_level_design"], _G["mechanisms"]),
    "lag.party": (_G["top_level_design"], _G["branch_building"], _G["capability"]),
    "lag.business": (_G["top_level_design"], _G["methods_carriers"]),
    "coordination": (_G["top_level_design"], _G["mechanisms"], _G["branch_building"]),
    "veto": (_G["top_level_design"], _G["mechanisms"]),
    "floor": (_G["branch_building"],),
    "incomplete": (_DATA,),
    "interview": (_G["mechanisms"], _G["branch_building"]),
    "trend": (_G["mechanisms"],),
    "trend.band_drop": (_G["top_level_design"], _G["mechanisms"]),
}

_INDICATOR_CODES = ("veto", "floor")


def _prefixes(code: str) -> tuple[str, ...]:
    parts = code.split(".")
    return tuple(".".join(parts[:k]) for k in range(len(parts), 0, -1))


def warning_categories(ruleset: RuleSet, warning: Warning) -> tuple[str, ...]:
    """The categories ``warning`` looks its countermeasures up by, most specific first.

    ============================  ===============================================================
    code                          categories
    ============================  ===============================================================
    ``veto``                      ``veto.<indicator>``, ``veto``
    ``floor``                     ``floor.<indicator>``, the indicator's tags, ``floor``
    ``lag``                       ``lag.<soft side>`` (``party`` or ``business``), ``lag``
    ``coordination``              ``coordination.<band>``, ``coordination``
    ``disconnect.<tag>``          ``disconnect.<tag>``, ``<tag>``, ``disconnect``
    anything else (``a.b``)       the code and its dotted prefixes: ``a.b``, ``a``
    ============================  ===============================================================

    The specific part comes from the warning's first evidence: its subject (the indicator, the
    soft side) or, for ``coordination``, its value (the band).
    """
    first = warning.evidence[0] if warning.evidence else None
    if first is None:
        return categories_of(ruleset, warning.code)
    detail = first.value if warning.code == "coordination" else first.subject
    return categories_of(ruleset, warning.code, detail if isinstance(detail, str) else "")


def categories_of(ruleset: RuleSet, code: str, detail: str = "") -> tuple[str, ...]:
    """The categories of a warning with ``code`` about ``detail`` (an indicator id for ``veto``
    and ``floor``, the soft side for ``lag``, the band for ``coordination``); see
    :func:`warning_categories`."""
    if code in _INDICATOR_CODES and detail:
        tags: tuple[str, ...] = ()
        if code == "floor":
            plan = plan_for(ruleset)
            k = plan.index.get(detail)
            if k is not None:
                tags = plan.indicators[k].tags
        return (f"{code}.{detail}", *tags, code)
    if code in ("lag", "coordination") and detail:
        return (f"{code}.{detail}", code)
    if code.startswith("disconnect.") and code.count(".") == 1:
        return (code, code.split(".", 1)[1], "disconnect")
    return _prefixes(code)


def _first_hit(
    table: Mapping[str, tuple[Text, ...]], categories: Iterable[str]
) -> tuple[Text, ...] | None:
    for cat in categories:
        hit = table.get(cat)
        if hit:
            return hit
    return None


def countermeasures_for(ruleset: RuleSet, *categories: str) -> tuple[Text, ...]:
    """Countermeasures for the first of ``categories`` the rule set has, else for the first the
    defaults (:data:`DEFAULT_COUNTERMEASURES`) have; ``()`` when neither has any."""
    own = plan_for(ruleset).countermeasures
    hit = _first_hit(own, categories) if own else None
    if hit is None:
        hit = _first_hit(DEFAULT_COUNTERMEASURES, categories)
    return () if hit is None else hit
