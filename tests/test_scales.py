"""Scales: piecewise-linear floor/target curves, booleans, grades, input checks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import classguide as cg
from classguide.scales import piecewise_score, raw_number, scale_for

T = cg.Text(zh="指标", en="indicator")


def ind(**kw: object) -> cg.Indicator:
    base: dict[str, object] = dict(id="x", name=T, dimension="party", kind="ratio", weight=1.0)
    base.update(kw)
    return cg.Indicator(**base)  # type: ignore[arg-type]


def score(i: cg.Indicator, v: float, target: float | None = None) -> tuple[float, bool | None]:
    return piecewise_score(v, scale_for(i, pass_score=60.0, target=target))


def test_higher_is_better_passes_through_floor_and_target() -> None:
    i = ind(floor=0.6, target=0.9)
    assert score(i, 0.0) == (0.0, False)
    assert score(i, 0.3) == (pytest.approx(30.0), False)  # 0 → 0, floor 0.6 → 60
    assert score(i, 0.6) == (60.0, True)
    assert score(i, 0.75)[0] == pytest.approx(80.0)
    assert score(i, 0.9) == (100.0, True)
    assert score(i, 1.0) == (100.0, True)


def test_lower_is_better_mirrors() -> None:
    i = ind(kind="count", direction="lower", floor=4.0, target=0.0, bounds=(0.0, 8.0))
    assert score(i, 0.0) == (100.0, True)
    assert score(i, 2.0)[0] == pytest.approx(80.0)
    assert score(i, 4.0) == (60.0, True)
    assert score(i, 6.0) == (pytest.approx(30.0), False)
    assert score(i, 8.0) == (0.0, False)
    assert score(i, 20.0) == (0.0, False)


def test_band_is_full_inside_and_falls_outside() -> None:
    # 机关 staffing band 1%–2% (sectors.md O8): inside is compliant.
    i = ind(direction="band", floor=0.01, target=0.02, bounds=(0.0, 0.04))
    assert score(i, 0.015) == (100.0, True)
    assert score(i, 0.005) == (pytest.approx(50.0), False)
    assert score(i, 0.03) == (pytest.approx(50.0), False)
    assert score(i, 0.05) == (0.0, False)


def test_boolean_and_grade() -> None:
    b = ind(kind="boolean", floor=1.0)
    assert score(b, raw_number(b, True)) == (100.0, True)  # type: ignore[arg-type]
    assert score(b, raw_number(b, False)) == (0.0, False)  # type: ignore[arg-type]
    g = ind(kind="grade", grades={"好": 100.0, "一般": 60.0, "差": 0.0}, floor=60.0)
    assert raw_number(g, "一般") == 60.0
    assert score(g, 60.0) == (60.0, True)
    assert score(g, 0.0) == (0.0, False)


def test_moderated_target_for_weak_foundation() -> None:
    i = ind(floor=0.6, target=0.9)
    assert score(i, 0.8, target=0.8)[0] == 100.0
    assert score(i, 0.8)[0] < 100.0


@pytest.mark.parametrize(
    ("kw", "value", "needle"),
    [
        ({}, 85.0, r"outside \[0, 1\].*write 0.85"),
        ({}, "0,3", "expected a number"),
        ({}, True, "expected a number"),
        ({"kind": "count"}, -1.0, "must not be negative"),
        ({"kind": "boolean"}, 0.5, "true/false"),
        ({"kind": "grade", "grades": {"好": 100.0}}, "优", "unknown grade label"),
        ({}, float("inf"), "finite"),
    ],
)
def test_bad_values_name_the_indicator(kw: dict[str, object], value: object, needle: str) -> None:
    with pytest.raises(cg.EvaluationInputError, match=needle) as err:
        raw_number(ind(**kw), value)
    assert "'x'" in str(err.value)


def test_nan_is_missing_not_zero() -> None:
    assert raw_number(ind(), float("nan")) is None


bounds = st.floats(0.0, 1.0)


@given(
    st.lists(bounds, min_size=2, max_size=2),
    bounds,
    bounds,
    st.sampled_from(["higher", "lower", "band"]),
)
def test_scores_bounded_and_monotone(ft: list[float], v1: float, v2: float, direction: str) -> None:
    a, b = sorted(ft)
    floor, target = (b, a) if direction == "lower" else (a, b)
    i = ind(direction=direction, floor=floor, target=target)
    lo, hi = sorted((v1, v2))
    s_lo, s_hi = score(i, lo)[0], score(i, hi)[0]
    assert 0.0 <= s_lo <= 100.0 and 0.0 <= s_hi <= 100.0
    if direction == "higher":
        assert s_hi >= s_lo
    elif direction == "lower":
        assert s_lo >= s_hi
    else:
        inside = [v for v in (lo, hi) if floor <= v <= target]
        assert all(score(i, v)[0] == 100.0 for v in inside)


@given(bounds, bounds)
def test_floor_violation_whatever_the_score(floor: float, v: float) -> None:
    i = ind(floor=floor, target=1.0)
    assert score(i, v)[1] is (v >= floor)
