"""Coupling coordination C, T, D: oracle, hand cases, the lost-factor regression, properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import classguide as cg
from classguide.coupling import band_for, lag_type
from classguide.ruleset import DEFAULT_COORDINATION_BANDS

# Oracle O2 (methods.md §10): Hindawi, Mathematical Problems in Engineering 2022, article
# 2969206, Table 4 (urban–rural logistics), values published to 3 dp; C = 2√(UuUr)/(Uu+Ur),
# T = 0.5Uu + 0.5Ur, D = √(CT). Inputs are rounded, hence the tolerance 1e-3.
O2 = [
    # year, Uu, Ur, C, T, D
    (2011, 0.101, 0.280, 0.882, 0.190, 0.410),
    (2012, 0.165, 0.406, 0.906, 0.286, 0.509),
    (2013, 0.187, 0.427, 0.920, 0.307, 0.532),
    (2014, 0.238, 0.511, 0.931, 0.374, 0.590),
    (2015, 0.424, 0.421, 1.000, 0.422, 0.650),
    (2016, 0.538, 0.407, 0.990, 0.473, 0.684),
    (2017, 0.591, 0.466, 0.993, 0.528, 0.724),
    (2018, 0.694, 0.581, 0.996, 0.638, 0.797),
    (2019, 0.892, 0.662, 0.989, 0.777, 0.877),
    (2020, 0.879, 0.637, 0.987, 0.758, 0.865),
]


@pytest.mark.parametrize(("year", "uu", "ur", "c", "t", "d"), O2)
def test_published_table_hindawi_2022(
    year: int, uu: float, ur: float, c: float, t: float, d: float
) -> None:
    res = cg.coordination(uu, ur)
    assert res.coupling == pytest.approx(c, abs=1e-3)
    assert res.development == pytest.approx(t, abs=1e-3)
    assert res.degree == pytest.approx(d, abs=1e-3)


def test_lost_factor_two_is_not_what_we_compute() -> None:
    # The "lost coefficient" form √(U1U2)/(U1+U2) gives C = 0.4414 for 2011 (methods.md §10 O2);
    # the normative form gives twice that.
    res = cg.coordination(0.101, 0.280)
    lost = math.sqrt(0.101 * 0.280) / (0.101 + 0.280)
    assert lost == pytest.approx(0.4414, abs=1e-4)
    assert res.coupling == pytest.approx(2 * lost)
    assert res.coupling > 0.5  # the lost-factor form can never exceed 0.5


def test_equal_subsystems_couple_fully() -> None:
    for u in (0.01, 0.3, 0.77, 1.0):
        assert cg.coordination(u, u).coupling == pytest.approx(1.0)


def test_both_zero_gives_zero() -> None:
    res = cg.coordination(0.0, 0.0)
    assert (res.coupling, res.development, res.degree) == (0.0, 0.0, 0.0)


def test_party_weight_shifts_development() -> None:
    res = cg.coordination(0.8, 0.4, party_weight=0.75)
    assert res.development == pytest.approx(0.75 * 0.8 + 0.25 * 0.4)


@pytest.mark.parametrize("bad", [-0.01, 1.01, float("nan"), float("inf"), "0.5", True])
def test_out_of_range_inputs_are_rejected(bad: object) -> None:
    with pytest.raises(cg.ClassguideError) as err:
        cg.coordination(bad, 0.5)  # type: ignore[arg-type]
    assert isinstance(err.value, ValueError)
    assert "party" in str(err.value)


unit = st.floats(0.0, 1.0)


@given(unit, unit)
def test_coupling_symmetric_and_bounded(u1: float, u2: float) -> None:
    a, b = cg.coordination(u1, u2), cg.coordination(u2, u1)
    assert a.coupling == pytest.approx(b.coupling)
    assert a.degree == pytest.approx(b.degree)
    for x in (a.coupling, a.development, a.degree):
        assert 0.0 <= x <= 1.0


@given(unit, unit, unit)
def test_degree_monotone_in_the_lagging_side(low: float, high: float, step: float) -> None:
    # Raising the lower sub-system towards the higher one never lowers D.
    lo, hi = sorted((low, high))
    raised = lo + (hi - lo) * step
    assert cg.coordination(raised, hi).degree >= cg.coordination(lo, hi).degree - 1e-12


def test_default_bands_follow_tian_2021() -> None:
    # 田深圳 et al. 2021, 地理学报 76(4), Table 1: (0.4, 0.5] 濒临失调, (0.5, 0.6] 勉强协调.
    assert band_for(0.45, DEFAULT_COORDINATION_BANDS) == "near_imbalance"
    assert band_for(0.5, DEFAULT_COORDINATION_BANDS) == "near_imbalance"
    assert band_for(0.5000001, DEFAULT_COORDINATION_BANDS) == "barely_coordinated"
    assert band_for(0.0, DEFAULT_COORDINATION_BANDS) == "extreme_imbalance"
    assert band_for(1.0, DEFAULT_COORDINATION_BANDS) == "quality_coordination"
    names = [b.name.zh for b in DEFAULT_COORDINATION_BANDS]
    assert names[0] == "极度失调" and names[-1] == "优质协调" and len(names) == 10


@pytest.mark.parametrize(
    ("p", "b", "expected"),
    [
        (0.80, 0.65, "business"),
        (0.65, 0.80, "party"),
        (0.70, 0.65, "balanced"),
        (0.75, 0.65, "balanced"),
        (0.76, 0.65, "business"),
    ],
)
def test_lag_type_default_delta(p: float, b: float, expected: str) -> None:
    # 徐维祥 et al. 2020, 自然资源学报 35(9): a gap over 0.1 means the other side lags.
    assert lag_type(p, b) == expected
