"""Failure messages of the contract suite, written for a sector official to read.

A broken property raises :class:`ContractViolation` whose message says which property (in
Chinese and English), which rule set (id, version, plugin), the unit, the observations and what
was seen — the minimal example hypothesis shrank to.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from classguide.errors import ClassguideError
from classguide.model import Text, Unit
from classguide.ruleset import RuleSet

__all__ = ["PROPERTIES", "ContractViolation", "describe_ruleset", "violation"]

#: Every property of the contract, by key, in both languages.
PROPERTIES: dict[str, Text] = {
    "contributes": Text(
        zh="插件至少提供一个规则集", en="the plugin contributes at least one rule set"
    ),
    "validates": Text(zh="规则集通过校验，没有错误", en="the rule set validates without errors"),
    "cited": Text(
        zh="每个指标注明出处，并有中英文名称",
        en="every indicator cites a declared source and has names in both languages",
    ),
    "resolves": Text(
        zh="每个单位恰好对应一个规则集，且每次相同",
        en="every unit resolves to exactly one rule set, the same every time",
    ),
    "reachable": Text(
        zh="每个规则集至少对应一类单位", en="every rule set is the lock for some unit"
    ),
    "bounded": Text(
        zh="得分与党建、业务子系统得分在 [0, 100] 之内",
        en="scores and the sub-system scores P and B stay in [0, 100]",
    ),
    "monotone": Text(
        zh="指标朝好的方向提高，综合得分 S、党建 P、业务 B 都不降低",
        en="raising an indicator in its good direction never lowers S, P or B",
    ),
    "incomplete": Text(zh="数据不完整时不评定等次", en="incomplete data is never graded"),
    "floors": Text(zh="每一项底线未达标都有预警", en="every floor violation yields a warning"),
    "veto": Text(zh="一票否决不会提高等次", en="a veto never improves the grade"),
    "deterministic": Text(
        zh="结果可复现，且经 JSON 往返不变",
        en="results are deterministic and survive a JSON round trip",
    ),
    "rejects": Text(
        zh="不合规的数据被拒绝并指明指标",
        en="invalid raw values are rejected with an error naming the indicator",
    ),
}


class ContractViolation(ClassguideError, AssertionError):  # noqa: N818 - reads as the verdict
    """A rule set broke a property of :class:`~classguide.testing.RuleSetContract`."""


def describe_ruleset(ruleset: RuleSet, plugin: str) -> str:
    """``organ-county v1.0 (县级机关…) from plugin organ``."""
    return f"{ruleset.id} v{ruleset.version} ({ruleset.name.zh} / {ruleset.name.en}) from {plugin}"


def _value(v: object) -> str:
    if isinstance(v, float):
        return repr(v)
    return repr(v) if isinstance(v, str) else str(v)


def violation(
    key: str,
    *,
    ruleset: RuleSet | None = None,
    plugin: str = "",
    unit: Unit | None = None,
    observations: Mapping[str, object] | None = None,
    details: Iterable[str] = (),
) -> ContractViolation:
    """The error for property ``key`` broken on this example, with every detail on its line."""
    prop = PROPERTIES[key]
    lines = [
        f"classguide contract broken: {prop.en}",
        f"  性质：{prop.zh}",
    ]
    if ruleset is not None:
        lines.append(f"  rule set 规则集: {describe_ruleset(ruleset, plugin)}")
    elif plugin:
        lines.append(f"  plugin 插件: {plugin}")
    if unit is not None:
        attrs_text = ", ".join(f"{k}={v}" for k, v in sorted(unit.attributes.items()))
        lines.append(f"  unit 单位: {unit.id} {unit.name} ({unit.unit_type}; {attrs_text})")
    if observations is not None:
        lines.append("  observations 数据:")
        if not observations:
            lines.append("    (none)")
        for k in sorted(observations):
            lines.append(f"    {k} = {_value(observations[k])}")
    details = list(details)
    if details:
        lines.append("  what went wrong 问题:")
        lines += [f"    {d}" for d in details]
    return ContractViolation("\n".join(lines))
