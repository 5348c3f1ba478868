"""``classguide.Guide``: the plugins a host loaded, and evaluation through them.

A guide owns its own plugin manager (there is no module-level one), so two differently
configured guides live side by side in one process. Building it loads plugins (see
:mod:`classguide.loader` for the environment knobs), collects their contributions once, and
reports every failure; afterwards evaluating a unit costs one cached lookup on top of
:func:`classguide.evaluate`.
"""

from __future__ import annotations

import difflib
import os
import sys
import types
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import attrs
import pluggy

from classguide import default_plugin, loader
from classguide._version import __version__
from classguide.contributions import Contributions, collect
from classguide.diagnosis import WarningRule
from classguide.errors import (
    EvaluationInputError,
    NoRuleSetError,
    PluginConflictError,
    PluginError,
    PluginWarning,
)
from classguide.evaluation import evaluate
from classguide.hookcalls import call, enable_trace_output, ordered_impls
from classguide.hookspecs import WarningRuleSpec
from classguide.loader import (
    PluginSettings,
    given_origins,
    load_entry_point,
    new_plugin_manager,
    register,
    select_entry_points,
)
from classguide.model import Unit, UnitType
from classguide.plugininfo import CORE_PLUGIN, PluginFailure, PluginInfo, PluginOrigin
from classguide.pluginrules import check_observations, guarded_rule
from classguide.results import Evaluation
from classguide.ruleset import RuleSet
from classguide.selection import Explanation, explain_resolved, explain_selection

__all__ = ["Guide"]

_CORE = PluginOrigin(name=CORE_PLUGIN, distribution="classguide", version=__version__, builtin=True)
_Key = tuple[Any, ...]


def _module_file(plugin: object) -> str | None:
    module = (
        plugin
        if isinstance(plugin, types.ModuleType)
        else sys.modules.get((plugin if isinstance(plugin, type) else type(plugin)).__module__)
    )
    return getattr(module, "__file__", None)


class Guide:
    """The loaded plugins and what they contributed; evaluates units against their rule sets.

    ``Guide()`` loads every plugin installed under the entry-point group ``classguide``;
    ``Guide(plugins=[...], autoload=False)`` loads exactly the given plugin objects (modules or
    instances with ``@hookimpl`` functions). The core's default plugin (the built-in unit types)
    is always present. A plugin that fails to load is reported as a :class:`PluginWarning` and
    listed in :attr:`failures`; with ``strict=True`` (or ``CLASSGUIDE_STRICT_PLUGINS=1`` when
    ``strict`` is ``None``) any failure raises :class:`PluginError` instead.
    """

    def __init__(
        self,
        plugins: Iterable[object] | None = None,
        *,
        autoload: bool = True,
        strict: bool | None = None,
    ) -> None:
        settings = PluginSettings.from_environ(os.environ, strict=strict)
        if settings.trace:
            enable_trace_output()
        self._trace = settings.trace
        self._strict = settings.strict
        self._pm = new_plugin_manager()
        self._origins: dict[str, PluginOrigin] = {}
        self._objects: dict[str, object] = {}
        failures: list[PluginFailure] = []
        notes = list(settings.notes)
        self._add(default_plugin, _CORE, failures)
        if autoload:
            selected, select_failures, knob_notes = select_entry_points(
                loader.entry_points_in_group(), settings
            )
            failures += select_failures
            notes += knob_notes
            for ep, origin in selected:
                plugin, failure = load_entry_point(ep, origin)
                if failure is not None:
                    failures.append(failure)
                elif plugin is not None:
                    self._add(plugin, origin, failures)
        given: list[object] = []
        for plugin in plugins or ():
            if not any(plugin is g for g in given):  # the same object twice loads once
                given.append(plugin)
        for plugin, origin in zip(given, given_origins(given), strict=True):
            self._add(plugin, origin, failures)
        self._mark_shared()
        found = collect(self._pm, self._origins, trace=self._trace)
        for name in found.broken:
            self._pm.unregister(name=name)
            del self._origins[name], self._objects[name]
        self.failures: tuple[PluginFailure, ...] = (*failures, *found.failures)
        #: Problems with the environment knobs (unknown plugin names, unreadable values).
        self.notes: tuple[str, ...] = tuple(notes)
        self._report(self.failures, notes)
        self._build(found)

    # -- loading ---------------------------------------------------------------------------

    def _add(self, plugin: object, origin: PluginOrigin, failures: list[PluginFailure]) -> None:
        if self._pm.is_registered(plugin):
            return  # the same object given twice, or given and also installed: load it once
        taken = self._origins.get(origin.name)
        if taken is not None:
            failures.append(
                PluginFailure.of(
                    origin,
                    stage="conflict",
                    cause=f"the plugin name {origin.name!r} is already taken by "
                    f"{taken.describe()}; this one is not loaded",
                    hint="rename the entry point or give a different plugin object",
                )
            )
            return
        errors = register(self._pm, plugin, origin)
        if errors:
            failures += errors
            return
        self._origins[origin.name] = origin
        self._objects[origin.name] = plugin

    def _mark_shared(self) -> None:
        """Plugins whose distribution ships other loaded plugins are named ``dist:name``."""
        count = Counter(o.distribution for o in self._origins.values() if o.distribution)
        for name, origin in self._origins.items():
            if origin.distribution and count[origin.distribution] > 1:
                self._origins[name] = attrs.evolve(origin, shared=True)

    def _report(self, failures: tuple[PluginFailure, ...], notes: list[str]) -> None:
        if self._strict and (failures or notes):
            lines = [str(f) for f in failures] + notes
            cls = (
                PluginConflictError
                if failures and all(f.stage == "conflict" for f in failures)
                else PluginError
            )
            raise cls(
                f"classguide: {len(lines)} plugin problem(s) in strict mode:\n"
                + "\n".join(f"- {line}" for line in lines),
                failures=failures,
            )
        for failure in failures:
            warnings.warn(f"classguide: {failure}", PluginWarning, stacklevel=3)
        for note in notes:
            warnings.warn(f"classguide: {note}", PluginWarning, stacklevel=3)

    def _build(self, found: Contributions) -> None:
        origins = self._origins
        self._unit_types: Mapping[str, UnitType] = types.MappingProxyType(found.unit_types)
        self._rulesets: Mapping[str, RuleSet] = types.MappingProxyType(found.rulesets)
        self._warning_rules: Mapping[str, WarningRuleSpec] = types.MappingProxyType(
            found.warning_rules
        )
        self._owners = found.owners
        by_type: dict[str, list[tuple[RuleSet, str]]] = {}
        for rid, rs in found.rulesets.items():
            owner = origins[found.owners[("ruleset", rid)]].provenance_key
            by_type.setdefault(rs.unit_type, []).append((rs, owner))
        self._by_type = {t: tuple(c) for t, c in by_type.items()}
        self._selector_attrs = {
            t: tuple(sorted({a for rs, _ in c for a in rs.selector})) for t, c in by_type.items()
        }
        self._resolvers = ordered_impls(self._pm, "classguide_resolve_ruleset")
        self._checkers = ordered_impls(self._pm, "classguide_check_observations")
        guarded = {
            rid: guarded_rule(spec, origins[found.owners[("warning_rule", rid)]])
            for rid, spec in found.warning_rules.items()
        }
        self._rules_for: dict[str, tuple[tuple[str, WarningRule], ...]] = {}
        self._provenance_for: dict[str, dict[str, str]] = {}
        always = {c.plugin_name for c in self._checkers}
        for rid, rs in found.rulesets.items():
            applicable = [
                r
                for r, spec in found.warning_rules.items()
                if (not spec.unit_types or rs.unit_type in spec.unit_types)
                and (not spec.rulesets or rid in spec.rulesets)
            ]
            self._rules_for[rid] = tuple((r, guarded[r]) for r in applicable)
            names = {found.owners[("ruleset", rid)], found.owners[("unit_type", rs.unit_type)]}
            names |= {found.owners[("warning_rule", r)] for r in applicable}
            names |= set(found.countermeasure_owners.get(rid, ())) | always
            names.discard(CORE_PLUGIN)
            keys = sorted(
                (origins[n].provenance_key, origins[n].version or "unknown") for n in names
            )
            self._provenance_for[rid] = dict(keys)
        self._chosen: dict[_Key, RuleSet] = {}
        self._ready: dict[_Key, tuple[RuleSet, tuple[tuple[str, WarningRule], ...]]] = {}
        self.plugins: tuple[PluginInfo, ...] = tuple(self._info(name) for name in sorted(origins))

    def _info(self, name: str) -> PluginInfo:
        origin, plugin = self._origins[name], self._objects[name]

        def mine(kind: str) -> tuple[str, ...]:
            return tuple(sorted(i for (k, i), o in self._owners.items() if k == kind and o == name))

        return PluginInfo(
            name=name,
            distribution=origin.distribution,
            version=origin.version,
            entry_point=origin.entry_point,
            module=_module_file(plugin),
            builtin=origin.builtin,
            hooks=sorted(h.name for h in self._pm.get_hookcallers(plugin) or ()),
            unit_types=mine("unit_type"),
            rulesets=mine("ruleset"),
            warning_rules=mine("warning_rule"),
        )

    # -- what is loaded ----------------------------------------------------------------------

    @property
    def strict(self) -> bool:
        """Whether load failures raise instead of warning."""
        return self._strict

    @property
    def unit_types(self) -> Mapping[str, UnitType]:
        """Registered unit types by id, ordered by id (read-only)."""
        return self._unit_types

    @property
    def rulesets(self) -> Mapping[str, RuleSet]:
        """Registered rule sets by id, ordered by id, with plugins' countermeasures attached."""
        return self._rulesets

    @property
    def warning_rules(self) -> Mapping[str, WarningRuleSpec]:
        """Plugins' warning rules by id, ordered by id."""
        return self._warning_rules

    @property
    def plugin_manager(self) -> pluggy.PluginManager:
        """This guide's own pluggy plugin manager (for introspection; do not register on it)."""
        return self._pm

    def provenance(self, ruleset_id: str) -> Mapping[str, str]:
        """Distribution → version of the plugins behind evaluations with rule set ``ruleset_id``."""
        return dict(self._provenance_for[ruleset_id])

    # -- selection ---------------------------------------------------------------------------

    def _selection_key(self, unit: Unit) -> _Key:
        if self._resolvers:
            return unit.key()
        names = self._selector_attrs.get(unit.unit_type, ())
        get = unit.attributes.get
        return (unit.unit_type, *(get(a) for a in names))

    def _unknown_type(self, unit: Unit) -> str:
        close = difflib.get_close_matches(unit.unit_type, list(self._unit_types), n=1)
        guess = f"did you mean {close[0]!r}? " if close else ""
        return (
            f"unit {unit.id!r} has unit type {unit.unit_type!r}, which no loaded plugin "
            f"registers ({guess}known: {', '.join(self._unit_types)})"
        )

    def explain(self, unit: Unit) -> Explanation:
        """Which rule set ``unit`` gets, why, and why every other candidate lost.

        Raises :class:`~classguide.NoRuleSetError` or :class:`~classguide.AmbiguousRuleSetError`
        (their messages list the candidates) when no single rule set can be chosen.
        """
        if unit.unit_type not in self._unit_types:
            raise NoRuleSetError(self._unknown_type(unit))
        candidates = self._by_type.get(unit.unit_type, ())
        kwargs = {"unit": unit, "candidates": tuple(rs for rs, _ in candidates)}
        ids = {rs.id for rs, _ in candidates}
        for impl in self._resolvers:
            origin = self._origins[impl.plugin_name]
            try:
                answer = call("classguide_resolve_ruleset", impl, kwargs, trace=self._trace)
            except Exception as exc:
                raise PluginError(
                    f"classguide_resolve_ruleset of {origin.describe()} raised "
                    f"{type(exc).__name__}: {exc} for unit {unit.id!r}"
                ) from exc
            if answer is None:
                continue
            if not isinstance(answer, RuleSet) or answer.id not in ids:
                raise PluginError(
                    f"classguide_resolve_ruleset of {origin.describe()} returned {answer!r} "
                    f"for unit {unit.id!r}; expected one of the candidates "
                    f"({', '.join(sorted(ids)) or 'none'}) or None"
                )
            return explain_resolved(unit, candidates, answer.id, origin.provenance_key)
        return explain_selection(unit, candidates)

    def ruleset_for(self, unit: Unit) -> RuleSet:
        """The rule set ("lock") for ``unit`` ("key"): cached per type and selector attributes."""
        key = self._selection_key(unit)
        hit = self._chosen.get(key)
        if hit is None:
            hit = self._rulesets[self.explain(unit).ruleset]
            self._chosen[key] = hit
        return hit

    # -- evaluation --------------------------------------------------------------------------

    def _prepare(
        self, unit: Unit, key: _Key
    ) -> tuple[RuleSet, tuple[tuple[str, WarningRule], ...]]:
        unit_type = self._unit_types.get(unit.unit_type)
        if unit_type is None:
            raise EvaluationInputError(self._unknown_type(unit))
        problems = unit_type.check(unit)
        if problems:
            raise EvaluationInputError(
                f"unit {unit.id!r} does not fit its unit type {unit.unit_type!r}:\n"
                + "\n".join(f"  {p}" for p in problems)
            )
        ruleset = self.ruleset_for(unit)
        ready = (ruleset, self._rules_for[ruleset.id])
        self._ready[key] = ready
        return ready

    def evaluate(
        self, unit: Unit, observations: Mapping[str, object], *, period: str | None = None
    ) -> Evaluation:
        """Check ``unit`` against its type, choose its rule set and evaluate it.

        Plugins' warning rules run after the core's; plugins' observation checks run first
        (only when some plugin implements them); the provenance records the distributions and
        versions of the plugins behind the result. See :func:`classguide.evaluate`.
        """
        key = unit.key()
        ready = self._ready.get(key)
        if ready is None:
            ready = self._prepare(unit, key)
        ruleset, rules = ready
        if self._checkers:
            check_observations(
                self._checkers, self._origins, unit, ruleset, observations, trace=self._trace
            )
        return evaluate(
            ruleset,
            unit,
            observations,
            period=period,
            rules=rules,
            plugins=self._provenance_for[ruleset.id],
        )

    def __repr__(self) -> str:
        return (
            f"<Guide: {len(self.plugins)} plugin(s), {len(self._unit_types)} unit type(s), "
            f"{len(self._rulesets)} rule set(s), {len(self.failures)} failure(s)>"
        )
