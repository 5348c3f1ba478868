"""Single-unit evaluation: examples on the example rule set and properties on random ones."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import classguide as cg
from classguide.demo import example_ruleset, example_units
from core_strategies import UNIT, observations, rulesets, value_for

RS = example_ruleset()
GOOD = example_units()[0]


def ev_of(rs: cg.RuleSet, obs: dict[str, object]) -> cg.Evaluation:
    return cg.evaluate(rs, UNIT, obs, period="2025")


def test_example_unit_hand_computed() -> None:
    unit, obs = GOOD
    ev = cg.evaluate(RS, unit, obs, period="2025")
    # Hand computation: organisation group = mean(100, 100) = 100; education = 0.6·100 + 0.4·100;
    # P = 100. Performance: tasks 0.98 → 60 + 40·(0.13/0.15) = 94.667; satisfaction 0.96 ≥ 0.95
    # → 100; group = 0.6·94.667 + 0.4·100 = 96.8; integration = 100; B = 0.6·96.8 + 0.4·100.
    assert ev.party == pytest.approx(100.0)
    assert ev.business == pytest.approx(0.6 * (0.6 * (60 + 40 * 0.13 / 0.15) + 40) + 40)
    assert ev.score == pytest.approx((ev.party + ev.business) / 2)
    assert ev.grade == "good" and ev.complete and ev.lag == "balanced"
    assert ev.coordination is not None
    assert ev.coordination.degree == pytest.approx(
        cg.coordination(ev.party / 100, ev.business / 100).degree
    )
    assert ev.band == "quality_coordination"
    assert ev.warnings == ()
    assert ev.ruleset_id == "example-organ" and ev.period == "2025"
    assert len(ev.provenance.inputs_hash) == 64


def test_veto_caps_grade_and_raises_red() -> None:
    unit, obs = GOOD
    ev = cg.evaluate(RS, unit, {**obs, "discipline_cases": 1.0})
    assert ev.score is not None and ev.score > 80
    assert ev.grade == "poor"
    assert ev.warnings[0].level is cg.WarningLevel.RED and ev.warnings[0].code == "veto"


def test_missing_renormalises_and_incomplete_is_not_graded() -> None:
    unit, obs = GOOD
    # joint_planning carries 0.4 × 0.5 = 0.2 of B: observed share 0.8 meets the threshold.
    one_missing = cg.evaluate(RS, unit, {**obs, "joint_planning": None})
    res = one_missing.indicators["joint_planning"]
    assert (
        res.score is None and res.missing_reason == "no value" and res.weight == pytest.approx(0.2)
    )
    assert one_missing.groups["integration"] == pytest.approx(100.0)  # the sibling carries it
    assert one_missing.complete and one_missing.grade is not None
    # study_hours carries 0.5 × 0.6 = 0.3 of P: observed 0.7 < 0.8, so no grade.
    incomplete = cg.evaluate(RS, unit, {**obs, "study_hours": None})
    assert incomplete.party == pytest.approx(100.0)  # still scored from what is there
    assert not incomplete.complete and incomplete.grade is None
    blue = [w for w in incomplete.warnings if w.code == "incomplete"]
    assert blue and blue[0].level is cg.WarningLevel.BLUE
    assert [e.subject for e in blue[0].evidence] == ["study_hours"]


def test_unknown_observation_names_a_suggestion() -> None:
    unit, obs = GOOD
    with pytest.raises(cg.EvaluationInputError, match="did you mean 'study_hours'"):
        cg.evaluate(RS, unit, {**obs, "study_hour": 3.0})


def test_wrong_unit_type_is_an_error() -> None:
    unit, obs = GOOD
    with pytest.raises(cg.EvaluationInputError, match="is for 'organ'"):
        cg.evaluate(RS, attrs.evolve(unit, unit_type="soe"), obs)


def test_provenance_hash_is_stable_and_order_free() -> None:
    unit, obs = GOOD
    a = cg.evaluate(RS, unit, obs, period="2025").provenance.inputs_hash
    b = cg.evaluate(
        RS, unit, dict(reversed(list(obs.items()))), period="2025"
    ).provenance.inputs_hash
    c = cg.evaluate(RS, unit, {**obs, "study_hours": 49.0}, period="2025").provenance.inputs_hash
    assert a == b != c


def test_derived_indicator_missing_with_reason() -> None:
    rs = attrs.evolve(
        RS,
        indicators=tuple(
            attrs.evolve(i, formula="trained / members") if i.id == "branch_standardised" else i
            for i in RS.indicators
        ),
    )
    unit, obs = GOOD
    base = {k: v for k, v in obs.items() if k != "branch_standardised"}
    ok = cg.evaluate(rs, unit, {**base, "trained": 9.0, "members": 10.0})
    assert ok.indicators["branch_standardised"].value == pytest.approx(0.9)
    zero = cg.evaluate(rs, unit, {**base, "trained": 9.0, "members": 0.0})
    assert zero.indicators["branch_standardised"].score is None
    assert (zero.indicators["branch_standardised"].missing_reason or "").startswith(
        "division by zero"
    )


# --- properties on random rule sets -------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_scores_bounded(data: st.DataObject) -> None:
    rs = data.draw(rulesets())
    ev = ev_of(rs, data.draw(observations(rs)))
    for x in (ev.party, ev.business, ev.score):
        assert x is None or 0.0 <= x <= 100.0
    for r in ev.indicators.values():
        assert r.score is None or 0.0 <= r.score <= 100.0
    for g in ev.groups.values():
        assert g is None or 0.0 <= g <= 100.0
    if not ev.complete:
        assert ev.grade is None


def _better(ind: cg.Indicator, value: object, step: float) -> object:
    if ind.kind == "ratio":
        assert isinstance(value, float)
        return (
            min(1.0, value + step)
            if ind.direction == "higher"
            else (max(0.0, value - step) if ind.direction == "lower" else value)
        )
    if ind.kind == "count":
        assert isinstance(value, float)
        return value + 50 * step if ind.direction == "higher" else max(0.0, value - 50 * step)
    if ind.kind == "boolean":
        return True
    return "A"


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_raising_one_indicator_never_lowers_anything(data: st.DataObject) -> None:
    rs = data.draw(rulesets())
    obs = data.draw(observations(rs, missing=False))
    ind = data.draw(st.sampled_from(rs.indicators))
    step = data.draw(st.floats(0.0, 1.0))
    before = ev_of(rs, obs)
    after = ev_of(rs, {**obs, ind.id: _better(ind, obs[ind.id], step)})
    eps = 1e-9
    assert after.indicators[ind.id].score >= before.indicators[ind.id].score - eps  # type: ignore[operator]
    for gid, g in before.groups.items():
        assert g is None or after.groups[gid] >= g - eps  # type: ignore[operator]
    for a, b in (
        (after.party, before.party),
        (after.business, before.business),
        (after.score, before.score),
    ):
        assert a is not None and b is not None and a >= b - eps


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_scaling_sibling_weights_and_reordering_change_nothing(data: st.DataObject) -> None:
    rs = data.draw(rulesets())
    obs = data.draw(observations(rs))
    factor = data.draw(st.floats(0.1, 10.0))
    scaled = attrs.evolve(
        rs,
        indicators=tuple(
            attrs.evolve(i, weight=i.weight * factor) for i in reversed(rs.indicators)
        ),
        groups=tuple(attrs.evolve(g, weight=g.weight * factor) for g in reversed(rs.groups)),
    )
    a, b = ev_of(rs, obs), ev_of(scaled, obs)
    for x, y in ((a.party, b.party), (a.business, b.business), (a.score, b.score)):
        assert (x is None and y is None) or x == pytest.approx(y, abs=1e-9)
    assert (a.grade, a.band, a.lag, a.complete) == (b.grade, b.band, b.lag, b.complete)
    assert [(w.code, w.level) for w in a.warnings] == [(w.code, w.level) for w in b.warnings]


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_removing_a_value_makes_it_missing_never_zero(data: st.DataObject) -> None:
    rs = data.draw(rulesets())
    obs = data.draw(observations(rs, missing=False))
    ind = data.draw(st.sampled_from(rs.indicators))
    for gone in (
        {k: v for k, v in obs.items() if k != ind.id},
        {**obs, ind.id: None},
        {**obs, ind.id: float("nan")} if ind.kind in ("ratio", "count") else {**obs, ind.id: None},
    ):
        res = ev_of(rs, gone).indicators[ind.id]
        assert res.score is None and res.value is None and res.floor_met is None
        assert res.missing_reason


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_json_round_trip_is_identity(data: st.DataObject) -> None:
    rs = data.draw(rulesets())
    ev = ev_of(rs, data.draw(observations(rs)))
    back = cg.from_json(cg.Evaluation, cg.to_json(ev))
    assert back == ev
    assert cg.to_json(back) == cg.to_json(ev)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_every_floor_violation_warns_and_veto_never_improves(data: st.DataObject) -> None:
    rs = data.draw(rulesets())
    ev = ev_of(rs, data.draw(observations(rs)))
    violated = {i for i, r in ev.indicators.items() if r.floor_met is False}
    warned = {e.subject for w in ev.warnings if w.code == "floor" for e in w.evidence}
    assert violated == warned
    if ev.grade is not None:
        no_veto = attrs.evolve(
            rs, indicators=tuple(attrs.evolve(i, veto=None) for i in rs.indicators)
        )
        free = ev_of(no_veto, {i: r.value for i, r in ev.indicators.items() if r.value is not None})
        order = rs.grade_order()
        assert free.grade is not None
        assert order.index(ev.grade) >= order.index(free.grade)


def test_deterministic() -> None:
    unit, obs = GOOD
    assert len({cg.to_json(cg.evaluate(RS, unit, obs)) for _ in range(3)}) == 1


def test_value_strategy_covers_every_kind() -> None:
    kinds = {i.kind for i in RS.indicators}
    for i in RS.indicators:
        assert value_for(i) is not None
    assert kinds == {"ratio", "count", "boolean", "grade"}
