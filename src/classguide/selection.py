"""Choosing a unit's rule set ("key → lock", 一把钥匙开一把锁), deterministically and explainably.

A rule set's ``selector`` maps unit attributes to allowed values; it matches a unit when every
constrained attribute has one of its allowed values (an empty selector matches every unit of
the type). Among the matching rule sets of the unit's type, the one constraining the most
attributes wins. Two equally specific matches are ambiguous and no match is an error; both
errors name the rule sets concerned and what to do. The choice depends only on the unit and the
set of candidates, never on their order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from classguide._records import to_dict, to_tuple
from classguide.errors import AmbiguousRuleSetError, NoRuleSetError
from classguide.model import Text, Unit
from classguide.ruleset import RuleSet

__all__ = [
    "Explanation",
    "RuleSetCandidate",
    "explain_resolved",
    "explain_selection",
    "format_selector",
    "specificity",
]


@attrs.frozen(kw_only=True)
class RuleSetCandidate:
    """A rule set that was considered for a unit, and why it was not chosen.

    ``plugin`` is the contributing plugin (its distribution where known); ``specificity`` the
    number of attributes its selector constrains; ``matches`` whether the selector matches.
    """

    ruleset: str
    version: str
    plugin: str
    selector: Mapping[str, tuple[str, ...]] = attrs.field(converter=to_dict)
    specificity: int
    matches: bool
    reason: Text


@attrs.frozen(kw_only=True)
class Explanation:
    """Why a unit gets its rule set: the chosen lock, its selector, and every other candidate.

    ``decided_by`` is ``"selector"``, or ``"resolver"`` when a plugin's
    ``classguide_resolve_ruleset`` chose (``resolver`` then names that plugin).
    """

    unit: str
    unit_type: str
    attributes: Mapping[str, str] = attrs.field(converter=to_dict)
    ruleset: str
    version: str
    plugin: str
    selector: Mapping[str, tuple[str, ...]] = attrs.field(converter=to_dict)
    specificity: int
    decided_by: str
    resolver: str | None
    reason: Text
    others: tuple[RuleSetCandidate, ...] = attrs.field(converter=to_tuple)

    def render(self, lang: str = "zh") -> str:
        """The explanation as lines of text in ``lang`` (``"zh"`` or ``"en"``)."""
        head = (
            f"单位 {self.unit}（{self.unit_type}）→ 规则集 {self.ruleset} v{self.version}"
            if lang == "zh"
            else f"unit {self.unit} ({self.unit_type}) → rule set {self.ruleset} v{self.version}"
        )
        lines = [head, f"  {self.reason(lang)}"]
        for other in self.others:
            lines.append(f"  × {other.ruleset} v{other.version}: {other.reason(lang)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render("en")


def specificity(ruleset: RuleSet) -> int:
    """How many attributes the rule set's selector constrains."""
    return len(ruleset.selector)


def format_selector(selector: Mapping[str, Sequence[str]], lang: str = "en") -> str:
    """``level ∈ {county}, tier ∈ {2, 3}``; the empty selector reads as "every unit"."""
    if not selector:
        return "（空：该类型全部单位）" if lang == "zh" else "(empty: every unit of the type)"
    return ", ".join(f"{a} ∈ {{{', '.join(v)}}}" for a, v in sorted(selector.items()))


def _mismatch(ruleset: RuleSet, attributes: Mapping[str, str]) -> Text | None:
    zh, en = [], []
    for attr, allowed in sorted(ruleset.selector.items()):
        value = attributes.get(attr)
        if value is None:
            zh.append(f"单位缺少属性 {attr}")
            en.append(f"the unit has no attribute {attr!r}")
        elif value not in allowed:
            zh.append(f"{attr}={value} 不在 {{{', '.join(allowed)}}} 中")
            en.append(f"{attr}={value} is not one of {{{', '.join(allowed)}}}")
    if not en:
        return None
    return Text(zh="选择器不匹配：" + "；".join(zh), en="selector does not match: " + "; ".join(en))


def _describe(rs: RuleSet, plugin: str) -> str:
    return f"{rs.id} v{rs.version} [{format_selector(rs.selector)}] from {plugin}"


def _attributes(unit: Unit) -> str:
    return ", ".join(f"{k}={v}" for k, v in sorted(unit.attributes.items())) or "(none)"


def _candidate(rs: RuleSet, plugin: str, matches: bool, reason: Text) -> RuleSetCandidate:
    return RuleSetCandidate(
        ruleset=rs.id,
        version=rs.version,
        plugin=plugin,
        selector=rs.selector,
        specificity=specificity(rs),
        matches=matches,
        reason=reason,
    )


def _explanation(
    unit: Unit, chosen: RuleSet, plugin: str, reason: Text, others: list[RuleSetCandidate]
) -> Explanation:
    return Explanation(
        unit=unit.id,
        unit_type=unit.unit_type,
        attributes=unit.attributes,
        ruleset=chosen.id,
        version=chosen.version,
        plugin=plugin,
        selector=chosen.selector,
        specificity=specificity(chosen),
        decided_by="selector",
        resolver=None,
        reason=reason,
        others=sorted(others, key=lambda c: c.ruleset),
    )


def explain_selection(unit: Unit, candidates: Sequence[tuple[RuleSet, str]]) -> Explanation:
    """Choose among ``candidates`` (rule set, contributing plugin) of the unit's type.

    Raises :class:`~classguide.NoRuleSetError` when none matches and
    :class:`~classguide.AmbiguousRuleSetError` when the most specific matches tie.
    """
    ordered = sorted(candidates, key=lambda c: c[0].id)
    matching = [(rs, p) for rs, p in ordered if _mismatch(rs, unit.attributes) is None]
    if not matching:
        raise NoRuleSetError(_no_match_message(unit, ordered))
    best = max(specificity(rs) for rs, _ in matching)
    top = [(rs, p) for rs, p in matching if specificity(rs) == best]
    if len(top) > 1:
        raise AmbiguousRuleSetError(_ambiguous_message(unit, top))
    chosen, plugin = top[0]
    sel_en, sel_zh = format_selector(chosen.selector), format_selector(chosen.selector, "zh")
    if len(matching) == 1:
        reason = Text(
            zh=f"选择器 {sel_zh} 与单位属性相符，且是唯一相符的规则集",
            en=f"its selector {sel_en} matches the unit and no other rule set does",
        )
    else:
        reason = Text(
            zh=f"选择器 {sel_zh} 相符，约束 {best} 个属性，比其他相符的规则集更具体",
            en=f"its selector {sel_en} matches and constrains {best} attribute(s), more than "
            "any other matching rule set",
        )
    others = []
    for rs, p in ordered:
        if rs.id == chosen.id:
            continue
        mismatch = _mismatch(rs, unit.attributes)
        if mismatch is None:
            k = specificity(rs)
            mismatch = Text(
                zh=f"选择器也相符，但只约束 {k} 个属性，少于 {chosen.id} 的 {best} 个",
                en=f"its selector also matches but constrains only {k} attribute(s), fewer "
                f"than the {best} of {chosen.id}",
            )
            others.append(_candidate(rs, p, True, mismatch))
        else:
            others.append(_candidate(rs, p, False, mismatch))
    return _explanation(unit, chosen, plugin, reason, others)


def explain_resolved(
    unit: Unit, candidates: Sequence[tuple[RuleSet, str]], chosen_id: str, resolver: str
) -> Explanation:
    """The explanation when plugin ``resolver``'s resolver hook chose ``chosen_id``."""
    chosen, plugin = next((rs, p) for rs, p in candidates if rs.id == chosen_id)
    reason = Text(
        zh=f"由插件 {resolver} 的 classguide_resolve_ruleset 选定",
        en=f"chosen by plugin {resolver}'s classguide_resolve_ruleset hook",
    )
    not_asked = Text(
        zh=f"插件 {resolver} 选择了 {chosen_id}，未按选择器比较",
        en=f"plugin {resolver} chose {chosen_id}; selectors were not compared",
    )
    others = [
        _candidate(rs, p, _mismatch(rs, unit.attributes) is None, not_asked)
        for rs, p in candidates
        if rs.id != chosen_id
    ]
    return attrs.evolve(
        _explanation(unit, chosen, plugin, reason, others),
        decided_by="resolver",
        resolver=resolver,
    )


def _no_match_message(unit: Unit, ordered: Sequence[tuple[RuleSet, str]]) -> str:
    head = (
        f"no rule set matches unit {unit.id!r} of type {unit.unit_type!r} "
        f"(attributes: {_attributes(unit)})"
    )
    if not ordered:
        return (
            f"{head}: no rule set is registered for unit type {unit.unit_type!r}. Install or "
            "enable a plugin that provides one (see `classguide plugins`)."
        )
    lines = [f"{head}. Rule sets for {unit.unit_type!r}:"]
    for rs, p in ordered:
        mismatch = _mismatch(rs, unit.attributes)
        lines.append(f"  {_describe(rs, p)}: {mismatch('en') if mismatch else 'matches'}")
    lines.append(
        "Check the unit's attributes, or add a rule set whose selector matches them "
        "(an empty selector matches every unit of the type)."
    )
    return "\n".join(lines)


def _ambiguous_message(unit: Unit, top: Sequence[tuple[RuleSet, str]]) -> str:
    names = " and ".join(f"{rs.id!r}" for rs, _ in top)
    lines = [
        f"unit {unit.id!r} of type {unit.unit_type!r} (attributes: {_attributes(unit)}) "
        f"matches {len(top)} equally specific rule sets, {names}, each constraining "
        f"{specificity(top[0][0])} attribute(s):"
    ]
    lines += [f"  {_describe(rs, p)}" for rs, p in top]
    lines.append(
        "Make one selector constrain another attribute, narrow their values so they no "
        "longer overlap, or disable one of the plugins (CLASSGUIDE_DISABLE_PLUGINS); a plugin "
        "may also decide with the classguide_resolve_ruleset hook."
    )
    return "\n".join(lines)
