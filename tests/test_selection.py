"""Choosing a unit's rule set: examples, and properties over random selectors and units.

Properties: the choice never depends on the order candidates (or the plugins contributing them)
come in; the winner matches and is strictly the most specific match; two equally specific
matches are always reported as ambiguous, no match always as no rule set.
"""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import classguide as cg
from classguide.selection import explain_selection, format_selector
from fake_plugins import THING, RecordsPlugin, organ, ruleset

ATTRS = ("a", "b", "c")
VALUES = ("x", "y", "z")


def test_most_specific_selector_wins_and_explains_why() -> None:
    candidates = [
        (ruleset("all"), "dist-a"),
        (ruleset("county", selector={"level": ("county",)}), "dist-b"),
        (
            ruleset("county-weak", selector={"level": ("county",), "foundation": ("weak",)}),
            "dist-c",
        ),
        (ruleset("city", selector={"level": ("municipal",)}), "dist-d"),
    ]
    ex = explain_selection(organ(foundation="weak"), candidates)
    assert (ex.ruleset, ex.plugin, ex.specificity, ex.decided_by) == (
        "county-weak",
        "dist-c",
        2,
        "selector",
    )
    assert ex.selector == {"level": ("county",), "foundation": ("weak",)}
    assert "more than any other matching rule set" in ex.reason("en")
    reasons = {c.ruleset: (c.matches, c.reason("en")) for c in ex.others}
    assert reasons["all"] == (
        True,
        "its selector also matches but constrains only 0 attribute(s), fewer than the 2 of "
        "county-weak",
    )
    assert reasons["city"] == (
        False,
        "selector does not match: level=county is not one of {municipal}",
    )
    assert [c.ruleset for c in ex.others] == ["all", "city", "county"]
    assert "规则集 county-weak" in ex.render("zh")
    assert "× city v1" in str(ex)


def test_only_match_and_missing_attribute_reasons() -> None:
    unit = cg.Unit(id="t", name="t", unit_type="thing", attributes={"a": "x"})
    ex = explain_selection(
        unit,
        [(ruleset("ax", "thing", {"a": ("x",)}), "p"), (ruleset("b", "thing", {"b": ("y",)}), "q")],
    )
    assert ex.ruleset == "ax"
    assert "no other rule set does" in ex.reason("en")
    assert ex.others[0].reason("en") == "selector does not match: the unit has no attribute 'b'"
    assert ex.others[0].reason("zh") == "选择器不匹配：单位缺少属性 b"


def test_ambiguity_names_both_rule_sets_and_their_plugins() -> None:
    candidates = [
        (ruleset("one", selector={"level": ("county",)}), "classguide-one"),
        (ruleset("two", selector={"foundation": ("standard",)}), "classguide-two"),
    ]
    with pytest.raises(cg.AmbiguousRuleSetError) as info:
        explain_selection(organ(), candidates)
    text = str(info.value)
    assert "'one' and 'two'" in text
    assert "from classguide-one" in text and "from classguide-two" in text
    assert "classguide_resolve_ruleset" in text


def test_no_match_lists_rule_sets_of_the_type_and_the_attributes() -> None:
    candidates = [(ruleset("city", selector={"level": ("municipal", "provincial")}), "d")]
    with pytest.raises(cg.NoRuleSetError) as info:
        explain_selection(organ(), candidates)
    text = str(info.value)
    assert "attributes: foundation=standard, level=county" in text
    assert "city v1 [level ∈ {municipal, provincial}] from d" in text
    assert "level=county is not one of {municipal, provincial}" in text
    with pytest.raises(cg.NoRuleSetError, match="no rule set is registered for unit type"):
        explain_selection(organ(), [])


def test_format_selector() -> None:
    assert format_selector({"b": ("2", "3"), "a": ("x",)}) == "a ∈ {x}, b ∈ {2, 3}"
    assert format_selector({}, "zh") == "（空：该类型全部单位）"


selectors = st.dictionaries(
    st.sampled_from(ATTRS),
    st.lists(st.sampled_from(VALUES), min_size=1, max_size=3, unique=True).map(tuple),
    max_size=3,
)
units = st.dictionaries(st.sampled_from(ATTRS), st.sampled_from(VALUES), max_size=3).map(
    lambda attributes: cg.Unit(id="u", name="u", unit_type="thing", attributes=attributes)
)


def _matches(selector: dict[str, tuple[str, ...]], unit: cg.Unit) -> bool:
    return all(unit.attributes.get(a) in v for a, v in selector.items())


def _outcome(unit: cg.Unit, candidates: list[tuple[cg.RuleSet, str]]) -> tuple[str, str]:
    try:
        return ("chosen", explain_selection(unit, candidates).ruleset)
    except cg.SelectionError as exc:
        return (type(exc).__name__, str(exc))


@settings(max_examples=150, deadline=None)
@given(st.lists(selectors, min_size=0, max_size=6), units, st.randoms(use_true_random=False))
def test_choice_is_independent_of_order_and_ambiguity_always_reported(
    sels: list[dict[str, tuple[str, ...]]], unit: cg.Unit, rnd: object
) -> None:
    candidates = [(ruleset(f"r{k}", "thing", s), f"plugin-{k}") for k, s in enumerate(sels)]
    shuffled = list(candidates)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    outcome = _outcome(unit, candidates)
    assert _outcome(unit, shuffled) == outcome
    assert _outcome(unit, candidates[::-1]) == outcome
    matching = [s for s in sels if _matches(s, unit)]
    if not matching:
        assert outcome[0] == "NoRuleSetError"
        return
    best = max(len(s) for s in matching)
    tied = [k for k, s in enumerate(sels) if _matches(s, unit) and len(s) == best]
    if len(tied) > 1:
        assert outcome[0] == "AmbiguousRuleSetError"
        for k in tied:
            assert f"'r{k}'" in outcome[1]
    else:
        assert outcome == ("chosen", f"r{tied[0]}")


@settings(max_examples=40, deadline=None)
@given(st.lists(selectors, min_size=1, max_size=4), units)
def test_guide_choice_is_independent_of_plugin_registration_order(
    sels: list[dict[str, tuple[str, ...]]], unit: cg.Unit
) -> None:
    plugins = [RecordsPlugin(rulesets=(ruleset(f"r{k}", "thing", s),)) for k, s in enumerate(sels)]
    outcomes = set()
    for order in itertools.islice(itertools.permutations(plugins), 6):
        guide = cg.Guide(
            plugins=[RecordsPlugin(unit_types=(THING,)), *order], autoload=False, strict=True
        )
        try:
            outcomes.add(("chosen", guide.ruleset_for(unit).id))
        except cg.AmbiguousRuleSetError as exc:
            outcomes.add(("ambiguous", str(exc).splitlines()[0]))
        except cg.NoRuleSetError:
            outcomes.add(("none", ""))
    assert len(outcomes) == 1
