"""Diagnosis: built-in warning rules at their thresholds, countermeasures, plugin rules."""

from __future__ import annotations

from collections.abc import Iterable

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import classguide as cg
from classguide.countermeasures import (
    COUNTERMEASURE_GROUPS,
    countermeasures_for,
    warning_categories,
)
from classguide.demo import example_ruleset, example_units
from classguide.results import warning_sort_key
from classguide.ruleset import DISCONNECTS
from classguide.testing import strategies as cgst
from core_strategies import observations, rulesets

RED, ORANGE, YELLOW, BLUE = (
    cg.WarningLevel.RED,
    cg.WarningLevel.ORANGE,
    cg.WarningLevel.YELLOW,
    cg.WarningLevel.BLUE,
)
T = cg.Text(zh="指标", en="indicator")
UNIT = cg.Unit(
    id="u", name="单位", unit_type="organ", attributes={"level": "county", "foundation": "standard"}
)


def linear_ruleset(*extra: cg.Indicator, **changes: object) -> cg.RuleSet:
    """P = 100·p, B = 100·b (no floors), so D = √p when p = b; p is tagged ``study``,
    b ``outcome``; ``extra`` indicators are added."""
    rs = cg.RuleSet(
        id="lin",
        version="1",
        name=cg.Text(zh="线性示例", en="linear example"),
        unit_type="organ",
        indicators=(
            cg.Indicator(
                id="p", name=T, dimension="party", kind="ratio", weight=1.0, tags=["study"]
            ),
            cg.Indicator(
                id="b", name=T, dimension="business", kind="ratio", weight=1.0, tags=["outcome"]
            ),
            *extra,
        ),
    )
    return attrs.evolve(rs, **changes)


def codes(ev: cg.Evaluation) -> dict[str, cg.WarningLevel]:
    return {w.code: w.level for w in ev.warnings}


def only(ev: cg.Evaluation, code: str) -> cg.Warning:
    found = [w for w in ev.warnings if w.code == code]
    assert len(found) == 1, [w.code for w in ev.warnings]
    return found[0]


# --- order --------------------------------------------------------------------------------------


def _w(level: cg.WarningLevel, code: str, subject: str = "", zh: str = "预警") -> cg.Warning:
    return cg.Warning(
        level=level,
        code=code,
        message=cg.Text(zh=zh, en="warning"),
        evidence=(cg.Evidence(subject=subject),) if subject else (),
    )


def test_sort_key_is_total_and_independent_of_input_order() -> None:
    ws = [
        _w(YELLOW, "floor", "b"),
        _w(BLUE, "incomplete"),
        _w(YELLOW, "floor", "a"),
        _w(RED, "veto", "a"),
        _w(YELLOW, "disconnect.study", "study"),
    ]
    a = sorted(ws, key=warning_sort_key)
    assert a == sorted(reversed(ws), key=warning_sort_key)
    assert [(w.code, w.evidence[0].subject if w.evidence else "") for w in a] == [
        ("veto", "a"),
        ("disconnect.study", "study"),
        ("floor", "a"),
        ("floor", "b"),
        ("incomplete", ""),
    ]


def test_levels_are_ordered_and_labelled_in_both_languages() -> None:
    assert RED > ORANGE > YELLOW > BLUE
    assert RED.label.zh == "红色（一级）" and BLUE.label("en") == "blue (level 4)"
    with pytest.raises(ValueError, match="expected red, orange, yellow or blue"):
        cg.WarningLevel.parse("purple")


# --- veto ---------------------------------------------------------------------------------------

VETO = cg.Indicator(
    id="v",
    name=cg.Text(zh="安全责任", en="safety duty"),
    dimension="party",
    kind="ratio",
    weight=1.0,
    floor=0.5,
    target=1.0,
    veto=cg.Veto(cap="average"),
)


@pytest.mark.parametrize(("v", "warned"), [(0.4999, True), (0.5, False), (0.5001, False)])
def test_veto_threshold(v: float, warned: bool) -> None:
    ev = cg.evaluate(linear_ruleset(VETO), UNIT, {"p": 1.0, "b": 1.0, "v": v})
    assert ("veto" in codes(ev)) is warned
    if warned:
        w = only(ev, "veto")
        assert ev.warnings[0] is w and w.level is RED
        assert ev.grade == "average"  # capped from 好 (S ≥ 90) at the veto's cap
        assert "一般" in w.message.zh and "'average'" in w.message.en
        assert w.evidence[0] == cg.Evidence(subject="v", value=v, threshold=0.5, relation="floor")
        assert w.countermeasures  # falls back to the five groups
    else:
        assert ev.grade == "good"


def test_veto_without_cap_caps_at_the_lowest_grade() -> None:
    rs = linear_ruleset(attrs.evolve(VETO, veto=cg.Veto()))
    ev = cg.evaluate(rs, UNIT, {"p": 1.0, "b": 1.0, "v": 0.1})
    assert ev.grade == "poor" and "“差”" in only(ev, "veto").message.zh


# --- coordination bands -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("u", "level"),
    [
        # D = √u when P = B: 0.09 → D = 0.3 (moderate imbalance, below the red line)
        (0.0899, RED),
        (0.0901, RED),  # mild imbalance (0.3, 0.4]: the red line itself
        (0.1599, RED),
        (0.16, RED),  # D = 0.4, the top of mild imbalance
        (0.1601, ORANGE),  # near imbalance (0.4, 0.5]
        (0.25, ORANGE),  # D = 0.5, the top of near imbalance
        (0.2501, None),  # barely coordinated
    ],
)
def test_coordination_band_thresholds(u: float, level: cg.WarningLevel | None) -> None:
    ev = cg.evaluate(linear_ruleset(), UNIT, {"p": u, "b": u})
    assert codes(ev).get("coordination") is level
    if level is not None:
        w = only(ev, "coordination")
        assert w.evidence[0].subject == "band" and w.evidence[0].value == ev.band
        limit = "mild_imbalance" if level is RED else "near_imbalance"
        assert w.evidence[0].threshold == limit
        assert w.evidence[1].subject == "degree" and w.evidence[1].value == pytest.approx(u**0.5)


def test_coordination_alerts_come_from_the_rule_set() -> None:
    rs = linear_ruleset(
        alerts=cg.AlertSettings(red_at_or_below=None, orange_at_or_below="barely_coordinated")
    )
    assert codes(cg.evaluate(rs, UNIT, {"p": 0.1, "b": 0.1}))["coordination"] is ORANGE
    assert "coordination" not in codes(cg.evaluate(rs, UNIT, {"p": 0.37, "b": 0.37}))


def test_alert_band_the_rule_set_lacks_is_an_error() -> None:
    bands = (
        cg.CoordinationBand(id="low", name=T, min=0.0, max=0.5),
        cg.CoordinationBand(id="high", name=T, min=0.5, max=1.0),
    )
    rs = linear_ruleset(coordination_bands=bands)
    with pytest.raises(cg.RuleSetError, match=r"alerts.red_at_or_below.*'mild_imbalance'.*low"):
        cg.evaluate(rs, UNIT, {"p": 0.9, "b": 0.9})
    fixed = attrs.evolve(
        rs, alerts=cg.AlertSettings(red_at_or_below=None, orange_at_or_below="low")
    )
    assert codes(cg.evaluate(fixed, UNIT, {"p": 0.2, "b": 0.2}))["coordination"] is ORANGE


# --- lag ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "b", "warned"),
    [
        (0.70, 0.5001, False),
        (0.70, 0.50, True),  # 0.7 − 0.5 is 0.19999999999999996 in binary: at the threshold
        (0.70, 0.4999, True),
        (0.801, 0.601, True),
        (0.5001, 0.70, False),
        (0.50, 0.70, True),
        (0.4999, 0.70, True),
    ],
)
def test_lag_gap_threshold(p: float, b: float, warned: bool) -> None:
    ev = cg.evaluate(linear_ruleset(), UNIT, {"p": p, "b": b})
    assert ("lag" in codes(ev)) is warned
    if warned:
        assert only(ev, "lag").level is ORANGE


def test_lag_says_which_hand_is_hard_and_which_soft() -> None:
    party_soft = only(cg.evaluate(linear_ruleset(), UNIT, {"p": 0.5, "b": 0.9}), "lag")
    assert "业务硬、党建软" in party_soft.message.zh and "一手硬、一手软" in party_soft.message.zh
    assert "business is hard, Party building soft" in party_soft.message.en
    assert party_soft.evidence[0].subject == "party"
    assert party_soft.evidence[0].value == pytest.approx(0.4)
    business_soft = only(cg.evaluate(linear_ruleset(), UNIT, {"p": 0.9, "b": 0.5}), "lag")
    assert "党建硬、业务软" in business_soft.message.zh
    assert business_soft.evidence[0].subject == "business"
    assert warning_categories(linear_ruleset(), business_soft) == ("lag.business", "lag")


def test_lag_gap_comes_from_the_rule_set() -> None:
    rs = linear_ruleset(alerts=cg.AlertSettings(lag_gap=0.3))
    assert "lag" not in codes(cg.evaluate(rs, UNIT, {"p": 0.79, "b": 0.5}))
    assert "lag" in codes(cg.evaluate(rs, UNIT, {"p": 0.8, "b": 0.5}))


# --- five disconnects ---------------------------------------------------------------------------


@pytest.mark.parametrize(("v", "warned"), [(0.5999, True), (0.60, False), (0.6001, False)])
def test_disconnect_threshold(v: float, warned: bool) -> None:
    ev = cg.evaluate(linear_ruleset(), UNIT, {"p": v, "b": 0.6})
    assert ("disconnect.study" in codes(ev)) is warned
    assert "disconnect.outcome" not in codes(ev)
    if warned:
        w = only(ev, "disconnect.study")
        assert w.level is YELLOW and w.message.zh.startswith("理论学习与指导实践脱节")
        assert w.evidence[0] == cg.Evidence(
            subject="study", value=pytest.approx(100 * v), threshold=60.0, relation="below"
        )
        assert w.evidence[1].subject == "p"
        assert set(w.countermeasures) == {
            COUNTERMEASURE_GROUPS["methods_carriers"],
            COUNTERMEASURE_GROUPS["capability"],
        }


def test_disconnect_weights_follow_the_composite_weights() -> None:
    # p and b both tagged planning: 0.8·20 + 0.2·90 = 34 with weights 0.8/0.2, 55 with 0.5/0.5
    both = (
        cg.Indicator(
            id="p", name=T, dimension="party", kind="ratio", weight=1.0, tags=["planning"]
        ),
        cg.Indicator(
            id="b", name=T, dimension="business", kind="ratio", weight=1.0, tags=["planning"]
        ),
    )
    even = attrs.evolve(linear_ruleset(), indicators=both)
    skew = attrs.evolve(even, weights=cg.CompositeWeights(party=0.8, business=0.2))
    obs = {"p": 0.2, "b": 0.9}
    assert cg.disconnect_scores(even, cg.evaluate(even, UNIT, obs)) == {
        "planning": pytest.approx(55.0)
    }
    assert cg.disconnect_scores(skew, cg.evaluate(skew, UNIT, obs)) == {
        "planning": pytest.approx(34.0)
    }
    rs = attrs.evolve(even, alerts=cg.AlertSettings(disconnect_threshold=50.0))
    assert "disconnect.planning" not in codes(cg.evaluate(rs, UNIT, obs))


def test_missing_tagged_indicators_are_left_out_not_zero() -> None:
    extra = cg.Indicator(
        id="q", name=T, dimension="party", kind="ratio", weight=0.1, tags=["study"]
    )
    rs = linear_ruleset(extra)
    ev = cg.evaluate(rs, UNIT, {"p": 0.9, "b": 0.9, "q": None})
    assert cg.disconnect_scores(rs, ev)["study"] == pytest.approx(90.0)
    none_tagged = cg.evaluate(rs, UNIT, {"p": None, "b": 0.9, "q": None})
    assert "study" not in cg.disconnect_scores(rs, none_tagged)


# --- floors -------------------------------------------------------------------------------------


def _floor_ind(direction: str, floor: float, target: float, **kw: object) -> cg.Indicator:
    return cg.Indicator(
        id="f",
        name=cg.Text(zh="底线指标", en="floored"),
        dimension="business",
        kind="ratio",
        weight=0.1,
        direction=direction,  # type: ignore[arg-type]
        floor=floor,
        target=target,
        **kw,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("direction", "floor", "target", "value", "warned", "how"),
    [
        ("higher", 0.8, 1.0, 0.7999, True, "低于底线 80%"),
        ("higher", 0.8, 1.0, 0.8, False, ""),
        ("higher", 0.8, 1.0, 0.8001, False, ""),
        ("lower", 0.2, 0.0, 0.1999, False, ""),
        ("lower", 0.2, 0.0, 0.2, False, ""),
        ("lower", 0.2, 0.0, 0.2001, True, "高于底线 20%"),
        ("band", 0.4, 0.6, 0.3999, True, "不在合理区间 [40%, 60%]"),
        ("band", 0.4, 0.6, 0.4, False, ""),
        ("band", 0.4, 0.6, 0.6, False, ""),
        ("band", 0.4, 0.6, 0.6001, True, "不在合理区间"),
    ],
)
def test_floor_thresholds(
    direction: str, floor: float, target: float, value: float, warned: bool, how: str
) -> None:
    rs = linear_ruleset(_floor_ind(direction, floor, target))
    ev = cg.evaluate(rs, UNIT, {"p": 1.0, "b": 1.0, "f": value})
    assert ("floor" in codes(ev)) is warned
    if warned:
        w = only(ev, "floor")
        assert w.level is YELLOW and how in w.message.zh
        assert w.evidence[0].subject == "f" and w.evidence[0].threshold == floor


def test_floor_level_from_the_indicator_or_the_rule_set() -> None:
    raised = linear_ruleset(_floor_ind("higher", 0.8, 1.0, floor_level="orange"))
    assert codes(cg.evaluate(raised, UNIT, {"p": 1.0, "b": 1.0, "f": 0.5}))["floor"] is ORANGE
    quiet = linear_ruleset(
        _floor_ind("higher", 0.8, 1.0), alerts=cg.AlertSettings(floor_level="blue")
    )
    assert codes(cg.evaluate(quiet, UNIT, {"p": 1.0, "b": 1.0, "f": 0.5}))["floor"] is BLUE


def test_floor_messages_read_like_the_values() -> None:
    rs = example_ruleset()
    unit, obs = example_units()[1]  # 县发改局: several floors missed
    ev = cg.evaluate(rs, unit, obs)
    text = {w.evidence[0].subject: w.message for w in ev.warnings if w.code == "floor"}
    assert text["branch_standardised"].zh.endswith("为 70%，低于底线 80%")
    assert text["joint_planning"].zh.endswith("为 否，低于底线 是")
    assert text["joint_planning"].en.endswith("is no, below its floor of yes")
    assert "20，低于底线 32" in text["study_hours"].zh


# --- incomplete ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("share", "incomplete"), [(0.79, True), (0.8, False), (0.81, False)])
def test_completeness_threshold(share: float, incomplete: bool) -> None:
    # p carries `share` of P; q the rest and is missing: observed share = share (threshold 0.8)
    q = cg.Indicator(id="q", name=T, dimension="party", kind="ratio", weight=1 - share)
    rs = linear_ruleset(q)
    rs = attrs.evolve(
        rs,
        indicators=[attrs.evolve(rs.indicator("p"), weight=share), *rs.indicators[1:]],
    )
    ev = cg.evaluate(rs, UNIT, {"p": 0.9, "b": 0.9, "q": None})
    assert ("incomplete" in codes(ev)) is incomplete
    assert (ev.grade is None) is incomplete
    if incomplete:
        w = only(ev, "incomplete")
        assert w.level is BLUE
        assert w.evidence[0] == cg.Evidence(
            subject="party", value=pytest.approx(share), threshold=0.8, relation="observed_share"
        )
        assert [e.subject for e in w.evidence if e.relation == "missing"] == ["q"]
        assert "已观测权重 79%" in w.message.zh


def test_whole_sub_system_missing_is_incomplete_without_band_or_lag() -> None:
    ev = cg.evaluate(linear_ruleset(), UNIT, {"p": None, "b": 0.7})
    assert set(codes(ev)) == {"incomplete"}
    assert only(ev, "incomplete").evidence[0].value == 0.0


# --- countermeasures ----------------------------------------------------------------------------

OWN = cg.Text(zh="本系统对策", en="the sector's own countermeasure")
PLUGIN = cg.Text(zh="插件对策", en="a plugin's countermeasure")


def test_rule_set_countermeasures_win_most_specific_first() -> None:
    rs = linear_ruleset(
        countermeasures=[
            cg.Countermeasure(category="lag", text=PLUGIN),
            cg.Countermeasure(category="lag.party", text=OWN),
        ]
    )
    ev = cg.evaluate(rs, UNIT, {"p": 0.5, "b": 0.9})
    assert only(ev, "lag").countermeasures == (OWN,)
    other = cg.evaluate(rs, UNIT, {"p": 0.9, "b": 0.5})
    assert only(other, "lag").countermeasures == (PLUGIN,)


def test_default_countermeasures_are_the_five_groups() -> None:
    ev = cg.evaluate(linear_ruleset(), UNIT, {"p": 0.2, "b": 0.2})
    groups = set(COUNTERMEASURE_GROUPS.values())
    assert len(groups) == 5
    for w in ev.warnings:
        assert w.countermeasures and set(w.countermeasures) <= groups


def test_categories_of_each_code() -> None:
    rs = linear_ruleset(_floor_ind("higher", 0.8, 1.0, tags=["carrier"]))
    ev = cg.evaluate(rs, UNIT, {"p": 0.05, "b": 0.5, "f": 0.1})
    cats = {w.code: warning_categories(rs, w) for w in ev.warnings}
    assert cats["floor"] == ("floor.f", "carrier", "floor")
    assert cats["lag"] == ("lag.party", "lag")
    assert cats["coordination"] == (f"coordination.{ev.band}", "coordination")
    assert cats["disconnect.study"] == ("disconnect.study", "study", "disconnect")
    assert warning_categories(rs, _w(BLUE, "trend.projected")) == ("trend.projected", "trend")


# --- extra (plugin) rules -----------------------------------------------------------------------


def _always(level: cg.WarningLevel, code: str) -> cg.WarningRule:
    def rule(ruleset: cg.RuleSet, ev: cg.Evaluation) -> Iterable[cg.Warning]:
        return [cg.Warning(level=level, code=code, message=cg.Text(zh="插件预警", en="plugin"))]

    return rule


def test_extra_rule_warnings_are_named_sorted_and_given_countermeasures() -> None:
    rules = [("acme:late", _always(RED, "lag.late")), ("acme:note", _always(BLUE, "note"))]
    ev = cg.evaluate(linear_ruleset(), UNIT, {"p": 0.1, "b": 0.9}, rules=rules)
    assert ev.warnings[0].code == "lag.late" and ev.warnings[0].rule == "acme:late"
    assert ev.warnings[0].countermeasures  # looked up by its prefix "lag"
    assert ev.warnings[-1].rule == "acme:note" and ev.warnings[-1].countermeasures == ()
    assert list(ev.warnings) == sorted(ev.warnings, key=warning_sort_key)


def test_extra_rule_that_raises_names_the_rule() -> None:
    def broken(ruleset: cg.RuleSet, ev: cg.Evaluation) -> list[cg.Warning]:
        raise KeyError("missing_column")

    with pytest.raises(cg.WarningRuleError, match=r"'acme:broken' failed on unit 'u'") as info:
        cg.evaluate(linear_ruleset(), UNIT, {"p": 0.5, "b": 0.5}, rules=[("acme:broken", broken)])
    assert isinstance(info.value, cg.PluginError) and info.value.rule == "acme:broken"
    assert isinstance(info.value.__cause__, KeyError)
    assert "rule set 'lin' 1" in str(info.value) and "missing_column" in str(info.value)


def test_extra_rule_returning_something_else_is_an_error() -> None:
    def sloppy(ruleset: cg.RuleSet, ev: cg.Evaluation) -> list[object]:
        return ["red"]

    with pytest.raises(cg.WarningRuleError, match=r"returned str 'red' as item 0"):
        cg.evaluate(linear_ruleset(), UNIT, {"p": 0.5, "b": 0.5}, rules=[("acme:s", sloppy)])  # type: ignore[list-item]


# --- properties on random rule sets -------------------------------------------------------------

BAND_IDS = [b.id for b in cg.RuleSet.__attrs_attrs__.coordination_bands.default]  # type: ignore[attr-defined]


@st.composite
def alert_settings(draw: st.DrawFn) -> cg.AlertSettings:
    red = draw(st.sampled_from([None, *BAND_IDS[:5]]))
    low = 0 if red is None else BAND_IDS.index(red)
    orange = draw(st.sampled_from([None, *BAND_IDS[low:7]]))
    return cg.AlertSettings(
        red_at_or_below=red,
        orange_at_or_below=orange,
        lag_gap=draw(st.floats(0.05, 0.5)),
        floor_level=draw(st.sampled_from(["red", "orange", "yellow", "blue"])),
        disconnect_threshold=draw(st.floats(30.0, 90.0)),
    )


@st.composite
def diagnosed_rulesets(draw: st.DrawFn, equal_weights: bool = False) -> cg.RuleSet:
    """Random rule sets with random alert settings, disconnect tags and composite weights."""
    rs = draw(rulesets())
    tagged = tuple(
        attrs.evolve(i, tags=draw(st.lists(st.sampled_from(DISCONNECTS), max_size=2, unique=True)))
        for i in rs.indicators
    )
    wp = 0.5 if equal_weights else draw(st.sampled_from([0.3, 0.5, 0.7]))
    return attrs.evolve(
        rs,
        indicators=tagged,
        alerts=draw(alert_settings()),
        weights=cg.CompositeWeights(party=wp, business=1 - wp),
    )


def ev_of(rs: cg.RuleSet, obs: dict[str, object]) -> cg.Evaluation:
    return cg.evaluate(rs, UNIT, obs, period="2025")


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_warnings_sorted_bilingual_and_with_evidence(data: st.DataObject) -> None:
    rs = data.draw(diagnosed_rulesets())
    ev = ev_of(rs, data.draw(observations(rs)))
    assert list(ev.warnings) == sorted(ev.warnings, key=warning_sort_key)
    levels = [w.level for w in ev.warnings]
    assert levels == sorted(levels, reverse=True)
    assert ev.max_level == (levels[0] if levels else None)
    for w in ev.warnings:
        assert w.message.zh and w.message.en and w.evidence and w.countermeasures
        assert w.rule == "core" and not w.predicted


@settings(max_examples=120, deadline=None)
@given(st.data())
def test_every_floor_and_veto_violation_warns_exactly(data: st.DataObject) -> None:
    rs = data.draw(diagnosed_rulesets())
    ev = ev_of(rs, data.draw(observations(rs)))
    violated = {i for i, r in ev.indicators.items() if r.floor_met is False}
    vetoed = {i for i in violated if rs.indicator(i).veto is not None}
    floors = [w for w in ev.warnings if w.code == "floor"]
    vetoes = [w for w in ev.warnings if w.code == "veto"]
    assert sorted(w.evidence[0].subject for w in floors) == sorted(violated)
    assert sorted(w.evidence[0].subject for w in vetoes) == sorted(vetoed)
    assert all(w.level is RED for w in vetoes)
    for w in floors:
        own = rs.indicator(w.evidence[0].subject).floor_level
        assert w.level is cg.WarningLevel.parse(own or rs.alerts.floor_level)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_a_veto_never_improves_the_grade(data: st.DataObject) -> None:
    rs = data.draw(diagnosed_rulesets())
    obs = data.draw(observations(rs))
    ev = ev_of(rs, obs)
    free = ev_of(
        attrs.evolve(rs, indicators=[attrs.evolve(i, veto=None) for i in rs.indicators]), obs
    )
    assert (ev.grade is None) == (free.grade is None)
    if ev.grade is not None and free.grade is not None:
        order = rs.grade_order()
        assert order.index(ev.grade) >= order.index(free.grade)
        if not any(w.code == "veto" for w in ev.warnings):
            assert ev.grade == free.grade


def _improved(ind: cg.Indicator, value: object, step: float) -> object:
    """``value`` moved ``step`` (a share of the range) in ``ind``'s better direction."""
    if value is None:
        return None
    if ind.kind == "ratio":
        assert isinstance(value, float)
        if ind.direction == "higher":
            return min(1.0, value + step)
        return max(0.0, value - step) if ind.direction == "lower" else value
    if ind.kind == "count":
        assert isinstance(value, float)
        return value + 50 * step if ind.direction == "higher" else max(0.0, value - 50 * step)
    if ind.kind == "boolean":
        return True if step > 0 else value
    return "A" if step > 0 else value


def _coordination_level(ev: cg.Evaluation) -> int:
    return max((int(w.level) for w in ev.warnings if w.code == "coordination"), default=0)


# Steps below 1e-6 are left out: within a few ulps a recomputed D may round either way.
STEPS = st.one_of(st.just(0.0), st.floats(1e-6, 1.0))


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_improving_every_indicator_never_adds_band_or_disconnect_warnings(
    data: st.DataObject,
) -> None:
    """With equal composite weights (同权重, the default) D = (U1·U2)^(1/4) rises with both
    sub-systems, and each tag's score is a weighted mean of indicator scores: so moving every
    indicator toward better (any amounts, any aggregation) never adds a disconnect warning and
    never adds or raises a coordination warning. (Not true of lag: see the examples below.)"""
    rs = data.draw(diagnosed_rulesets(equal_weights=True))
    obs = data.draw(observations(rs))
    better = {i.id: _improved(i, obs[i.id], data.draw(STEPS)) for i in rs.indicators if i.id in obs}
    before, after = ev_of(rs, obs), ev_of(rs, better)
    assert _coordination_level(after) <= _coordination_level(before)
    added = {w.code for w in after.warnings} - {w.code for w in before.warnings}
    assert not {c for c in added if c.startswith("disconnect.")}


@st.composite
def linear_arithmetic_rulesets(draw: st.DrawFn) -> cg.RuleSet:
    """Random trees, arithmetic groups, every indicator a ratio scored 100·value."""
    rs = draw(diagnosed_rulesets(equal_weights=False))
    return attrs.evolve(
        rs,
        groups=[attrs.evolve(g, aggregation="arithmetic") for g in rs.groups],
        indicators=[
            attrs.evolve(
                i, kind="ratio", direction="higher", floor=None, target=1.0, veto=None, grades=None
            )
            for i in rs.indicators
        ],
    )


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_equal_effort_improvement_never_adds_a_lag_warning(data: st.DataObject) -> None:
    """Closing the same share λ of every indicator's distance to full marks scales the gap
    U1 − U2 by (1 − λ) when aggregation is arithmetic: a lag warning is never added."""
    rs = data.draw(linear_arithmetic_rulesets())
    obs = {i.id: data.draw(st.floats(0.0, 1.0)) for i in rs.indicators}
    lam = data.draw(st.floats(0.01, 1.0))
    better = {k: v + lam * (1.0 - v) for k, v in obs.items()}
    before, after = ev_of(rs, obs), ev_of(rs, better)
    assert before.party is not None and after.party is not None
    assert before.business is not None and after.business is not None
    gap_before = before.party - before.business
    assert after.party - after.business == pytest.approx((1 - lam) * gap_before, abs=1e-9)
    if "lag" not in codes(before):
        assert "lag" not in codes(after)


def test_uniform_improvement_can_add_a_lag_warning_because_scores_saturate() -> None:
    # P = 80 (one indicator), B = mean(100, 40) = 70: gap 0.10. Twenty more points on every
    # indicator: P = 100, but B = mean(100, 60) = 80 as the first business score is capped.
    b2 = cg.Indicator(id="b2", name=T, dimension="business", kind="ratio", weight=1.0)
    rs = linear_ruleset(b2)
    before = cg.evaluate(rs, UNIT, {"p": 0.8, "b": 1.0, "b2": 0.4})
    after = cg.evaluate(rs, UNIT, {"p": 1.0, "b": 1.0, "b2": 0.6})
    assert "lag" not in codes(before) and codes(after)["lag"] is ORANGE


def test_with_unequal_weights_improving_one_side_can_lower_coordination() -> None:
    # α = 0.05: D² = C·T with T = 0.05·U1 + 0.95·U2; raising U1 past U2 costs more coupling C
    # than it adds development T.
    rs = linear_ruleset(weights=cg.CompositeWeights(party=0.05, business=0.95))
    before = cg.evaluate(rs, UNIT, {"p": 0.3, "b": 0.3})
    after = cg.evaluate(rs, UNIT, {"p": 1.0, "b": 0.3})
    assert before.coordination is not None and after.coordination is not None
    assert after.coordination.degree < before.coordination.degree


# --- plugins through a Guide --------------------------------------------------------------------


def _late_reports(ruleset: cg.RuleSet, ev: cg.Evaluation) -> list[cg.Warning]:
    if ev.business is not None and ev.business < 50:
        return [
            cg.Warning(
                level=ORANGE,
                code="acme.late",
                message=cg.Text(zh="业务报表迟报", en="business reports late"),
                evidence=[cg.Evidence(subject="b", value=ev.business, threshold=50.0)],
            )
        ]
    return []


def _broken(ruleset: cg.RuleSet, ev: cg.Evaluation) -> list[cg.Warning]:
    raise ZeroDivisionError("no members")


class AcmePlugin:
    """A sector plugin: a rule set, warning rules and countermeasures."""

    def __init__(self, *rules: cg.WarningRuleSpec) -> None:
        self.rules = rules

    @cg.hookimpl
    def classguide_rulesets(self) -> list[cg.RuleSet]:
        own = [cg.Countermeasure(category="study", text=OWN)]
        return [attrs.evolve(linear_ruleset(), id="acme", countermeasures=own)]

    @cg.hookimpl
    def classguide_warning_rules(self) -> tuple[cg.WarningRuleSpec, ...]:
        return self.rules

    @cg.hookimpl
    def classguide_countermeasures(self, ruleset: cg.RuleSet) -> list[cg.Countermeasure]:
        return [
            cg.Countermeasure(category="study", text=PLUGIN),  # the rule set's own wins
            cg.Countermeasure(category="lag.party", text=PLUGIN),
            cg.Countermeasure(category="acme.late", text=PLUGIN),
        ]


LATE = cg.WarningRuleSpec(id="acme.late", name=cg.Text(zh="迟报"), rule=_late_reports)


def acme_guide(*rules: cg.WarningRuleSpec) -> cg.Guide:
    return cg.Guide(plugins=[AcmePlugin(*rules)], autoload=False, strict=True)


def test_plugin_rule_warnings_and_countermeasures_through_a_guide() -> None:
    ev = acme_guide(LATE).evaluate(UNIT, {"p": 0.05, "b": 0.4})
    late = only(ev, "acme.late")
    assert late.rule == "acme.late" and late.level is ORANGE
    assert late.countermeasures == (PLUGIN,)
    assert only(ev, "lag").countermeasures == (PLUGIN,)  # the plugin's, before the defaults
    assert only(ev, "disconnect.study").countermeasures == (OWN,)  # the rule set's own first
    assert set(only(ev, "coordination").countermeasures) <= set(COUNTERMEASURE_GROUPS.values())
    assert list(ev.warnings) == sorted(ev.warnings, key=warning_sort_key)
    assert "acme.late" not in codes(acme_guide(LATE).evaluate(UNIT, {"p": 0.9, "b": 0.9}))


def test_plugin_rule_that_raises_is_an_error_naming_the_plugin_and_the_rule() -> None:
    spec = cg.WarningRuleSpec(id="acme.broken", name=cg.Text(zh="坏规则"), rule=_broken)
    with pytest.raises(cg.PluginError) as info:
        acme_guide(LATE, spec).evaluate(UNIT, {"p": 0.5, "b": 0.5})
    text = str(info.value)
    assert "'acme.broken'" in text and "AcmePlugin" in text and "unit 'u'" in text
    assert "ZeroDivisionError: no members" in text
    assert isinstance(info.value.__cause__, ZeroDivisionError)


# --- on the kit's random valid rule sets (custom bands, tags, vetoes, tiers, formulas) ----------


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_warnings_on_any_valid_rule_set(data: st.DataObject) -> None:
    rs = data.draw(cgst.rulesets(unit_type="organ", max_indicators=8, equal_weights=False))
    unit = data.draw(cgst.units("organ", where=rs.selector))
    ev = cg.evaluate(rs, unit, data.draw(cgst.observations(rs, unit=unit, missing=0.1)))
    assert list(ev.warnings) == sorted(ev.warnings, key=warning_sort_key)
    got = {w.code for w in ev.warnings}
    assert ("incomplete" in got) is (not ev.complete)
    violated = sorted(i for i, r in ev.indicators.items() if r.floor_met is False)
    assert sorted(w.evidence[0].subject for w in ev.warnings if w.code == "floor") == violated
    bands = [b.id for b in sorted(rs.coordination_bands, key=lambda b: b.min)]
    coordination = [w for w in ev.warnings if w.code == "coordination"]
    if ev.band is not None:
        pos = bands.index(ev.band)
        red, orange = rs.alerts.red_at_or_below, rs.alerts.orange_at_or_below
        expected = (
            RED
            if red is not None and pos <= bands.index(red)
            else ORANGE
            if orange is not None and pos <= bands.index(orange)
            else None
        )
        assert [w.level for w in coordination] == ([] if expected is None else [expected])
    for w in ev.warnings:
        assert w.countermeasures and w.message.zh and w.message.en
        # the rules' lookup agrees with the categories read back from the warning
        assert w.countermeasures == countermeasures_for(rs, *warning_categories(rs, w))
