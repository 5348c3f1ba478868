"""A rule set compiled once for evaluation: the tree, the scales, lookups the rules need.

Compiling is pure and cached per rule-set object (weakly: the cache entry dies with the rule
set), so evaluating many units against one rule set pays for it once.
"""

from __future__ import annotations

import functools
import hashlib
import weakref
from collections.abc import Callable, Mapping
from typing import TypeVar

import attrs

from classguide.aggregation import Tree, build_tree
from classguide.converter import to_json
from classguide.expressions import Expression, parse_formula
from classguide.model import Text
from classguide.ruleset import Indicator, RuleSet
from classguide.scales import Scale, scale_for

__all__ = ["Plan", "plan_for"]


@attrs.frozen(kw_only=True)
class Plan:
    """A rule set compiled: indicators in tree (id) order, scales per foundation tier, lookups."""

    ruleset_id: str
    tree: Tree
    indicators: tuple[Indicator, ...]
    scales: Mapping[str | None, tuple[Scale, ...]]
    formulas: tuple[Expression | None, ...]
    known_keys: frozenset[str]
    grade_order: tuple[str, ...]
    ruleset_hash: str
    countermeasures: Mapping[str, tuple[Text, ...]]
    index: Mapping[str, int]
    veto_indices: tuple[int, ...]
    floor_indices: tuple[int, ...]
    tagged_indices: tuple[int, ...]


T = TypeVar("T")


def _compile(ruleset: RuleSet) -> Plan:
    tree = build_tree(ruleset)
    by_id = {i.id: i for i in ruleset.indicators}
    indicators = tuple(by_id[i] for i in tree.indicator_ids)
    base = tuple(scale_for(i, pass_score=ruleset.pass_score) for i in indicators)
    scales: dict[str | None, tuple[Scale, ...]] = {None: base}
    for tier in sorted({a.foundation for a in ruleset.adjustments}):
        targets = {a.indicator: a.target for a in ruleset.adjustments if a.foundation == tier}
        scales[tier] = tuple(
            scale_for(i, pass_score=ruleset.pass_score, target=targets[i.id])
            if i.id in targets
            else s
            for i, s in zip(indicators, base, strict=True)
        )
    formulas = tuple(parse_formula(i.formula) if i.formula else None for i in indicators)
    inputs = {n for f in formulas if f is not None for n in f.names}
    direct = {i.id for i in indicators if i.formula is None}
    countermeasures: dict[str, list[Text]] = {}
    for cm in ruleset.countermeasures:
        countermeasures.setdefault(cm.category, []).append(cm.text)
    return Plan(
        ruleset_id=ruleset.id,
        tree=tree,
        indicators=indicators,
        scales=scales,
        formulas=formulas,
        known_keys=frozenset(direct | inputs),
        grade_order=ruleset.grade_order(),
        ruleset_hash=hashlib.sha256(to_json(ruleset).encode()).hexdigest(),
        countermeasures={k: tuple(v) for k, v in countermeasures.items()},
        index={iid: k for k, iid in enumerate(tree.indicator_ids)},
        veto_indices=tuple(k for k, i in enumerate(indicators) if i.veto is not None),
        floor_indices=tuple(k for k, i in enumerate(indicators) if i.floor is not None),
        tagged_indices=tuple(k for k, i in enumerate(indicators) if i.tags),
    )


def per_ruleset(compile: Callable[[RuleSet], T]) -> Callable[[RuleSet], T]:
    """``compile`` cached by rule-set identity for as long as the rule set lives.

    Rule sets are immutable, so a compiled value stays right. The cache holds only a weak
    reference to the rule set, and the compiled value must hold none, so an entry dies with
    its rule set and a new rule set at a recycled ``id`` is never served a stale value.
    """
    cache: dict[int, tuple[weakref.ref[RuleSet], T]] = {}

    def forget_later(key: int) -> Callable[[weakref.ref[RuleSet]], None]:
        def forget(_: weakref.ref[RuleSet]) -> None:
            cache.pop(key, None)

        return forget

    @functools.wraps(compile)
    def cached(ruleset: RuleSet) -> T:
        key = id(ruleset)
        hit = cache.get(key)
        if hit is not None and hit[0]() is ruleset:
            return hit[1]
        value = compile(ruleset)
        cache[key] = (weakref.ref(ruleset, forget_later(key)), value)
        return value

    return cached


@per_ruleset
def plan_for(ruleset: RuleSet) -> Plan:
    """The compiled :class:`Plan` of ``ruleset`` (compiled once, cached while it lives)."""
    # The plan holds no reference to the rule set, so the cache entry dies with it.
    return _compile(ruleset)
