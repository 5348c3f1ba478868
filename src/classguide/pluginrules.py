"""Plugin warning rules made safe to run inside an evaluation, and observation checks.

A plugin's rule is wrapped once, when the guide is built: the wrapper names the plugin's
distribution and the rule if the rule raises or returns something that is not a warning (it is
never skipped silently), stamps the rule's id on the warnings it returns, and attaches the rule
set's countermeasures for the warning's code to warnings that come without any.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs
import pluggy

from classguide.diagnosis import WarningRule, countermeasures_for
from classguide.errors import EvaluationInputError, PluginError
from classguide.hookcalls import call
from classguide.hookspecs import WarningRuleSpec
from classguide.model import Unit
from classguide.plugininfo import PluginOrigin
from classguide.results import Evaluation
from classguide.results import Warning as EarlyWarning
from classguide.ruleset import RuleSet

__all__ = ["check_observations", "guarded_rule"]


def guarded_rule(spec: WarningRuleSpec, origin: PluginOrigin) -> WarningRule:
    """``spec.rule`` wrapped so that failures raise :class:`PluginError` naming the plugin."""
    rule = spec.rule
    rule_id = spec.id

    def fail(ruleset: RuleSet, draft: Evaluation, what: str) -> PluginError:
        return PluginError(
            f"warning rule {rule_id!r} of {origin.describe()} {what} while evaluating unit "
            f"{draft.unit.id!r} with rule set {ruleset.id!r}. Report it to the plugin's "
            f"authors, or disable the plugin (CLASSGUIDE_DISABLE_PLUGINS={origin.name})."
        )

    def run(ruleset: RuleSet, draft: Evaluation) -> Iterable[EarlyWarning]:
        try:
            found = list(rule(ruleset, draft))
        except Exception as exc:
            raise fail(ruleset, draft, f"raised {type(exc).__name__}: {exc}") from exc
        out = []
        for item in found:
            if not isinstance(item, EarlyWarning):
                raise fail(
                    ruleset, draft, f"returned a {type(item).__name__}, not a classguide.Warning"
                )
            if item.rule == "core":
                item = attrs.evolve(item, rule=rule_id)
            if not item.countermeasures:
                measures = countermeasures_for(ruleset, item.code)
                if measures:
                    item = attrs.evolve(item, countermeasures=measures)
            out.append(item)
        return out

    return run


def check_observations(
    impls: Sequence[pluggy.HookImpl],
    origins: Mapping[str, PluginOrigin],
    unit: Unit,
    ruleset: RuleSet,
    observations: Mapping[str, object],
    *,
    trace: bool,
) -> None:
    """Run every plugin's observation check; raise :class:`EvaluationInputError` on problems."""
    kwargs = {"unit": unit, "ruleset": ruleset, "observations": observations}
    problems: list[str] = []
    for impl in impls:
        origin = origins[impl.plugin_name]
        try:
            found = call("classguide_check_observations", impl, kwargs, trace=trace)
        except Exception as exc:
            raise PluginError(
                f"classguide_check_observations of {origin.describe()} raised "
                f"{type(exc).__name__}: {exc} for unit {unit.id!r}. Report it to the plugin's "
                f"authors, or disable the plugin (CLASSGUIDE_DISABLE_PLUGINS={origin.name})."
            ) from exc
        if found is None:
            continue
        if isinstance(found, str) or not all(isinstance(p, str) for p in found):
            raise PluginError(
                f"classguide_check_observations of {origin.describe()} returned "
                f"{found!r}; expected a sequence of problem messages (str)"
            )
        problems += [f"{p} (checked by {origin.provenance_key})" for p in found]
    if problems:
        raise EvaluationInputError(
            f"observations of unit {unit.id!r} for rule set {ruleset.id!r} failed "
            f"{len(problems)} plugin check(s):\n" + "\n".join(f"  {p}" for p in problems)
        )
