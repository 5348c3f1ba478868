"""``classguide.Guide`` with plugin objects: contributions, selection, evaluation, isolation."""

from __future__ import annotations

import attrs
import pytest

import classguide as cg
from classguide import loader
from classguide.unittypes import BUILTIN_UNIT_TYPES
from fake_plugins import THING, RecordsPlugin, organ, ruleset

OBS = {"p1": 0.9, "b1": 0.5}


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in (loader.ENV_ONLY, loader.ENV_DISABLE, loader.ENV_STRICT, loader.ENV_TRACE):
        monkeypatch.delenv(var, raising=False)


def guide(*plugins: object) -> cg.Guide:
    return cg.Guide(plugins=list(plugins), autoload=False, strict=True)


def test_core_default_plugin_is_always_there() -> None:
    g = guide()
    assert tuple(g.unit_types.values()) == tuple(sorted(BUILTIN_UNIT_TYPES, key=lambda t: t.id))
    (core,) = g.plugins
    assert core.builtin and core.name == "core" and core.distribution == "classguide"
    assert core.hooks == ("classguide_unit_types",)
    assert g.rulesets == {}


def test_mappings_are_ordered_by_id_and_read_only() -> None:
    g = guide(
        RecordsPlugin(rulesets=(ruleset("zeta", selector={"level": ("central",)}),)),
        RecordsPlugin(rulesets=(ruleset("alpha"),), unit_types=(THING,)),
    )
    assert list(g.rulesets) == ["alpha", "zeta"]
    assert list(g.unit_types) == ["hospital", "organ", "school", "soe", "thing", "university"]
    with pytest.raises(TypeError):
        g.rulesets["x"] = ruleset("x")  # type: ignore[index]


def test_evaluate_equals_the_core_with_provenance() -> None:
    rs = ruleset("organ-all")
    g = guide(RecordsPlugin(rulesets=(rs,)))
    unit = organ()
    ev = g.evaluate(unit, OBS, period="2025")
    core = cg.evaluate(
        rs, unit, OBS, period="2025", plugins={"fake_plugins.RecordsPlugin": "unknown"}
    )
    assert ev == core
    assert ev.provenance.plugins == {"fake_plugins.RecordsPlugin": "unknown"}
    assert g.provenance("organ-all") == {"fake_plugins.RecordsPlugin": "unknown"}


def test_evaluate_checks_the_unit_against_its_type() -> None:
    g = guide(RecordsPlugin(rulesets=(ruleset("organ-all"),)))
    with pytest.raises(cg.EvaluationInputError, match="level='city' is not allowed"):
        g.evaluate(organ(level="city"), OBS)
    with pytest.raises(cg.EvaluationInputError, match="unknown attribute 'colour'"):
        g.evaluate(organ(colour="red"), OBS)
    bad_type = cg.Unit(id="u", name="u", unit_type="hospitl", attributes={})
    with pytest.raises(cg.EvaluationInputError, match="did you mean 'hospital'"):
        g.evaluate(bad_type, OBS)
    with pytest.raises(cg.NoRuleSetError, match="did you mean 'hospital'"):
        g.ruleset_for(bad_type)
    with pytest.raises(cg.NoRuleSetError, match="no rule set is registered for unit type 'school'"):
        g.ruleset_for(cg.Unit(id="s", name="s", unit_type="school", attributes={}))


def _low_business(rs: cg.RuleSet, ev: cg.Evaluation) -> list[cg.Warning]:
    if ev.business is not None and ev.business < 80:
        return [
            cg.Warning(
                level=cg.WarningLevel.BLUE,
                code="test.low_business",
                message=cg.Text(zh="业务偏低", en="business low"),
            )
        ]
    return []


def test_plugin_warning_rules_run_and_are_stamped() -> None:
    spec = cg.WarningRuleSpec(id="test.low", name=cg.Text(zh="低"), rule=_low_business)
    school_only = cg.WarningRuleSpec(
        id="test.school", name=cg.Text(zh="校"), rule=_low_business, unit_types=("school",)
    )
    g = guide(RecordsPlugin(rulesets=(ruleset("organ-all"),), rules=(spec, school_only)))
    assert list(g.warning_rules) == ["test.low", "test.school"]
    ev = g.evaluate(organ(), OBS)
    mine = [w for w in ev.warnings if w.code == "test.low_business"]
    assert [w.rule for w in mine] == ["test.low"]  # the school-only rule did not run
    assert g.plugins[1].warning_rules == ("test.low", "test.school")


def test_a_warning_rule_that_raises_names_the_plugin_and_rule() -> None:
    def broken(rs: cg.RuleSet, ev: cg.Evaluation) -> list[cg.Warning]:
        raise ZeroDivisionError("division by zero")

    spec = cg.WarningRuleSpec(id="test.broken", name=cg.Text(zh="坏"), rule=broken)
    g = guide(RecordsPlugin(rulesets=(ruleset("organ-all"),), rules=(spec,)))
    with pytest.raises(cg.PluginError) as info:
        g.evaluate(organ(), OBS)
    text = str(info.value)
    assert "'test.broken'" in text and "fake_plugins.RecordsPlugin" in text
    assert "ZeroDivisionError" in text and "unit 'u1'" in text
    assert isinstance(info.value.__cause__, ZeroDivisionError)

    def wrong(rs: cg.RuleSet, ev: cg.Evaluation) -> list[str]:
        return ["not a warning"]

    spec = cg.WarningRuleSpec(id="test.wrong", name=cg.Text(zh="错"), rule=wrong)
    g = guide(RecordsPlugin(rulesets=(ruleset("organ-all"),), rules=(spec,)))
    with pytest.raises(cg.PluginError, match=r"returned a str, not a classguide\.Warning"):
        g.evaluate(organ(), OBS)


class Checker:
    def __init__(self) -> None:
        self.calls = 0

    @cg.hookimpl
    def classguide_check_observations(self, unit, observations):  # type: ignore[no-untyped-def]
        self.calls += 1
        value = observations.get("p1")
        if isinstance(value, float) and value > 0.99:
            return [f"p1={value} is implausible for unit {unit.id}"]
        return []


def test_observation_checks_report_problems_with_the_plugin() -> None:
    checker = Checker()
    g = guide(RecordsPlugin(rulesets=(ruleset("organ-all"),)), checker)
    g.evaluate(organ(), OBS)
    assert checker.calls == 1
    with pytest.raises(cg.EvaluationInputError) as info:
        g.evaluate(organ(), {"p1": 1.0, "b1": 0.5})
    assert "p1=1.0 is implausible for unit u1 (checked by test_guide.Checker)" in str(info.value)
    # the checker contributes to the provenance
    assert "test_guide.Checker" in g.provenance("organ-all")


def test_observation_check_that_raises_is_a_plugin_error() -> None:
    class Raising:
        @cg.hookimpl
        def classguide_check_observations(self):  # type: ignore[no-untyped-def]
            raise ValueError("no")

    g = guide(RecordsPlugin(rulesets=(ruleset("organ-all"),)), Raising())
    with pytest.raises(cg.PluginError, match="classguide_check_observations of plugin"):
        g.evaluate(organ(), OBS)


class Countermeasures:
    @cg.hookimpl
    def classguide_countermeasures(self, ruleset):  # type: ignore[no-untyped-def]
        if ruleset.id != "organ-all":
            return []
        return [
            cg.Countermeasure(category="floor", text=cg.Text(zh="插件措施", en="plugin measure")),
            cg.Countermeasure(category="lag", text=cg.Text(zh="被覆盖", en="overridden")),
        ]


class GlobalCountermeasures:
    @cg.hookimpl
    def classguide_countermeasures(self):  # type: ignore[no-untyped-def]
        return [cg.Countermeasure(category="veto", text=cg.Text(zh="全局", en="global"))]


def test_countermeasures_attach_per_rule_set_with_the_rule_set_first() -> None:
    own = cg.Countermeasure(category="lag", text=cg.Text(zh="规则集自有", en="own"))
    rs = attrs.evolve(ruleset("organ-all"), countermeasures=(own,))
    other = ruleset("school-all", unit_type="school")
    g = guide(RecordsPlugin(rulesets=(rs, other)), Countermeasures(), GlobalCountermeasures())
    attached = {(c.category, c.text.en) for c in g.rulesets["organ-all"].countermeasures}
    assert attached == {("lag", "own"), ("floor", "plugin measure"), ("veto", "global")}
    assert {c.category for c in g.rulesets["school-all"].countermeasures} == {"veto"}
    ev = g.evaluate(organ(), {"p1": 0.3, "b1": 0.95})
    floors = [w for w in ev.warnings if w.code == "floor"]
    assert floors and floors[0].countermeasures == (cg.Text(zh="插件措施", en="plugin measure"),)
    assert set(g.provenance("organ-all")) == {
        "fake_plugins.RecordsPlugin",
        "test_guide.Countermeasures",
        "test_guide.GlobalCountermeasures",
    }


class Resolver:
    def __init__(self, answer: str | None) -> None:
        self.answer = answer
        self.calls = 0

    @cg.hookimpl
    def classguide_resolve_ruleset(self, candidates):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.answer is None:
            return None
        if self.answer == "foreign":
            return ruleset("foreign")
        return next(rs for rs in candidates if rs.id == self.answer)


def test_resolver_decides_first_and_is_cached_per_unit_key() -> None:
    resolver = Resolver("pilot")
    records = RecordsPlugin(
        rulesets=(ruleset("county", selector={"level": ("county",)}), ruleset("pilot"))
    )
    g = guide(records, resolver)
    assert g.ruleset_for(organ("u1")).id == "pilot"
    assert g.ruleset_for(organ("u2")).id == "pilot"  # same key: cached
    assert resolver.calls == 1
    g.ruleset_for(organ("u3", foundation="weak"))
    assert resolver.calls == 2
    ex = g.explain(organ())
    assert (ex.decided_by, ex.resolver, ex.ruleset) == ("resolver", "test_guide.Resolver", "pilot")
    assert "selectors were not compared" in ex.others[0].reason("en")


def test_resolver_returning_none_leaves_it_to_selectors_and_foreign_is_an_error() -> None:
    records = RecordsPlugin(rulesets=(ruleset("county", selector={"level": ("county",)}),))
    assert guide(records, Resolver(None)).ruleset_for(organ()).id == "county"
    with pytest.raises(cg.PluginError, match="expected one of the candidates"):
        guide(records, Resolver("foreign")).ruleset_for(organ())


def test_ruleset_for_is_cached_on_selector_attributes_only() -> None:
    g = guide(RecordsPlugin(rulesets=(ruleset("county", selector={"level": ("county",)}),)))
    first = g.ruleset_for(organ("a", foundation="weak"))
    assert g.ruleset_for(organ("b", foundation="advanced")) is first
    assert len(g._chosen) == 1


def test_two_guides_coexist_with_different_plugins() -> None:
    a = guide(RecordsPlugin(rulesets=(ruleset("a-rules"),)))
    b = guide(RecordsPlugin(rulesets=(ruleset("b-rules"),)))
    assert a.ruleset_for(organ()).id == "a-rules"
    assert b.ruleset_for(organ()).id == "b-rules"
    assert a.plugin_manager is not b.plugin_manager


def test_same_object_twice_loads_once_and_instances_get_distinct_names() -> None:
    records = RecordsPlugin(rulesets=(ruleset("x"),))
    g = guide(
        records, records, RecordsPlugin(rulesets=(ruleset("y", selector={"level": ("central",)}),))
    )
    names = [p.name for p in g.plugins if not p.builtin]
    assert names == ["fake_plugins.RecordsPlugin", "fake_plugins.RecordsPlugin#2"]


def test_module_plugin_is_listed_with_its_file() -> None:
    import fake_plugins

    g = guide(fake_plugins)  # a module with no hooks registers, contributing nothing
    (info,) = [p for p in g.plugins if not p.builtin]
    assert info.name == "fake_plugins" and info.module == fake_plugins.__file__
    assert info.hooks == ()
