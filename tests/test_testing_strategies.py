"""The kit's strategies are themselves tested: what they generate validates (or, asked to be
broken, fails validation exactly where and how it was broken)."""

from __future__ import annotations

import math
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import classguide as cg
from classguide.testing import StrategyArgumentError
from classguide.testing import strategies as cgst
from classguide.testing._oracle import path_shares
from classguide.unittypes import BUILTIN_UNIT_TYPES
from classguide.weights import ahp

TYPES = {t.id: t for t in BUILTIN_UNIT_TYPES}


def _sibling_sums(rs: cg.RuleSet) -> dict[tuple[str | None, str], float]:
    sums: dict[tuple[str | None, str], float] = {}
    for node in (*rs.groups, *rs.indicators):
        parent = node.parent if isinstance(node, cg.Group) else node.group
        root = "" if parent is not None else ("party" if node.dimension == "party" else "b")
        sums[(parent, root)] = sums.get((parent, root), 0.0) + node.weight
    return sums


def _depth(rs: cg.RuleSet, ind: cg.Indicator) -> int:
    parents = {g.id: g.parent for g in rs.groups}
    depth, up = 1, ind.group
    while up is not None:
        depth, up = depth + 1, parents[up]
    return depth


@settings(max_examples=150)
@given(cgst.rulesets(equal_weights=False))
def test_generated_rulesets_validate_without_errors(rs: cg.RuleSet) -> None:
    problems = cg.validate_ruleset(rs, TYPES[rs.unit_type])
    assert [str(p) for p in problems if p.severity == "error"] == []


@settings(max_examples=100)
@given(cgst.rulesets(max_indicators=7, max_depth=2))
def test_generated_rulesets_have_the_promised_shape(rs: cg.RuleSet) -> None:
    assert 2 <= len(rs.indicators) <= 7
    dims = {"party" if i.dimension == "party" else "business" for i in rs.indicators}
    assert dims == {"party", "business"}
    assert all(abs(s - 1.0) <= 1e-9 for s in _sibling_sums(rs).values())
    assert all(_depth(rs, i) <= 2 for i in rs.indicators)
    declared = {s.id for s in rs.sources}
    assert all(i.source in declared and i.name.zh and i.name.en for i in rs.indicators)
    for root in ("party", "business"):
        total = sum(w for r, w in path_shares(rs).values() if r == root)
        assert total == pytest.approx(1.0)
    assert rs.weights == cg.CompositeWeights()


@settings(max_examples=50)
@given(cgst.rulesets(unit_type="hospital", selector={"tier": ["3"]}, kinds=["ratio"]))
def test_rulesets_honour_unit_type_selector_and_kinds(rs: cg.RuleSet) -> None:
    assert rs.unit_type == "hospital"
    assert rs.selector == {"tier": ("3",)}
    assert {i.kind for i in rs.indicators} == {"ratio"}


@settings(max_examples=200)
@given(cgst.broken_rulesets())
def test_broken_rulesets_fail_validation_where_they_were_broken(d: cgst.Defective) -> None:
    problems = cg.validate_ruleset(d.ruleset, TYPES[d.ruleset.unit_type])
    at_path = [p for p in problems if p.path == d.path]
    assert at_path, (d.defect, d.path, [str(p) for p in problems])
    if d.severity == "error":
        assert any(p.severity == "error" for p in at_path)


@pytest.mark.parametrize("defect", sorted(cgst.DEFECTS))
def test_each_defect_can_be_asked_for(defect: str) -> None:
    @settings(max_examples=10)
    @given(cgst.broken_rulesets(defect, unit_type="school"))
    def check(d: cgst.Defective) -> None:
        assert d.defect == defect
        assert d.ruleset.unit_type == "school"

    check()


@settings(max_examples=100)
@given(st.data())
def test_units_are_valid_for_their_type(data: Any) -> None:
    ut = data.draw(st.sampled_from(BUILTIN_UNIT_TYPES))
    unit = data.draw(cgst.units(ut))
    assert ut.check(unit) == []
    assert "foundation" in unit.attributes


@settings(max_examples=50)
@given(cgst.units("organ", where={"level": ["county"], "foundation": ["weak"]}))
def test_units_where_restricts_attributes(unit: cg.Unit) -> None:
    assert unit.attributes == {"level": "county", "foundation": "weak"}


def test_units_of_a_plugin_type() -> None:
    community = cg.UnitType(
        id="community",
        name=cg.Text(zh="社区", en="community"),
        attributes=(
            cg.AttributeSpec(name="kind", label=cg.Text(zh="类型", en="kind"), values=("a",)),
            cg.AttributeSpec(
                name="size", label=cg.Text(zh="规模", en="size"), values=("s",), required=False
            ),
        ),
    )

    @settings(max_examples=30)
    @given(cgst.units(community))
    def check(unit: cg.Unit) -> None:
        assert unit.unit_type == "community"
        assert community.check(unit) == []

    check()


@settings(max_examples=150)
@given(st.data())
def test_valid_observations_always_evaluate(data: Any) -> None:
    rs = data.draw(cgst.rulesets(max_indicators=8))
    unit = data.draw(cgst.units(rs.unit_type, where=rs.selector))
    obs = data.draw(cgst.observations(rs, unit=unit, missing=0.2, boundary=0.4))
    assert set(obs) <= {i.id for i in rs.indicators}
    ev = cg.evaluate(rs, unit, obs)
    assert ev.score is None or 0.0 <= ev.score <= 100.0


@settings(max_examples=50)
@given(st.data())
def test_all_missing_means_every_indicator_missing(data: Any) -> None:
    rs = data.draw(cgst.rulesets(max_indicators=6))
    unit = data.draw(cgst.units(rs.unit_type, where=rs.selector))
    obs = data.draw(cgst.observations(rs, missing=1.0, boundary=0.0))
    assert all(v is None or (isinstance(v, float) and math.isnan(v)) for v in obs.values())
    ev = cg.evaluate(rs, unit, obs)
    assert ev.grade is None
    assert all(r.missing for r in ev.indicators.values())


@settings(max_examples=50)
@given(st.data())
def test_out_of_range_values_are_rejected_by_evaluation(data: Any) -> None:
    rs = data.draw(cgst.rulesets(max_indicators=6))
    unit = data.draw(cgst.units(rs.unit_type, where=rs.selector))
    obs = data.draw(cgst.observations(rs, out_of_range=1.0, boundary=0.0))
    with pytest.raises(cg.EvaluationInputError):
        cg.evaluate(rs, unit, obs)


@settings(max_examples=50)
@given(st.data())
def test_boundary_values_sit_at_floors_and_targets(data: Any) -> None:
    rs = data.draw(cgst.rulesets(max_indicators=6, kinds=["ratio", "count"]))
    obs = data.draw(cgst.observations(rs, boundary=1.0))
    for ind in rs.indicators:
        marks = [m for m in (ind.floor, ind.target, *(ind.bounds or ())) if m is not None]
        marks += [a.target for a in rs.adjustments if a.indicator == ind.id]
        v = obs[ind.id]
        assert isinstance(v, float)
        step = 1.0 if ind.kind == "count" else 1e-9
        assert any(abs(v - m) <= step for m in marks), (ind, v)


def test_observations_for_derived_indicators_fit_the_kind() -> None:
    rs = cg.RuleSet(
        id="derived",
        version="1",
        name=cg.Text(zh="派生", en="derived"),
        unit_type="organ",
        sources=[cg.Source(id="s", title=cg.Text(zh="条例", en="regulation"))],
        indicators=[
            cg.Indicator(
                id="trained_share",
                name=cg.Text(zh="培训率", en="trained share"),
                dimension="party",
                kind="ratio",
                weight=1.0,
                floor=0.8,
                target=1.0,
                formula="trained / members",
                source="s",
            ),
            cg.Indicator(
                id="tasks",
                name=cg.Text(zh="任务", en="tasks"),
                dimension="business",
                kind="boolean",
                weight=1.0,
                source="s",
            ),
        ],
    )
    unit = cg.Unit(id="u", name="u", unit_type="organ", attributes={"level": "county"})

    @settings(max_examples=60)
    @given(cgst.observations(rs, missing=0.1))
    def check(obs: dict[str, object]) -> None:
        assert "trained_share" not in obs
        cg.evaluate(rs, unit, obs)

    check()


@settings(max_examples=60)
@given(cgst.ahp_matrices(max_n=8))
def test_consistent_ahp_matrices_have_cr_zero(m: tuple[tuple[float, ...], ...]) -> None:
    result = ahp(m)
    assert result.cr == pytest.approx(0.0, abs=1e-9)
    assert result.consistent


@settings(max_examples=60)
@given(cgst.ahp_matrices(consistent=False, max_n=9))
def test_inconsistent_ahp_matrices_fail_the_cr_test(m: tuple[tuple[float, ...], ...]) -> None:
    assert len(m) >= 3
    assert not ahp(m).consistent


@settings(max_examples=60)
@given(cgst.ahp_matrices(consistent=None, min_n=2, max_n=6))
def test_any_ahp_matrix_is_positive_and_reciprocal(m: tuple[tuple[float, ...], ...]) -> None:
    n = len(m)
    assert all(m[i][i] == 1.0 for i in range(n))
    assert all(m[i][j] * m[j][i] == pytest.approx(1.0) for i in range(n) for j in range(n))


BAD_CALLS = [
    (lambda: cgst.units("nonexistent"), "unit_type"),
    (lambda: cgst.units("organ", where={"colour": ["red"]}), "no attribute 'colour'"),
    (lambda: cgst.units("organ", where={"level": ["galactic"]}), "galactic"),
    (lambda: cgst.observations("not a rule set"), "ruleset must be a RuleSet"),  # type: ignore[arg-type]
    (lambda: cgst.observations(_RS, missing=1.5), "missing must be a share"),
    (lambda: cgst.observations(_RS, missing=0.6, boundary=0.6), "must not exceed 1"),
    (lambda: cgst.observations(_RS, missing_as=["zero"]), "missing_as"),
    (lambda: cgst.rulesets(max_indicators=1), "max_indicators"),
    (lambda: cgst.rulesets(min_indicators=5, max_indicators=3), "must not exceed"),
    (lambda: cgst.rulesets(max_depth=4), "max_depth"),
    (lambda: cgst.rulesets(kinds=["percent"]), "kinds"),
    (lambda: cgst.rulesets(kinds="ratio"), "sequence of strings"),
    (lambda: cgst.rulesets(vetoes=1), "vetoes must be True or False"),  # type: ignore[arg-type]
    (lambda: cgst.rulesets(selector={"level": ["county"]}), "exactly one unit_type"),
    (lambda: cgst.broken_rulesets("typo"), "defect"),
    (lambda: cgst.ahp_matrices(max_n=11), "max_n"),
    (lambda: cgst.ahp_matrices(consistent=False, max_n=2), "n >= 3"),
]

_RS = cg.RuleSet(
    id="x",
    version="1",
    name=cg.Text(zh="x", en="x"),
    unit_type="organ",
    indicators=[
        cg.Indicator(
            id="a", name=cg.Text(zh="a", en="a"), dimension="party", kind="ratio", weight=1
        )
    ],
)


@pytest.mark.parametrize(("call", "fragment"), BAD_CALLS)
def test_bad_arguments_fail_when_the_strategy_is_built(call: Any, fragment: str) -> None:
    with pytest.raises(StrategyArgumentError, match=fragment) as info:
        call()
    assert isinstance(info.value, cg.ClassguideError)
    assert isinstance(info.value, InvalidArgument)


def test_generated_ruleset_round_trips_through_json() -> None:
    @settings(max_examples=30)
    @given(cgst.rulesets())
    def check(rs: cg.RuleSet) -> None:
        assert cg.from_json(cg.RuleSet, cg.to_json(rs)) == rs
        assert attrs.evolve(rs) == rs

    check()
