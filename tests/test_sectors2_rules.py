"""The university and hospital rule files: they load, keep the sector conventions, and score.

Conventions checked here (issue 6, shared with the other sector rule files): ids
``<sector>-<variant>``, version 2026.1, every selector value covered by exactly one rule set,
15+ indicators covering party/business/fusion, declared sources, an honest basis, the three
balances on every indicator, each disconnect tag used, sibling weights summing to 1, equal
composite weights, countermeasures for every disconnect plus ``lag`` and ``coordination``, and
weak-foundation adjustments that only moderate targets (floors and vetoes untouched).
"""

from __future__ import annotations

import math
from collections import defaultdict
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import classguide as cg
from classguide.rulefiles import load_ruleset
from classguide.ruleset import DEFAULT_COORDINATION_BANDS, DEFAULT_GRADE_BANDS, DISCONNECTS
from classguide.unittypes import BUILTIN_UNIT_TYPES
from classguide.validation import validate_ruleset

PLUGINS = Path(__file__).resolve().parents[1] / "plugins"
SECTORS = {"university": "kind", "hospital": "tier"}
FILES = sorted(
    p for sector in SECTORS for p in (PLUGINS / f"classguide_{sector}" / "rules").glob("*.toml")
)
RULESETS = {p.name: load_ruleset(p) for p in FILES}
PARAMS = [pytest.param(rs, id=rs.id) for rs in RULESETS.values()]
CATEGORIES = (*DISCONNECTS, "lag", "coordination")


def test_files_present() -> None:
    ids = sorted(rs.id for rs in RULESETS.values())
    assert ids == [
        "hospital-tier2",
        "hospital-tier3",
        "university-double-first-class",
        "university-undergraduate",
        "university-vocational",
    ]


@pytest.mark.parametrize("sector", sorted(SECTORS))
def test_each_selector_value_has_exactly_one_rule_set(sector: str) -> None:
    attr = SECTORS[sector]
    utype = next(t for t in BUILTIN_UNIT_TYPES if t.id == sector)
    spec = next(a for a in utype.attributes if a.name == attr)
    covered: dict[str, list[str]] = defaultdict(list)
    for rs in RULESETS.values():
        if rs.unit_type == sector:
            assert set(rs.selector) == {attr}, rs.id
            for value in rs.selector[attr]:
                covered[value].append(rs.id)
    assert {v: len(ids) for v, ids in covered.items()} == {v: 1 for v in spec.values}


@pytest.mark.parametrize("rs", PARAMS)
def test_validate_ruleset_reports_nothing(rs: cg.RuleSet) -> None:
    assert [f"{p.path}: {p.message}" for p in validate_ruleset(rs)] == []


@pytest.mark.parametrize("rs", PARAMS)
def test_header(rs: cg.RuleSet) -> None:
    assert rs.id.startswith(f"{rs.unit_type}-")
    assert rs.version == "2026.1"
    assert (rs.weights.party, rs.weights.business) == (0.5, 0.5)
    assert rs.grades == DEFAULT_GRADE_BANDS
    assert rs.coordination_bands == DEFAULT_COORDINATION_BANDS
    assert rs.description is not None
    assert "底线" in rs.description.zh and "never lowered" in rs.description.en


@pytest.mark.parametrize("rs", PARAMS)
def test_indicators_cite_sources_with_both_names_and_balances(rs: cg.RuleSet) -> None:
    assert 15 <= len(rs.indicators) <= 25
    assert {i.dimension for i in rs.indicators} == {"party", "business", "fusion"}
    declared = {s.id for s in rs.sources}
    assert len(declared) == len(rs.sources)
    assert declared == {i.source for i in rs.indicators}, "every source used, none undeclared"
    for s in rs.sources:
        assert s.title.zh and s.title.en
    ids = [i.id for i in rs.indicators]
    assert len(set(ids)) == len(ids)
    for ind in rs.indicators:
        assert ind.name.zh and ind.name.en, ind.id
        assert ind.article and ind.basis is not None, ind.id
        assert ind.cadence and ind.evidence and ind.line, ind.id
        assert ind.floor is not None and ind.target is not None, ind.id
        assert set(ind.tags) <= set(DISCONNECTS), ind.id
        if ind.kind == "ratio":
            assert 0.0 <= ind.floor <= 1.0 and 0.0 <= ind.target <= 1.0, ind.id
        if ind.direction == "higher":
            assert ind.floor <= ind.target, ind.id
        elif ind.direction == "lower":
            assert ind.floor >= ind.target, ind.id
        if ind.bounds is not None:
            lo, hi = ind.bounds
            assert lo <= min(ind.floor, ind.target) <= max(ind.floor, ind.target) <= hi, ind.id
        if ind.kind == "grade":
            assert ind.grades and ind.floor in ind.grades.values(), ind.id
        if ind.veto is not None:
            assert ind.veto.cap is None or ind.veto.cap in rs.grade_order(), ind.id
        if "未核实" in ind.article or "unverified" in ind.article:
            assert ind.basis in ("unverified", "proposal"), f"{ind.id}: article unverified"
    used = {t for i in rs.indicators for t in i.tags}
    assert used == set(DISCONNECTS)
    assert {i.cadence for i in rs.indicators} == {"annual", "long_term"}
    assert {i.evidence for i in rs.indicators} == {"review", "survey"}
    assert {i.line for i in rs.indicators} == {"floor", "high"}
    assert any(i.veto is not None for i in rs.indicators)


@pytest.mark.parametrize("rs", PARAMS)
def test_sibling_weights_sum_to_one(rs: cg.RuleSet) -> None:
    # Siblings share a parent group; top-level groups are siblings within a sub-system.
    siblings: dict[str, list[float]] = defaultdict(list)
    sub = {"party": "<P>", "business": "<B>", "fusion": "<B>"}
    groups = {g.id: g for g in rs.groups}
    for g in rs.groups:
        siblings[g.parent or sub[g.dimension]].append(g.weight)
    for ind in rs.indicators:
        assert ind.group is not None and ind.group in groups, ind.id
        assert groups[ind.group].dimension == ind.dimension, ind.id
        siblings[ind.group].append(ind.weight)
    for parent, weights in siblings.items():
        assert math.isclose(sum(weights), 1.0, abs_tol=1e-9), (rs.id, parent, weights)


@pytest.mark.parametrize("rs", PARAMS)
def test_countermeasures_and_weak_adjustments(rs: cg.RuleSet) -> None:
    cats = {c.category for c in rs.countermeasures}
    assert set(CATEGORIES) <= cats
    for c in rs.countermeasures:
        assert c.text.zh and c.text.en
    assert rs.adjustments
    seen = set()
    for adj in rs.adjustments:
        ind = rs.indicator(adj.indicator)
        assert adj.foundation == "weak"
        assert adj.indicator not in seen
        seen.add(adj.indicator)
        assert ind.veto is None, "vetoes are never lowered"
        assert ind.direction == "higher" and ind.floor is not None and ind.target is not None
        assert ind.floor < adj.target < ind.target, adj.indicator


def _at_target(rs: cg.RuleSet) -> dict[str, object]:
    obs: dict[str, object] = {}
    for ind in rs.indicators:
        if ind.kind == "boolean":
            obs[ind.id] = ind.target == 1
        elif ind.kind == "grade":
            obs[ind.id] = max(ind.grades.items(), key=lambda kv: kv[1])[0]  # type: ignore[union-attr]
        else:
            obs[ind.id] = ind.target
    return obs


def _violating(ind: cg.Indicator) -> object:
    """A value that misses ``ind``'s floor."""
    assert ind.floor is not None
    if ind.kind == "boolean":
        return ind.target != 1
    if ind.direction == "lower":
        return ind.floor + 1
    return ind.floor / 2


def _unit(rs: cg.RuleSet, foundation: str = "standard") -> cg.Unit:
    attr = SECTORS[rs.unit_type]
    return cg.Unit(
        id="u",
        name="单位",
        unit_type=rs.unit_type,
        attributes={attr: rs.selector[attr][0], "foundation": foundation},
    )


@pytest.mark.parametrize("rs", PARAMS)
def test_at_target_is_good_and_each_veto_caps_the_grade(rs: cg.RuleSet) -> None:
    obs = _at_target(rs)
    ev = cg.evaluate(rs, _unit(rs), obs)
    assert (ev.party, ev.business, ev.score, ev.grade) == (100.0, 100.0, 100.0, "good")
    order = rs.grade_order()
    for ind in (i for i in rs.indicators if i.veto is not None):
        one_case = {**obs, ind.id: _violating(ind)}
        capped = cg.evaluate(rs, _unit(rs), one_case)
        cap = ind.veto.cap or order[-1]  # type: ignore[union-attr]
        assert capped.score is not None and capped.score >= 90.0  # the score alone is still 好
        assert capped.grade == cap, ind.id
        assert any(w.code == "veto" for w in capped.warnings), ind.id


def _value(ind: cg.Indicator) -> st.SearchStrategy[object]:
    if ind.kind == "ratio":
        return st.floats(0.0, 1.0)
    if ind.kind == "count":
        top = max(ind.target or 0.0, ind.floor or 0.0, 1.0)
        if ind.direction == "lower":
            return st.integers(0, 3)
        return st.floats(0.0, 2.0 * top)
    if ind.kind == "boolean":
        return st.booleans()
    return st.sampled_from(sorted((ind.grades or {}).keys()))


@st.composite
def _case(draw: st.DrawFn) -> tuple[cg.RuleSet, dict[str, object]]:
    rs = draw(st.sampled_from(list(RULESETS.values())))
    obs = {ind.id: draw(_value(ind)) for ind in rs.indicators if draw(st.integers(0, 14)) != 0}
    return rs, obs


@settings(max_examples=80, deadline=None)
@given(_case())
def test_vetoes_bound_the_grade_and_weak_foundation_never_scores_lower(
    case: tuple[cg.RuleSet, dict[str, object]],
) -> None:
    rs, obs = case
    standard = cg.evaluate(rs, _unit(rs), obs)
    weak = cg.evaluate(rs, _unit(rs, "weak"), obs)
    order = rs.grade_order()
    for ev in (standard, weak):
        if ev.grade is None:
            continue
        for ind in rs.indicators:
            if ind.veto is not None and ev.indicators[ind.id].floor_met is False:
                cap = ind.veto.cap or order[-1]
                assert order.index(ev.grade) >= order.index(cap), (rs.id, ind.id)
    # Moderated targets only: same floors, same vetoes, scores can only rise.
    for ind in rs.indicators:
        assert weak.indicators[ind.id].floor_met == standard.indicators[ind.id].floor_met
    if standard.score is not None:
        assert weak.score is not None and weak.score >= standard.score - 1e-9
