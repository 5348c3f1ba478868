"""Trends across periods: period order, the compared run, the three trend rules."""

from __future__ import annotations

import itertools
import random

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import classguide as cg

T = cg.Text(zh="指标", en="indicator")
UNIT = cg.Unit(
    id="u", name="单位", unit_type="organ", attributes={"level": "county", "foundation": "standard"}
)


def ruleset(version: str = "1", comparable: tuple[str, ...] = ()) -> cg.RuleSet:
    """P = 100·p, B = 100·b; with p = b = d² the coordination degree is D = d."""
    return cg.RuleSet(
        id="lin",
        version=version,
        name=T,
        unit_type="organ",
        indicators=(
            cg.Indicator(id="p", name=T, dimension="party", kind="ratio", weight=1.0),
            cg.Indicator(id="b", name=T, dimension="business", kind="ratio", weight=1.0),
        ),
        comparable_versions=comparable,
    )


RS = ruleset()


def at(period: str, d: float | None, rs: cg.RuleSet = RS, unit: cg.Unit = UNIT) -> cg.Evaluation:
    """An evaluation of ``unit`` in ``period`` with coordination degree ``d`` (None: no data)."""
    u = None if d is None else d * d
    return cg.evaluate(rs, unit, {"p": u, "b": u}, period=period)


def trend_codes(
    current: cg.Evaluation, history: list[cg.Evaluation], rs: cg.RuleSet = RS
) -> set[str]:
    return {w.code for w in cg.trend_warnings(current, history, rs)}


# --- periods ------------------------------------------------------------------------------------


def test_periods_sort_by_first_month_longer_first() -> None:
    periods = ["2025", "2024-02", "2024-H2", "2024-Q2", "2024-01", "2024-Q1", "2024-H1", "2024"]
    assert sorted(periods, key=cg.period_key) == [
        "2024",
        "2024-H1",
        "2024-Q1",
        "2024-01",
        "2024-02",
        "2024-Q2",
        "2024-H2",
        "2025",
    ]
    assert cg.period_key("2024-h2") == cg.period_key("2024-H2")


@pytest.mark.parametrize(
    "bad", ["", "24", "2024-H3", "2024-Q5", "2024-13", "2024-00", "FY2024", "2024/06"]
)
def test_unsortable_periods_are_rejected_with_the_accepted_forms(bad: str) -> None:
    with pytest.raises(cg.PeriodError, match=r"YYYY, YYYY-Hn .* or YYYY-MM"):
        cg.parse_period(bad)


@pytest.mark.parametrize(
    ("period", "following"),
    [
        ("2024", "2025"),
        ("2024-H2", "2025-H1"),
        ("2024-Q3", "2024-Q4"),
        ("2024-Q4", "2025-Q1"),
        ("2024-12", "2025-01"),
        ("2024-h1", "2024-H2"),
    ],
)
def test_next_period(period: str, following: str) -> None:
    assert cg.parse_period(period).next().text == following


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(2000, 2040), st.sampled_from(["", "H", "Q", "M"]), st.integers(1, 12)
        ),
        min_size=1,
        max_size=12,
    )
)
def test_period_order_agrees_with_time(raw: list[tuple[int, str, int]]) -> None:
    texts = []
    for year, form, n in raw:
        if form == "H":
            texts.append(f"{year}-H{(n - 1) % 2 + 1}")
        elif form == "Q":
            texts.append(f"{year}-Q{(n - 1) % 4 + 1}")
        elif form == "M":
            texts.append(f"{year}-{n:02d}")
        else:
            texts.append(str(year))
    ordered = sorted(texts, key=cg.period_key)
    starts = [cg.parse_period(t).start for t in ordered]
    assert starts == sorted(starts)
    for a, b in itertools.pairwise(ordered):
        pa, pb = cg.parse_period(a), cg.parse_period(b)
        if pa.start == pb.start:
            assert pa.months >= pb.months  # a longer period first
    for t in texts:
        p = cg.parse_period(t)
        assert p.next().start == p.end + 1 and p.next().months == p.months


# --- falling D ----------------------------------------------------------------------------------


def test_falling_in_two_consecutive_periods_is_yellow_in_any_order() -> None:
    history = [at("2024", 0.75), at("2022", 0.85), at("2023", 0.80)]
    current = at("2025", 0.72)
    found = cg.trend_warnings(current, history, RS)
    # (0.72 − 0.80) / 2 = −0.04 a period also projects 0.68, into primary coordination
    assert [w.code for w in found] == ["trend.falling", "trend.projected"]
    w = found[0]
    assert w.level is cg.WarningLevel.YELLOW and not w.predicted and w.countermeasures
    assert [e.subject for e in w.evidence] == ["degree@2023", "degree@2024", "degree@2025"]
    assert "2023 D=0.800 → 2024 D=0.750 → 2025 D=0.720" in w.message.zh
    for _ in range(5):
        shuffled = random.Random(_).sample(history, len(history))
        assert cg.trend_warnings(current, shuffled, RS) == found


@pytest.mark.parametrize(
    ("ds", "falling"),
    [
        ((0.80, 0.75, 0.72), True),
        ((0.80, 0.75, 0.75), False),  # the second period does not fall
        ((0.75, 0.75, 0.72), False),  # the first does not
        ((0.70, 0.75, 0.72), False),  # rise then fall
        ((0.80, 0.72), False),  # only one fall known
    ],
)
def test_falling_needs_two_falls(ds: tuple[float, ...], falling: bool) -> None:
    years = [str(2025 - len(ds) + 1 + k) for k in range(len(ds))]
    evs = [at(y, d) for y, d in zip(years, ds, strict=True)]
    assert ("trend.falling" in trend_codes(evs[-1], evs[:-1])) is falling


def test_a_gap_breaks_the_chain() -> None:
    history = [at("2021", 0.85), at("2022", 0.80)]  # 2023 missing
    current = at("2023-H1", 0.5)  # another form: compared with nothing
    assert cg.trend_run(current, history, RS) == (current,)
    current = at("2024", 0.75)
    assert cg.trend_run(current, history, RS) == (current,)
    assert trend_codes(current, history) == set()
    with_2023 = [*history, at("2023", 0.78)]
    assert [e.period for e in cg.trend_run(current, with_2023, RS)] == [
        "2021",
        "2022",
        "2023",
        "2024",
    ]
    assert "trend.falling" in trend_codes(current, with_2023)


def test_half_years_chain_across_the_year() -> None:
    history = [at("2024-H1", 0.85), at("2024-H2", 0.80), at("2024", 0.5)]
    current = at("2025-H1", 0.78)
    assert [e.period for e in cg.trend_run(current, history, RS)] == [
        "2024-H1",
        "2024-H2",
        "2025-H1",
    ]
    assert "trend.falling" in trend_codes(current, history)


# --- band drop ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "now", "dropped"),
    [
        (0.85, 0.75, False),  # good → intermediate: one band
        (0.85, 0.65, True),  # good → primary: two bands
        (0.801, 0.6001, True),  # the same two bands, near their edges
        (0.85, 0.45, True),  # good → near imbalance: four bands
        (0.65, 0.85, False),  # a rise
    ],
)
def test_band_drop_of_two_or_more_is_orange(before: float, now: float, dropped: bool) -> None:
    found = cg.trend_warnings(at("2025", now), [at("2024", before)], RS)
    band = [w for w in found if w.code == "trend.band_drop"]
    assert bool(band) is dropped
    if band:
        assert band[0].level is cg.WarningLevel.ORANGE and not band[0].predicted
        assert band[0].evidence[1].threshold == 2.0


def test_band_drop_thresholds_exactly() -> None:
    # D = 0.7 is the top of primary coordination (0.6, 0.7]; 0.8 the top of intermediate.
    assert at("2024", 0.8).band == "intermediate_coordination"
    assert at("2025", 0.7).band == "primary_coordination"
    one = cg.trend_warnings(at("2025", 0.7), [at("2024", 0.8)], RS)
    assert "trend.band_drop" not in {w.code for w in one}
    two = cg.trend_warnings(at("2025", 0.7), [at("2024", 0.8001)], RS)
    assert "trend.band_drop" in {w.code for w in two}
    assert "由“良好协调”（2024，D=0.800）降至“初级协调”（2025，D=0.700）" in next(
        w.message.zh for w in two if w.code == "trend.band_drop"
    )


# --- projection ---------------------------------------------------------------------------------


def test_projection_into_a_lower_band_is_blue_and_predicted() -> None:
    found = cg.trend_warnings(at("2025", 0.72), [at("2024", 0.78)], RS)
    proj = [w for w in found if w.code == "trend.projected"]
    assert len(proj) == 1
    w = proj[0]
    assert w.level is cg.WarningLevel.BLUE and w.predicted
    assert w.evidence[1].subject == "degree@2026"
    assert w.evidence[1].value == pytest.approx(0.66)
    assert w.evidence[1].threshold == pytest.approx(0.7)
    assert "下期（2026）D≈0.660" in w.message.zh


@pytest.mark.parametrize(
    ("ds", "projected"),
    [
        ((0.78, 0.76), False),  # → 0.74: still intermediate (0.7, 0.8]
        ((0.80, 0.76), False),  # → 0.72: still intermediate
        ((0.80, 0.7401), True),  # → 0.6802: primary, one band lower
        ((0.76, 0.78), False),  # rising
        ((0.90, 0.90, 0.74), True),  # mean change (0.74 − 0.90) / 2 = −0.08 → 0.66
        ((0.74, 0.90, 0.74), False),  # no change over the last two steps
        ((0.20, 0.12), True),  # → 0.04: severe → extreme imbalance
        ((0.30, 0.10), False),  # already in the lowest band (D clipped at 0)
    ],
)
def test_projection_cases(ds: tuple[float, ...], projected: bool) -> None:
    years = [str(2025 - len(ds) + 1 + k) for k in range(len(ds))]
    evs = [at(y, d) for y, d in zip(years, ds, strict=True)]
    assert ("trend.projected" in trend_codes(evs[-1], evs[:-1])) is projected


# --- versions, completeness, errors -------------------------------------------------------------


def test_versions_are_compared_only_when_declared_comparable() -> None:
    v1 = ruleset("1")
    history = [at("2023", 0.9, v1), at("2024", 0.85, v1)]
    v2 = ruleset("2")
    current = at("2025", 0.65, v2)
    assert cg.trend_run(current, history, v2) == (current,)
    assert cg.trend_warnings(current, history, v2) == ()
    v2c = ruleset("2", comparable=("1",))
    current = at("2025", 0.65, v2c)
    assert trend_codes(current, history, v2c) == {
        "trend.falling",
        "trend.band_drop",
        "trend.projected",
    }


def test_a_non_comparable_version_in_the_middle_breaks_the_chain() -> None:
    v1, v2 = ruleset("1"), ruleset("2")
    v3 = ruleset("3", comparable=("2",))
    history = [at("2022", 0.95, v2), at("2023", 0.90, v1), at("2024", 0.85, v2)]
    current = at("2025", 0.80, v3)
    assert [e.period for e in cg.trend_run(current, history, v3)] == ["2024", "2025"]
    assert "trend.falling" not in trend_codes(current, history, v3)


def test_another_rule_set_breaks_the_chain() -> None:
    other = attrs.evolve(RS, id="other")
    history = [at("2023", 0.9), at("2024", 0.85, other)]
    assert cg.trend_run(at("2025", 0.8), history, RS)[0].period == "2025"


def test_incomplete_evaluations_break_the_chain_and_get_no_trends() -> None:
    history = [at("2022", 0.9), at("2023", 0.85), at("2024", None)]
    assert cg.trend_run(at("2025", 0.5), history, RS)[0].period == "2025"
    assert cg.trend_warnings(at("2025", None), history[:2], RS) == ()
    assert cg.trend_run(at("2025", None), history[:2], RS) == ()


def test_current_in_its_own_history_is_skipped() -> None:
    history = [at("2023", 0.85), at("2024", 0.80)]
    current = at("2025", 0.72)
    assert cg.trend_warnings(current, [*history, current], RS) == cg.trend_warnings(
        current, history, RS
    )


def test_with_trends_adds_sorted_and_is_idempotent() -> None:
    history = [at("2023", 0.9), at("2024", 0.85)]
    current = at("2025", 0.65)
    once = cg.with_trends(current, history, RS)
    assert cg.with_trends(once, history, RS) == once
    assert {w.code for w in once.warnings} >= {"trend.falling", "trend.band_drop"}
    levels = [w.level for w in once.warnings]
    assert levels == sorted(levels, reverse=True)
    assert set(current.warnings) <= set(once.warnings)


@pytest.mark.parametrize(
    ("history", "match"),
    [
        (
            [at("2024", 0.8, unit=attrs.evolve(UNIT, id="v"))],
            r"history\[0\] is of unit 'v', not 'u'",
        ),
        (
            [at("2024", 0.8), at("2024", 0.7)],
            r"period '2024' appears twice \(history\[1\] and history\[0\]\)",
        ),
        ([at("2025", 0.8)], r"'2025' appears twice"),
        (
            [at("2026", 0.8)],
            r"history\[0\] has period '2026', not earlier than the current period '2025'",
        ),
        ([at("2025-H2", 0.8)], r"not earlier than"),
        (
            [cg.evaluate(RS, UNIT, {"p": 0.5, "b": 0.5})],
            r"history\[0\] evaluation of unit 'u' has no period",
        ),
    ],
)
def test_history_errors(history: list[cg.Evaluation], match: str) -> None:
    with pytest.raises(cg.HistoryError, match=match):
        cg.trend_warnings(at("2025", 0.7), history, RS)


def test_bad_period_names_the_evaluation() -> None:
    with pytest.raises(cg.PeriodError, match=r"history\[0\] evaluation of unit 'u': period '24Q1'"):
        cg.trend_warnings(at("2025", 0.7), [at("24Q1", 0.8)], RS)
    with pytest.raises(cg.PeriodError, match=r"current evaluation"):
        cg.trend_warnings(at("this year", 0.7), [], RS)


def test_rule_set_must_be_the_current_evaluations() -> None:
    with pytest.raises(cg.RuleSetMismatchError, match=r"not 'lin' 2"):
        cg.trend_warnings(at("2025", 0.7), [], ruleset("2"))


# --- properties ---------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.floats(0.05, 1.0)), min_size=1, max_size=6),
    st.randoms(use_true_random=False),
)
def test_trends_do_not_depend_on_history_order(ds: list[float | None], rnd: random.Random) -> None:
    evs = [at(str(2000 + k), d) for k, d in enumerate(ds)]
    current, history = evs[-1], evs[:-1]
    shuffled = rnd.sample(history, len(history))
    found = cg.trend_warnings(current, history, RS)
    assert cg.trend_warnings(current, shuffled, RS) == found
    run = cg.trend_run(current, shuffled, RS)
    assert all(e.complete for e in run)
    if run:
        assert run[-1] is current
        periods = [cg.parse_period(e.period or "") for e in run]
        for a, b in itertools.pairwise(periods):
            assert a.next() == b
    for w in found:
        assert w.predicted is (w.code == "trend.projected")
