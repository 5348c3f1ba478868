"""Collecting what plugins contribute: unit types, rule sets, warning rules, countermeasures.

Registration hooks are called once per plugin, in plugin-name order, and their records checked:
a hook that raises or returns the wrong thing marks its plugin broken (all of its contributions
are dropped and collection starts again without it); an id contributed by two plugins is a
conflict naming both, and neither is used (the core's built-in unit types always win); a rule
set whose unit type or selector does not exist is withheld. Results are ordered by id, so
nothing depends on the order plugins were loaded in.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any, Protocol, TypeVar

import attrs
import pluggy

from classguide.hookcalls import call, ordered_impls
from classguide.hookspecs import WarningRuleSpec
from classguide.model import UnitType
from classguide.plugininfo import CORE_PLUGIN, PluginFailure, PluginOrigin
from classguide.ruleset import Countermeasure, RuleSet

__all__ = ["Contributions", "collect"]

T = TypeVar("T")


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


R = TypeVar("R", bound=_Identified)


@attrs.frozen(kw_only=True)
class Contributions:
    """Everything the active plugins contributed, ordered by id, with who contributed it.

    ``owners`` maps ``(kind, id)`` (kind ``unit_type``, ``ruleset`` or ``warning_rule``) to the
    plugin name; ``countermeasure_owners`` maps a rule-set id to the plugins whose
    countermeasures were attached to it; ``broken`` are plugins to unregister.
    """

    unit_types: dict[str, UnitType]
    rulesets: dict[str, RuleSet]
    warning_rules: dict[str, WarningRuleSpec]
    owners: dict[tuple[str, str], str]
    countermeasure_owners: dict[str, tuple[str, ...]]
    failures: tuple[PluginFailure, ...]
    broken: frozenset[str]


class _BrokenPluginError(Exception):
    def __init__(self, plugin: str, cause: str, hint: str) -> None:
        super().__init__(cause)
        self.plugin, self.cause, self.hint = plugin, cause, hint


def _records(
    hook: str, impl: pluggy.HookImpl, kwargs: Mapping[str, Any], cls: type[T], trace: bool
) -> list[T]:
    try:
        result = call(hook, impl, kwargs, trace=trace)
    except Exception as exc:
        raise _BrokenPluginError(
            impl.plugin_name,
            f"{hook}() raised {type(exc).__name__}: {exc}",
            "this is a defect in the plugin: report it to its authors, or disable the plugin",
        ) from exc
    if result is None:
        return []
    if isinstance(result, (str, bytes, Mapping)) or not hasattr(result, "__iter__"):
        raise _BrokenPluginError(
            impl.plugin_name,
            f"{hook}() returned {type(result).__name__}, not a sequence of {cls.__name__}",
            f"return a list or tuple of classguide.{cls.__name__} records",
        )
    items = list(result)
    for k, item in enumerate(items):
        if not isinstance(item, cls):
            raise _BrokenPluginError(
                impl.plugin_name,
                f"{hook}() returned {type(item).__name__} at position {k}, "
                f"where a {cls.__name__} was expected",
                f"return classguide.{cls.__name__} records only",
            )
    return items


def _gather(
    pm: pluggy.PluginManager,
    hook: str,
    cls: type[T],
    active: frozenset[str],
    trace: bool,
    kwargs: Mapping[str, Any] | None = None,
) -> list[tuple[str, T]]:
    out: list[tuple[str, T]] = []
    for impl in ordered_impls(pm, hook):
        if impl.plugin_name in active:
            out += [(impl.plugin_name, r) for r in _records(hook, impl, kwargs or {}, cls, trace)]
    return out


def _short(origin: PluginOrigin) -> str:
    if origin.distribution:
        return f"{origin.provenance_key} {origin.version or '(no version)'}"
    return f"plugin {origin.name!r}"


def _describe_owners(names: Sequence[str], origins: Mapping[str, PluginOrigin]) -> str:
    return " and ".join(_short(origins[n]) for n in names)


def _dedupe(
    kind: str,
    found: list[tuple[str, R]],
    origins: Mapping[str, PluginOrigin],
    failures: list[PluginFailure],
) -> dict[str, tuple[str, R]]:
    """Records by id; ids from more than one plugin are conflicts (the core's wins)."""
    by_id: dict[str, list[tuple[str, R]]] = {}
    for owner, record in found:
        by_id.setdefault(record.id, []).append((owner, record))
    kept: dict[str, tuple[str, R]] = {}
    for rid in sorted(by_id):
        entries = by_id[rid]
        owners = sorted({o for o, _ in entries})
        if len(entries) == 1:
            kept[rid] = entries[0]
            continue
        core = [e for e in entries if e[0] == CORE_PLUGIN]
        if core:
            kept[rid] = core[0]
        losers = [o for o in owners if o != CORE_PLUGIN]
        both = _describe_owners(owners, origins) + (" more than once" if len(owners) == 1 else "")
        outcome = "the core's is used" if core else "neither is used"
        disable = " or ".join(f"CLASSGUIDE_DISABLE_PLUGINS={o}" for o in losers)
        for owner in losers:
            failures.append(
                PluginFailure.of(
                    origins[owner],
                    stage="conflict",
                    cause=f"{kind} id {rid!r} is contributed by {both}; {outcome}",
                    hint=f"uninstall or disable one of them ({disable}), or rename the id in "
                    "one of them",
                )
            )
    return kept


def _selector_problems(ruleset: RuleSet, unit_type: UnitType) -> list[str]:
    problems = []
    for attr, values in sorted(ruleset.selector.items()):
        spec = unit_type.attribute(attr)
        if spec is None:
            known = ", ".join(a.name for a in unit_type.attributes) or "(none)"
            problems.append(
                f"selector attribute {attr!r} is not an attribute of unit type "
                f"{unit_type.id!r} (known: {known})"
            )
            continue
        if not values:
            problems.append(f"selector attribute {attr!r} allows no value, so nothing matches")
        bad = [v for v in values if v not in spec.values]
        if bad:
            problems.append(
                f"selector {attr} allows {', '.join(map(repr, bad))}, not values of unit type "
                f"{unit_type.id!r} (expected some of {', '.join(spec.values)})"
            )
    return problems


def _check_rulesets(
    kept: dict[str, tuple[str, RuleSet]],
    unit_types: Mapping[str, UnitType],
    origins: Mapping[str, PluginOrigin],
    failures: list[PluginFailure],
) -> dict[str, tuple[str, RuleSet]]:
    valid = {}
    for rid, (owner, rs) in kept.items():
        unit_type = unit_types.get(rs.unit_type)
        if unit_type is None:
            close = difflib.get_close_matches(rs.unit_type, list(unit_types), n=1)
            guess = f"did you mean {close[0]!r}? " if close else ""
            problems = [
                f"its unit type {rs.unit_type!r} is not registered by any loaded plugin "
                f"({guess}known: {', '.join(unit_types)})"
            ]
        else:
            problems = _selector_problems(rs, unit_type)
        if problems:
            failures.append(
                PluginFailure.of(
                    origins[owner],
                    stage="contribution",
                    cause=f"rule set {rid!r} is withheld: " + "; ".join(problems),
                    hint="fix the rule set's unit_type or selector, or install the plugin "
                    "that registers its unit type",
                )
            )
            continue
        valid[rid] = (owner, rs)
    return valid


def _attach_countermeasures(
    pm: pluggy.PluginManager,
    rulesets: dict[str, tuple[str, RuleSet]],
    active: frozenset[str],
    trace: bool,
) -> tuple[dict[str, RuleSet], dict[str, tuple[str, ...]]]:
    out: dict[str, RuleSet] = {}
    owners: dict[str, tuple[str, ...]] = {}
    for rid, (_, rs) in rulesets.items():
        found = _gather(
            pm, "classguide_countermeasures", Countermeasure, active, trace, {"ruleset": rs}
        )
        own = {cm.category for cm in rs.countermeasures}
        extra = [(o, cm) for o, cm in found if cm.category not in own]
        if extra:
            rs = attrs.evolve(rs, countermeasures=rs.countermeasures + tuple(c for _, c in extra))
            owners[rid] = tuple(sorted({o for o, _ in extra}))
        out[rid] = rs
    return out, owners


def _collect_once(
    pm: pluggy.PluginManager,
    origins: Mapping[str, PluginOrigin],
    active: frozenset[str],
    trace: bool,
) -> Contributions:
    failures: list[PluginFailure] = []
    types_found = _gather(pm, "classguide_unit_types", UnitType, active, trace)
    rulesets_found = _gather(pm, "classguide_rulesets", RuleSet, active, trace)
    rules_found = _gather(pm, "classguide_warning_rules", WarningRuleSpec, active, trace)
    types_kept = _dedupe("unit-type", types_found, origins, failures)
    unit_types = {k: v for k, (_, v) in types_kept.items()}
    rulesets_kept = _check_rulesets(
        _dedupe("rule-set", rulesets_found, origins, failures), unit_types, origins, failures
    )
    rules_kept = _dedupe("warning-rule", rules_found, origins, failures)
    for rid, (owner, spec) in list(rules_kept.items()):
        unknown = [t for t in spec.unit_types if t not in unit_types]
        if unknown:
            del rules_kept[rid]
            failures.append(
                PluginFailure.of(
                    origins[owner],
                    stage="contribution",
                    cause=f"warning rule {rid!r} is withheld: its unit_types name unregistered "
                    f"unit type(s) {', '.join(map(repr, unknown))} "
                    f"(known: {', '.join(unit_types)})",
                    hint="fix WarningRuleSpec.unit_types",
                )
            )
    rulesets, cm_owners = _attach_countermeasures(pm, rulesets_kept, active, trace)
    owners = {("unit_type", k): o for k, (o, _) in types_kept.items()}
    owners |= {("ruleset", k): o for k, (o, _) in rulesets_kept.items()}
    owners |= {("warning_rule", k): o for k, (o, _) in rules_kept.items()}
    return Contributions(
        unit_types=unit_types,
        rulesets=rulesets,
        warning_rules={k: v for k, (_, v) in rules_kept.items()},
        owners=owners,
        countermeasure_owners=cm_owners,
        failures=tuple(failures),
        broken=frozenset(),
    )


def collect(
    pm: pluggy.PluginManager, origins: Mapping[str, PluginOrigin], *, trace: bool = False
) -> Contributions:
    """Call the registration hooks of every plugin in ``origins`` and check what they return.

    A plugin whose hook raises or returns the wrong type is reported and left out entirely
    (collection is repeated without it), so a plugin either contributes fully or not at all.
    """
    active = frozenset(origins)
    broken: list[PluginFailure] = []
    while True:
        try:
            result = _collect_once(pm, origins, active, trace)
        except _BrokenPluginError as exc:
            origin = origins[exc.plugin]
            broken.append(PluginFailure.of(origin, stage="hooks", cause=exc.cause, hint=exc.hint))
            active = active - {exc.plugin}
            continue
        return attrs.evolve(
            result,
            failures=(*broken, *result.failures),
            broken=frozenset(f.name for f in broken),
        )
