"""Diagnosis: built-in warning rules at their thresholds, countermeasures, and properties."""

from __future__ import annotations

import attrs
import pytest

import classguide as cg
from classguide.results import warning_sort_key


def _w(level: cg.WarningLevel, code: str, subject: str = "", zh: str = "预警") -> cg.Warning:
    return cg.Warning(
        level=level,
        code=code,
        message=cg.Text(zh=zh, en="warning"),
        evidence=(cg.Evidence(subject=subject),) if subject else (),
    )


def test_sort_key_is_total_and_independent_of_input_order() -> None:
    ws = [
        _w(cg.WarningLevel.YELLOW, "floor", "b"),
        _w(cg.WarningLevel.BLUE, "incomplete"),
        _w(cg.WarningLevel.YELLOW, "floor", "a"),
        _w(cg.WarningLevel.RED, "veto", "a"),
        _w(cg.WarningLevel.YELLOW, "disconnect.study", "study"),
    ]
    a = sorted(ws, key=warning_sort_key)
    b = sorted(reversed(ws), key=warning_sort_key)
    assert a == b
    assert [(w.code, w.evidence[0].subject if w.evidence else "") for w in a] == [
        ("veto", "a"),
        ("disconnect.study", "study"),
        ("floor", "a"),
        ("floor", "b"),
        ("incomplete", ""),
    ]


# --- a tiny rule set where scores are easy to set: score = 100·value --------------------------

T = cg.Text(zh="指标", en="indicator")
UNIT = cg.Unit(
    id="u", name="单位", unit_type="organ", attributes={"level": "county", "foundation": "standard"}
)


def linear_ruleset(**changes: object) -> cg.RuleSet:
    """P = 100·p, B = 100·b; p tagged ``study``, b tagged ``outcome`` (no floors)."""
    rs = cg.RuleSet(
        id="lin",
        version="1",
        name=T,
        unit_type="organ",
        indicators=(
            cg.Indicator(
                id="p", name=T, dimension="party", kind="ratio", weight=1.0, tags=["study"]
            ),
            cg.Indicator(
                id="b", name=T, dimension="business", kind="ratio", weight=1.0, tags=["outcome"]
            ),
        ),
    )
    return attrs.evolve(rs, **changes)


def codes(ev: cg.Evaluation) -> dict[str, cg.WarningLevel]:
    return {w.code: w.level for w in ev.warnings}


@pytest.mark.parametrize(
    ("p", "b", "warned"),
    [(0.70, 0.5001, False), (0.70, 0.50, True), (0.70, 0.4999, True), (0.801, 0.601, True)],
)
def test_lag_gap_threshold(p: float, b: float, warned: bool) -> None:
    # 0.7 − 0.5 is 0.19999999999999996 in binary floating point; at the threshold must warn.
    ev = cg.evaluate(linear_ruleset(), UNIT, {"p": p, "b": b})
    assert ("lag" in codes(ev)) is warned


@pytest.mark.parametrize(("v", "warned"), [(0.5999, True), (0.60, False), (0.6001, False)])
def test_disconnect_threshold(v: float, warned: bool) -> None:
    ev = cg.evaluate(linear_ruleset(), UNIT, {"p": v, "b": 0.6})
    assert ("disconnect.study" in codes(ev)) is warned
    assert "disconnect.outcome" not in codes(ev)


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
    assert codes(cg.evaluate(fixed, UNIT, {"p": 0.2, "b": 0.2}))["coordination"] == (
        cg.WarningLevel.ORANGE
    )
