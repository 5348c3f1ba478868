"""The contract suite: it passes on a sound plugin and catches each broken property.

Each property is broken either in the plugin's rule set (data) or, for properties the core
guarantees, by a "lying" guide that tampers with evaluations — the contract must notice either.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

import attrs
import pytest
from hypothesis import Phase, settings

import classguide as cg
from classguide.demo import example_ruleset
from classguide.testing import ContractViolation, RuleSetContract, guide_for, load_plugin


class _Plugin:
    """A plugin object contributing the given rule sets."""

    def __init__(self, *rulesets: cg.RuleSet) -> None:
        self.rulesets = rulesets

    @cg.hookimpl
    def classguide_rulesets(self) -> list[cg.RuleSet]:
        return list(self.rulesets)


def _with(rs: cg.RuleSet, k: int, **changes: Any) -> cg.RuleSet:
    inds = list(rs.indicators)
    inds[k] = attrs.evolve(inds[k], **changes)
    return attrs.evolve(rs, indicators=inds)


class TestExampleRuleSetKeepsTheContract(RuleSetContract):
    """The core's example rule set, as a plugin object, passes the whole suite."""

    max_examples = 25

    @pytest.fixture
    def plugin(self) -> object:
        return _Plugin(example_ruleset())


class _Quick(RuleSetContract):
    """The suite without shrinking: these tests only need to see that a failure is caught."""

    max_examples = 25

    def _settings(self) -> settings:
        return settings(super()._settings(), phases=[Phase.generate], database=None)


def _violation(test: str, guide: Any, suite: RuleSetContract | None = None, **kw: Any) -> str:
    suite = suite or _Quick()
    with pytest.raises(ContractViolation) as info:
        getattr(suite, test)(guide, **kw)
    return str(info.value)


# --- broken rule sets -----------------------------------------------------------------------


def test_weights_not_summing_to_one_name_the_path() -> None:
    rs = _with(example_ruleset(), 0, weight=0.9)
    text = _violation("test_ruleset_validates", guide_for(_Plugin(rs)))
    assert "indicators[0].weight" in text
    assert "example-organ v1.0" in text
    assert "规则集通过校验" in text


def test_floor_above_target_names_the_path() -> None:
    rs = _with(example_ruleset(), 4, floor=1.0, target=0.9)
    text = _violation("test_ruleset_validates", guide_for(_Plugin(rs)))
    assert "indicators[4].floor" in text


def test_indicator_without_source_names_the_path() -> None:
    rs = _with(example_ruleset(), 2, source=None)
    text = _violation("test_every_indicator_cited_and_named", guide_for(_Plugin(rs)))
    assert "indicators[2].source (study_hours): cites no source" in text


def test_indicator_without_english_name_is_reported() -> None:
    rs = _with(example_ruleset(), 1, name=cg.Text(zh="只有中文"))
    text = _violation("test_every_indicator_cited_and_named", guide_for(_Plugin(rs)))
    assert "indicators[1].name" in text


def test_selector_with_unknown_value_stops_the_guide() -> None:
    """The contract's guide is strict: a rule set the Guide withholds fails loudly."""
    rs = attrs.evolve(example_ruleset(), selector={"level": ("galactic",)})
    with pytest.raises(cg.PluginError, match=r"example-organ.*galactic"):
        guide_for(_Plugin(rs))


def test_plugin_without_rulesets_is_reported() -> None:
    text = _violation("test_plugin_contributes_rulesets", guide_for(_Plugin()))
    assert "at least one rule set" in text


def test_partial_coverage_fails_unless_declared() -> None:
    county = attrs.evolve(example_ruleset(), selector={"level": ("county",)})
    plugin = _Plugin(county)
    text = _violation("test_units_resolve_to_one_ruleset", guide_for(plugin), plugin=plugin)
    assert "no rule set" in text

    class Partial(_Quick):
        covers_whole_unit_types = False

    Partial().test_units_resolve_to_one_ruleset(guide_for(plugin), plugin)


def test_ambiguous_selectors_are_reported() -> None:
    base = example_ruleset()
    a = attrs.evolve(base, id="a", selector={"level": ("county", "municipal")})
    b = attrs.evolve(base, id="b", selector={"level": ("county",)})
    c = attrs.evolve(base, id="c", selector={"foundation": ("weak",)})
    plugin = _Plugin(a, b, c)
    text = _violation("test_units_resolve_to_one_ruleset", guide_for(plugin), plugin=plugin)
    assert "ambiguous" in text


def test_shadowed_ruleset_is_reported() -> None:
    base = example_ruleset()
    everything = attrs.evolve(
        base, id="specific", selector={"level": ("central", "provincial", "municipal", "county")}
    )
    plugin = _Plugin(attrs.evolve(base, id="general"), everything)
    text = _violation("test_units_resolve_to_one_ruleset", guide_for(plugin), plugin=plugin)
    assert "general is chosen for no unit" in text


# --- properties the core guarantees, broken by a lying guide ---------------------------------


class _Lying:
    """A guide whose evaluations are tampered with by ``tamper(evaluation, observations)``."""

    def __init__(self, tamper: Any) -> None:
        self._guide = guide_for(_Plugin(example_ruleset()))
        self._tamper = tamper
        self.unit_types = self._guide.unit_types
        self.rulesets = self._guide.rulesets

    def ruleset_for(self, unit: cg.Unit) -> cg.RuleSet:
        return self._guide.ruleset_for(unit)  # type: ignore[no-any-return]

    def evaluate(self, unit: cg.Unit, observations: Mapping[str, object]) -> cg.Evaluation:
        return self._tamper(self._guide.evaluate(unit, observations), observations)  # type: ignore[no-any-return]


def test_out_of_range_score_is_caught() -> None:
    guide = _Lying(lambda ev, obs: attrs.evolve(ev, score=120.0))
    text = _violation("test_scores_bounded", guide)
    assert "S = 120.0" in text
    assert "observations 数据:" in text
    assert "unit 单位:" in text


def test_non_monotone_scoring_is_caught() -> None:
    def invert(ev: cg.Evaluation, obs: Mapping[str, object]) -> cg.Evaluation:
        return ev if ev.score is None else attrs.evolve(ev, score=100.0 - ev.score)

    text = _violation("test_raising_an_indicator_never_lowers_scores", _Lying(invert))
    assert "raised " in text
    assert "S:" in text


def test_grading_incomplete_data_is_caught() -> None:
    guide = _Lying(lambda ev, obs: attrs.evolve(ev, grade="good", warnings=()))
    text = _violation("test_incomplete_data_never_graded", guide)
    assert "observed weight share" in text


def test_silent_floor_violation_is_caught() -> None:
    guide = _Lying(lambda ev, obs: attrs.evolve(ev, warnings=()))
    text = _violation("test_every_floor_violation_warned", guide)
    assert "no warning" in text


def test_veto_that_improves_the_grade_is_caught() -> None:
    guide = _Lying(lambda ev, obs: ev if ev.grade is None else attrs.evolve(ev, grade="good"))
    text = _violation("test_veto_never_improves_grade", guide)
    assert "better than" in text


def test_nondeterminism_is_caught() -> None:
    counter = itertools.count()
    guide = _Lying(lambda ev, obs: attrs.evolve(ev, period=str(next(counter))))
    text = _violation(
        "test_deterministic_and_json_round_trip", guide, plugin=_Plugin(example_ruleset())
    )
    assert "differs" in text


def test_accepting_invalid_values_is_caught() -> None:
    def swallow(ev: cg.Evaluation, obs: Mapping[str, object]) -> cg.Evaluation:
        return ev

    class Lenient(_Lying):
        def evaluate(self, unit: cg.Unit, observations: Mapping[str, object]) -> cg.Evaluation:
            by_id = {i.id: i for i in example_ruleset().indicators}
            clean = {}
            for k, v in observations.items():
                try:
                    cg.scales.raw_number(by_id[k], v)
                except cg.EvaluationInputError:
                    continue
                clean[k] = v
            return super().evaluate(unit, clean)

    text = _violation("test_invalid_values_rejected", Lenient(swallow))
    assert "were accepted" in text


# --- naming a plugin ------------------------------------------------------------------------


def test_unknown_plugin_name_lists_what_is_installed() -> None:
    with pytest.raises(cg.PluginError, match="no installed plugin called 'no-such-plugin'"):
        load_plugin("no-such-plugin")


def test_unoverridden_plugin_fixture_says_what_to_do() -> None:
    fixture = RuleSetContract.plugin.__wrapped__  # type: ignore[attr-defined]
    with pytest.raises(NotImplementedError, match="override the `plugin` fixture"):
        fixture(RuleSetContract())
