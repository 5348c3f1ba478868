"""The plugin hooks of classguide: what a plugin may contribute, documented once, here.

Each function below is a *hook specification*: its signature and docstring are the contract and
the reference documentation (``docs/hooks.md`` is generated from them by
``python -m classguide.hookdocs``). Plugin authors implement hooks with ``classguide.hookimpl``
and never import pluggy::

    from classguide import hookimpl

    @hookimpl
    def classguide_rulesets():
        return [...]

Rules every implementation follows:

* Registration hooks (unit types, rule sets, warning rules, countermeasures) return typed attrs
  records; nothing mutates global state. classguide collects them, rejects duplicate ids naming
  both distributions, and orders them by id — never by load order.
* An implementation may accept a *subset* of a hook's arguments, in any order; names must match.
* Arguments of an implementation take no default values (pluggy would silently ignore them;
  classguide rejects them when the plugin loads).
* Wrappers (``wrapper=True`` / ``hookwrapper=True``) and historic hooks are not supported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import attrs
import pluggy

from classguide._records import to_tuple
from classguide.model import Text

if TYPE_CHECKING:
    from classguide.model import Unit, UnitType
    from classguide.results import Evaluation
    from classguide.results import Warning as EarlyWarning
    from classguide.ruleset import Countermeasure, RuleSet

__all__ = [
    "PROJECT",
    "WarningRuleSpec",
    "classguide_check_observations",
    "classguide_countermeasures",
    "classguide_resolve_ruleset",
    "classguide_rulesets",
    "classguide_unit_types",
    "classguide_warning_rules",
    "hookimpl",
    "hookspec",
]

#: The pluggy project name; also the entry-point group plugins register under.
PROJECT = "classguide"

#: Marks a hook specification (used only in this module).
hookspec = pluggy.HookspecMarker(PROJECT)

#: Marks a hook implementation in a plugin: ``@classguide.hookimpl``.
hookimpl = pluggy.HookimplMarker(PROJECT)


def _nonempty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must not be empty")


@attrs.frozen(kw_only=True)
class WarningRuleSpec:
    """A plugin's warning rule: an id, a bilingual name and the rule itself.

    ``rule(ruleset, draft_evaluation)`` reads the rule set and the draft evaluation (scores,
    coordination, grade, the core's warnings not yet attached) and returns the warnings it
    raises — an empty iterable when there is nothing to say. It must be a pure function.
    ``unit_types`` and ``rulesets`` restrict where the rule runs (empty = everywhere).
    Warnings the rule returns with ``rule="core"`` (the default) are stamped with ``id``; those
    without countermeasures get the rule set's countermeasures for their ``code`` (see
    ``classguide_countermeasures``).
    """

    id: str = attrs.field(validator=_nonempty)
    name: Text
    rule: Callable[[RuleSet, Evaluation], Iterable[EarlyWarning]] = attrs.field(
        validator=attrs.validators.is_callable()
    )
    unit_types: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    rulesets: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    description: Text | None = None


@hookspec
def classguide_unit_types() -> Sequence[UnitType]:
    """Register unit types: kinds of units and the attributes their units carry.

    Called once when a :class:`~classguide.Guide` is built. The five built-in types (``organ``,
    ``soe``, ``university``, ``school``, ``hospital``) come from the core's own default plugin
    through this same hook. A unit-type id contributed by two plugins is a conflict naming both
    distributions; neither plugin's version is used (the core's built-in types always win).

    This hook takes no arguments.

    :returns: a sequence (list, tuple) of :class:`~classguide.UnitType` records; an empty
        sequence or ``None`` contributes nothing.

    .. versionadded:: 0.1.0

    Example::

        import classguide as cg
        from classguide import hookimpl

        FOUNDATION = cg.AttributeSpec(
            name="foundation",
            label=cg.Text(zh="党组织基础", en="foundation tier"),
            values=("weak", "standard", "advanced"),
        )

        @hookimpl
        def classguide_unit_types():
            return [
                cg.UnitType(
                    id="community",
                    name=cg.Text(zh="城市社区", en="urban community"),
                    attributes=(
                        cg.AttributeSpec(
                            name="size",
                            label=cg.Text(zh="规模", en="size"),
                            values=("small", "large"),
                        ),
                        FOUNDATION,
                    ),
                )
            ]
    """
    raise NotImplementedError  # pragma: no cover - a specification is never called


@hookspec
def classguide_rulesets() -> Sequence[RuleSet]:
    """Register rule sets: the indicator systems ("locks") units are evaluated against.

    Called once when a :class:`~classguide.Guide` is built. Each rule set names its
    ``unit_type`` (which must be registered by some plugin) and a ``selector`` over that type's
    attributes: the units it is the lock for. The most specific matching selector wins for a
    unit. A rule-set id contributed by two plugins is a conflict naming both distributions;
    neither is used. A selector naming an attribute or value its unit type does not declare is
    reported and the rule set is withheld (it could never match).

    This hook takes no arguments.

    :returns: a sequence of :class:`~classguide.RuleSet` records (typically read from the
        plugin's own rule files with :func:`classguide.rulefiles.load_ruleset`); an empty
        sequence or ``None`` contributes nothing.

    .. versionadded:: 0.1.0

    Example::

        import classguide as cg
        from classguide import hookimpl

        def _indicator(iid, zh, dimension):
            return cg.Indicator(
                id=iid, name=cg.Text(zh=zh, en=iid), dimension=dimension,
                kind="ratio", weight=1.0, floor=0.6, target=1.0,
            )

        @hookimpl
        def classguide_rulesets():
            return [
                cg.RuleSet(
                    id="county-organ-2025",
                    version="2025.1",
                    name=cg.Text(zh="县级机关党建与业务融合评价", en="County organs"),
                    unit_type="organ",
                    selector={"level": ("county",)},
                    indicators=[
                        _indicator("branch_standardised", "支部达标率", "party"),
                        _indicator("tasks_completed", "任务完成率", "business"),
                    ],
                )
            ]
    """
    raise NotImplementedError  # pragma: no cover - a specification is never called


@hookspec(firstresult=True)
def classguide_resolve_ruleset(unit: Unit, candidates: Sequence[RuleSet]) -> RuleSet | None:
    """Choose the rule set for a unit when selectors are not enough (rarely needed).

    Stops at first non-None result. Resolvers are asked before selector matching, in
    plugin-name order (``tryfirst``/``trylast`` move an implementation to the front or back);
    returning ``None`` leaves the choice to the selectors. The answer is cached per unit key
    (unit type and attributes), so it must depend only on those, never on the unit's id or name.
    :meth:`Guide.explain <classguide.Guide.explain>` reports which plugin decided.

    :param unit: the unit to find a rule set for.
    :param candidates: every registered rule set of the unit's type, ordered by id (whether or
        not its selector matches).
    :returns: one of ``candidates`` (matched by id), or ``None`` to let selectors decide. A rule
        set that is not a candidate raises :class:`~classguide.PluginError` naming the plugin.

    .. versionadded:: 0.1.0

    Example::

        from classguide import hookimpl

        @hookimpl
        def classguide_resolve_ruleset(unit, candidates):
            # Pilot: weak-foundation county organs use the pilot rule set when it is installed.
            if unit.unit_type != "organ" or unit.attributes.get("foundation") != "weak":
                return None
            for ruleset in candidates:
                if ruleset.id == "county-organ-pilot":
                    return ruleset
            return None
    """
    raise NotImplementedError  # pragma: no cover - a specification is never called


@hookspec
def classguide_warning_rules() -> Sequence[WarningRuleSpec]:
    """Register warning rules that run after the core's own on every evaluation.

    Called once when a :class:`~classguide.Guide` is built; the rules are then called on every
    :meth:`Guide.evaluate <classguide.Guide.evaluate>` whose unit type and rule set they apply to
    (see :class:`~classguide.WarningRuleSpec`), in id order. A rule must be a pure function of
    its arguments. A rule that raises makes the evaluation fail with
    :class:`~classguide.PluginError` naming the plugin's distribution and the rule — it is never
    skipped silently. A rule id contributed by two plugins is a conflict naming both.

    This hook takes no arguments.

    :returns: a sequence of :class:`~classguide.WarningRuleSpec` records.

    .. versionadded:: 0.1.0

    Example::

        import classguide as cg
        from classguide import hookimpl

        def _party_below_60(ruleset, evaluation):
            if evaluation.party is not None and evaluation.party < 60:
                yield cg.Warning(
                    level=cg.WarningLevel.ORANGE,
                    code="school.party_below_pass",
                    message=cg.Text(
                        zh=f"党建得分 {evaluation.party:.1f} 低于及格线",
                        en=f"Party-building score {evaluation.party:.1f} is below the pass mark",
                    ),
                )

        @hookimpl
        def classguide_warning_rules():
            return [
                cg.WarningRuleSpec(
                    id="school.party_below_pass",
                    name=cg.Text(zh="党建不及格预警", en="Party building below pass"),
                    rule=_party_below_60,
                    unit_types=("school",),
                )
            ]
    """
    raise NotImplementedError  # pragma: no cover - a specification is never called


@hookspec
def classguide_countermeasures(ruleset: RuleSet) -> Sequence[Countermeasure]:
    """Register countermeasures (整改措施) attached to warnings by category.

    Called once per registered rule set when a :class:`~classguide.Guide` is built. A
    countermeasure's ``category`` is a warning code (``veto``, ``lag``, ``coordination``,
    ``floor``, ``incomplete``, a plugin rule's code) or a disconnect tag (``planning``,
    ``study``, ``carrier``, ``activity``, ``outcome``). Precedence, per category: the rule set's
    own countermeasures, then the plugins' (all plugins' texts, in plugin-name order), then the
    core's defaults. An implementation that does not take ``ruleset`` contributes to **every**
    rule set; take it to target your own (e.g. by ``ruleset.unit_type``).

    :param ruleset: the rule set the countermeasures would be attached to.
    :returns: a sequence of :class:`~classguide.Countermeasure` records (empty for rule sets the
        plugin has nothing for).

    .. versionadded:: 0.1.0

    Example::

        import classguide as cg
        from classguide import hookimpl

        @hookimpl
        def classguide_countermeasures(ruleset):
            if ruleset.unit_type != "hospital":
                return []
            return [
                cg.Countermeasure(
                    category="study",
                    text=cg.Text(
                        zh="把医德医风教育纳入科室政治理论学习",
                        en="Put medical ethics into departments' political study",
                    ),
                )
            ]
    """
    raise NotImplementedError  # pragma: no cover - a specification is never called


@hookspec
def classguide_check_observations(
    unit: Unit, ruleset: RuleSet, observations: Mapping[str, object]
) -> Sequence[str]:
    """Check a unit's observations with sector knowledge before it is evaluated.

    Called on every :meth:`Guide.evaluate <classguide.Guide.evaluate>` (only when some plugin
    implements it), after the unit was checked against its unit type and its rule set was
    chosen. The core already rejects unknown indicator ids and values of the wrong kind; this
    hook is for checks only a sector knows (a count that cannot exceed the number of members, two
    values that must agree). Problems make the evaluation raise
    :class:`~classguide.EvaluationInputError` listing every problem with the plugin that found
    it. Keep it fast: it runs once per evaluated unit.

    :param unit: the unit about to be evaluated.
    :param ruleset: the rule set chosen for it.
    :param observations: indicator id → raw value, exactly as given to ``evaluate``.
    :returns: one message per problem (name the indicator, the value and what was expected); an
        empty sequence when everything is plausible.

    .. versionadded:: 0.1.0

    Example::

        from classguide import hookimpl

        @hookimpl
        def classguide_check_observations(unit, ruleset, observations):
            if ruleset.unit_type != "hospital":
                return []
            problems = []
            beds = observations.get("beds_per_branch")
            if isinstance(beds, (int, float)) and beds > 5000:
                problems.append(
                    f"beds_per_branch={beds!r} is implausible for unit {unit.id!r}; "
                    "expected at most 5000"
                )
            return problems
    """
    raise NotImplementedError  # pragma: no cover - a specification is never called
