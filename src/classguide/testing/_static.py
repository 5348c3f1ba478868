"""The contract's checks of the rule sets themselves: validation, citations, selection."""

from __future__ import annotations

from typing import Any

import classguide
from classguide.model import Unit
from classguide.testing import _oracle
from classguide.testing._guides import guide_for, plugin_label
from classguide.testing._machinery import ContractBase
from classguide.testing._report import violation

__all__ = ["RuleSetProperties"]


class RuleSetProperties(ContractBase):
    """Properties of the rule sets as data, and of choosing one for each unit."""

    # --- the rule set itself ------------------------------------------------------------------

    def test_plugin_contributes_rulesets(self, guide: Any) -> None:
        """The plugin contributes rule sets, for unit types that exist, with real selectors."""
        problems = []
        for rs in guide.rulesets.values():
            ut = guide.unit_types.get(rs.unit_type)
            if ut is None:
                problems.append(f"{rs.id}: unit_type {rs.unit_type!r} is not registered")
                continue
            for name, values in rs.selector.items():
                spec = ut.attribute(name)
                if spec is None:
                    problems.append(
                        f"{rs.id}: selector.{name}: unit type {ut.id!r} has no such attribute"
                    )
                    continue
                bad = [v for v in values if v not in spec.values]
                if bad:
                    problems.append(
                        f"{rs.id}: selector.{name}: unknown value(s) {bad}; "
                        f"allowed: {list(spec.values)}"
                    )
        if not guide.rulesets or problems:
            raise violation("contributes", plugin=plugin_label(guide), details=problems)

    def test_ruleset_validates(self, guide: Any) -> None:
        """``classguide.validate_ruleset`` reports no error for any rule set."""
        for rs in guide.rulesets.values():
            ut = guide.unit_types.get(rs.unit_type)
            errors = [p for p in classguide.validate_ruleset(rs, ut) if p.severity == "error"]
            if errors:
                raise violation(
                    "validates",
                    ruleset=rs,
                    plugin=plugin_label(guide),
                    details=[str(p) for p in errors],
                )

    def test_every_indicator_cited_and_named(self, guide: Any) -> None:
        """Every indicator cites a declared source; every label has Chinese and English."""
        for rs in guide.rulesets.values():
            declared = {s.id for s in rs.sources}
            problems = []
            if not (rs.name.zh.strip() and rs.name.en.strip()):
                problems.append("name: needs both zh and en")
            for k, g in enumerate(rs.groups):
                if not (g.name.zh.strip() and g.name.en.strip()):
                    problems.append(f"groups[{k}].name ({g.id}): needs both zh and en")
            for k, ind in enumerate(rs.indicators):
                if not ind.source:
                    problems.append(f"indicators[{k}].source ({ind.id}): cites no source")
                elif ind.source not in declared:
                    problems.append(
                        f"indicators[{k}].source ({ind.id}): {ind.source!r} is not a declared "
                        f"source ({', '.join(sorted(declared)) or 'none declared'})"
                    )
                if not (ind.name.zh.strip() and ind.name.en.strip()):
                    problems.append(f"indicators[{k}].name ({ind.id}): needs both zh and en")
            if problems:
                raise violation("cited", ruleset=rs, plugin=plugin_label(guide), details=problems)

    def test_units_resolve_to_one_ruleset(self, guide: Any, plugin: object) -> None:
        """Every unit of the plugin's types resolves to exactly one rule set, every time."""
        fresh = guide_for(plugin)
        problems: list[str] = []
        reached: set[str] = set()
        for ut in self._types(guide):
            space = _oracle.attribute_space(ut)
            if space is None:
                continue  # too many combinations: the evaluation properties sample them instead
            for combo in space:
                unit = Unit(id="u", name="unit", unit_type=ut.id, attributes=combo)
                try:
                    first = guide.ruleset_for(unit).id
                except classguide.AmbiguousRuleSetError as exc:
                    problems.append(f"{ut.id} {combo}: ambiguous: {exc}")
                    continue
                except classguide.SelectionError as exc:
                    if self.covers_whole_unit_types:
                        problems.append(f"{ut.id} {combo}: no rule set: {exc}")
                    continue
                again, other = guide.ruleset_for(unit).id, fresh.ruleset_for(unit).id
                if again != first or other != first:
                    problems.append(f"{ut.id} {combo}: resolved to {first}, then {again}, {other}")
                reached.add(first)
        if problems:
            raise violation("resolves", plugin=plugin_label(guide), details=problems[:10])
        unreachable = sorted(set(guide.rulesets) - reached)
        if unreachable and all(_oracle.attribute_space(t) is not None for t in self._types(guide)):
            raise violation(
                "reachable",
                plugin=plugin_label(guide),
                details=[
                    f"rule set {r} is chosen for no unit (a more specific selector shadows it?)"
                    for r in unreachable
                ],
            )
