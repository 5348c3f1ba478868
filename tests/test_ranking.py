"""Ranking within class: competition ranks, percentiles, classes, bottom-of-class interviews."""

from __future__ import annotations

import random

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import classguide as cg
from classguide.batch.ranking import score_ranks
from classguide.ranking import bottom_count, percentile, score_key
from classguide.results import warning_sort_key

T = cg.Text(zh="指标", en="indicator")


def ruleset(rs_id: str = "lin", version: str = "1", **alerts: object) -> cg.RuleSet:
    """S = 100·x when p = b = x."""
    return cg.RuleSet(
        id=rs_id,
        version=version,
        name=cg.Text(zh="县直机关", en="county organs"),
        unit_type="organ",
        indicators=(
            cg.Indicator(id="p", name=T, dimension="party", kind="ratio", weight=1.0),
            cg.Indicator(id="b", name=T, dimension="business", kind="ratio", weight=1.0),
        ),
        alerts=cg.AlertSettings(**alerts),  # type: ignore[arg-type]
    )


RS = ruleset(bottom_n=1)


def unit(uid: str, foundation: str = "standard") -> cg.Unit:
    return cg.Unit(
        id=uid,
        name=uid,
        unit_type="organ",
        attributes={"level": "county", "foundation": foundation},
    )


def scored(
    uid: str,
    s: float | None,
    rs: cg.RuleSet = RS,
    period: str = "2025",
    foundation: str = "standard",
) -> cg.Evaluation:
    """An evaluation with composite score ``s`` (``None``: incomplete)."""
    x = None if s is None else s / 100
    return cg.evaluate(rs, unit(uid, foundation), {"p": x, "b": x}, period=period)


def interviewed(ev: cg.Evaluation) -> bool:
    return any(w.code == "interview" for w in ev.warnings)


def test_competition_ranking_and_percentiles() -> None:
    evs = [scored("a", 70), scored("b", 90), scored("c", 70), scored("d", 50)]
    ranked = cg.rank(evs, rulesets=[RS])
    assert [e.unit.id for e in ranked] == ["a", "b", "c", "d"]  # input order
    assert [e.rank for e in ranked] == [2, 1, 2, 4]
    assert {e.class_size for e in ranked} == {4}
    # 100·(n − rank)/(n − 1): share of the other units scoring at or below
    assert [e.percentile for e in ranked] == pytest.approx([200 / 3, 100.0, 200 / 3, 0.0])
    assert [interviewed(e) for e in ranked] == [False, False, False, True]
    assert all(e.rank is None for e in evs)  # inputs untouched


def test_interview_warning() -> None:
    ranked = cg.rank([scored("a", 80), scored("b", 60)], rulesets=[RS])
    w = next(w for w in ranked[1].warnings if w.code == "interview")
    assert w.level is cg.WarningLevel.YELLOW and w.rule == "core" and w.countermeasures
    assert (
        "在“县直机关”同类 2 个单位中排第 2 名" in w.message.zh and "末位 1 名约谈" in w.message.zh
    )
    assert "ranked 2 of 2" in w.message.en
    assert w.evidence[0] == cg.Evidence(subject="rank", value=2.0, threshold=2.0, relation="of")
    assert list(ranked[1].warnings) == sorted(ranked[1].warnings, key=warning_sort_key)


@pytest.mark.parametrize(("place", "flagged"), [(3, False), (4, True), (5, True)])
def test_bottom_n_threshold(place: int, flagged: bool) -> None:
    rs = ruleset(bottom_n=2)
    evs = [scored(f"u{k}", 100 - 10 * k, rs) for k in range(1, 6)]  # places 1..5
    ranked = cg.rank(evs, rulesets=[rs])
    assert interviewed(ranked[place - 1]) is flagged


@pytest.mark.parametrize(
    ("share", "n", "k"),
    [(0.1, 30, 3), (0.1, 31, 4), (0.1, 29, 3), (0.1, 5, 1), (0.2, 10, 2), (0.25, 10, 3)],
)
def test_bottom_share_rounds_up_without_float_noise(share: float, n: int, k: int) -> None:
    # 0.1·30 is 3.0000000000000004 in binary: still three places, not four
    assert bottom_count(ruleset(bottom_share=share), n) == k


def test_bottom_n_and_share_together_take_the_larger() -> None:
    assert bottom_count(ruleset(bottom_n=2, bottom_share=0.1), 50) == 5
    assert bottom_count(ruleset(bottom_n=2, bottom_share=0.1), 5) == 2
    assert bottom_count(ruleset(), 50) == 0


def test_ties_at_the_bottom_are_all_flagged_but_a_tie_for_first_never() -> None:
    ranked = cg.rank([scored("a", 90), scored("b", 60), scored("c", 60)], rulesets=[RS])
    assert [interviewed(e) for e in ranked] == [False, True, True]
    everyone = cg.rank([scored("a", 60), scored("b", 60)], rulesets=[RS])
    assert not any(interviewed(e) for e in everyone)
    alone = cg.rank([scored("a", 10)], rulesets=[RS])
    assert alone[0].rank == 1 and alone[0].percentile == 100.0 and not interviewed(alone[0])


def test_incomplete_evaluations_are_not_ranked() -> None:
    ranked = cg.rank([scored("a", 80), scored("x", None), scored("b", 60)], rulesets=[RS])
    assert [(e.rank, e.class_size) for e in ranked] == [(1, 2), (None, None), (2, 2)]
    assert ranked[1].percentile is None and not interviewed(ranked[1])


def test_classes_by_rule_set_version_period_and_attribute() -> None:
    other = ruleset("other", bottom_n=1)
    v2 = ruleset(version="2", bottom_n=1)
    evs = [
        scored("a", 90),
        scored("b", 40, other),
        scored("c", 50, v2),
        scored("d", 80),
        scored("e", 30, period="2024"),
        scored("f", 85, foundation="weak"),
    ]
    ranked = cg.rank(evs, rulesets=[RS, other, v2])
    assert [(e.rank, e.class_size) for e in ranked] == [
        (1, 3),
        (1, 1),
        (1, 1),
        (3, 3),
        (1, 1),
        (2, 3),
    ]
    by = cg.rank(evs, by="foundation", rulesets=[RS, other, v2])
    assert [(e.rank, e.class_size) for e in by] == [(1, 2), (1, 1), (1, 1), (2, 2), (1, 1), (1, 1)]
    assert cg.rank(evs, by=["foundation", "level"], rulesets=[RS, other, v2]) == by


def test_without_rule_sets_nothing_is_flagged() -> None:
    ranked = cg.rank([scored("a", 80), scored("b", 60)])
    assert [e.rank for e in ranked] == [1, 2] and not any(interviewed(e) for e in ranked)


def test_ranking_twice_changes_nothing() -> None:
    evs = [scored("a", 80), scored("b", 60), scored("c", 70)]
    once = cg.rank(evs, rulesets=[RS])
    assert cg.rank(once, rulesets=[RS]) == once
    # re-ranking a smaller set drops interview warnings that no longer apply
    again = cg.rank(once[:2], rulesets=[RS])
    assert not interviewed(again[0]) and interviewed(again[1])


def test_ranking_errors() -> None:
    with pytest.raises(
        cg.RankingError,
        match=r"unit 'a' appears twice in the class rule set 'lin' 1, period '2025' "
        r"\(evaluations\[0\] and evaluations\[1\]\)",
    ):
        cg.rank([scored("a", 80), scored("a", 60)])
    with pytest.raises(
        cg.RankingError, match=r"unit 'a' has no attribute 'tier'.*foundation, level"
    ):
        cg.rank([scored("a", 80)], by="tier")
    with pytest.raises(
        cg.RankingError, match=r"no rule set 'lin' version 1 among the rule sets given"
    ):
        cg.rank([scored("a", 80)], rulesets=[ruleset("lin", "2")])
    with pytest.raises(cg.RankingError, match=r"evaluations\[1\] is str"):
        cg.rank([scored("a", 80), "b"])  # type: ignore[list-item]
    with pytest.raises(cg.RankingError, match="two different rule sets"):
        cg.rank([], rulesets=[ruleset(bottom_n=1), ruleset(bottom_n=2)])


def test_percentile_formula() -> None:
    assert percentile(1, 1) == 100.0
    assert percentile(1, 5) == 100.0 and percentile(5, 5) == 0.0 and percentile(3, 5) == 50.0


# --- properties ---------------------------------------------------------------------------------

CLASSES = [ruleset("a", bottom_n=1), ruleset("b", bottom_share=0.3), ruleset("a", "2", bottom_n=2)]


@st.composite
def populations(draw: st.DrawFn) -> list[cg.Evaluation]:
    """Evaluations of distinct units across three classes, scores with ties and gaps."""
    n = draw(st.integers(1, 14))
    out = []
    for k in range(n):
        rs = draw(st.sampled_from(CLASSES))
        s = draw(st.one_of(st.none(), st.sampled_from([10.0, 50.0, 60.0, 75.5]), st.floats(0, 100)))
        out.append(scored(f"u{k}", s, rs, foundation=draw(st.sampled_from(["weak", "standard"]))))
    return out


def _class(ev: cg.Evaluation) -> tuple[str, str, str | None]:
    return (ev.ruleset_id, ev.ruleset_version, ev.period)


@settings(max_examples=100, deadline=None)
@given(populations(), st.randoms(use_true_random=False))
def test_ranks_are_a_permutation_invariant_function_of_the_scores(
    evs: list[cg.Evaluation], rnd: random.Random
) -> None:
    ranked = {e.unit.id: e for e in cg.rank(evs, rulesets=CLASSES)}
    shuffled = rnd.sample(evs, len(evs))
    again = {e.unit.id: e for e in cg.rank(shuffled, rulesets=CLASSES)}
    assert ranked == again
    # the same scores on renamed units give the same ranks
    renamed = [attrs.evolve(e, unit=attrs.evolve(e.unit, id="x" + e.unit.id)) for e in evs]
    for e in cg.rank(renamed, rulesets=CLASSES):
        r = ranked[e.unit.id[1:]]
        assert (e.rank, e.class_size, e.percentile, interviewed(e)) == (
            r.rank,
            r.class_size,
            r.percentile,
            interviewed(r),
        )


@settings(max_examples=100, deadline=None)
@given(populations())
def test_no_unit_is_ranked_against_another_class(evs: list[cg.Evaluation]) -> None:
    ranked = cg.rank(evs, rulesets=CLASSES)
    for e in ranked:
        if not e.complete:
            assert (e.rank, e.class_size, e.percentile) == (None, None, None)
            continue
        mates = [m for m in evs if m.complete and _class(m) == _class(e)]
        assert e.class_size == len(mates)
        assert e.rank == 1 + sum(
            1 for m in mates if round(m.score or 0, 9) > round(e.score or 0, 9)
        )
        assert e.percentile is not None and 0.0 <= e.percentile <= 100.0
        assert list(e.warnings) == sorted(e.warnings, key=warning_sort_key)
    # ranking each class on its own gives the same result
    for key in {_class(e) for e in evs}:
        alone = cg.rank([e for e in evs if _class(e) == key], rulesets=CLASSES)
        together = [e for e in ranked if _class(e) == key]
        assert alone == together


@settings(max_examples=100, deadline=None)
@given(populations())
def test_bottom_flags_at_least_k_places_and_never_the_top(evs: list[cg.Evaluation]) -> None:
    ranked = cg.rank(evs, rulesets=CLASSES)
    for key in {_class(e) for e in ranked if e.complete}:
        members = [e for e in ranked if e.complete and _class(e) == key]
        rs = next(r for r in CLASSES if (r.id, r.version) == key[:2])
        k = bottom_count(rs, len(members))
        flagged = [e for e in members if interviewed(e)]
        assert all(e.rank != 1 for e in flagged)
        distinct = len({round(e.score or 0, 9) for e in members})
        if distinct == len(members) and k < len(members):
            assert len(flagged) == k
        for e in members:
            if interviewed(e):
                worse = [m for m in members if (m.score or 0) < (e.score or 0)]
                assert all(interviewed(m) for m in worse)


def test_ranked_evaluations_with_trends_survive_json() -> None:
    history = [scored("a", 90, period="2023"), scored("a", 81, period="2024")]
    current = cg.with_trends(scored("a", 49), history, RS)
    ranked = cg.rank([current, scored("b", 95)], rulesets=[RS])
    assert {w.code for w in ranked[0].warnings} >= {"interview", "trend.band_drop"}
    for ev in ranked:
        assert cg.from_json(cg.Evaluation, cg.to_json(ev)) == ev


# --- the tie key is the batch engine's --------------------------------------------------


@given(st.floats(0.0, 100.0))
def test_score_key_is_numpys_rint_of_the_scaled_score(s: float) -> None:
    assert score_key(s) == int(np.rint(s * 1e9))


def _ranks(scores: list[float]) -> list[int | None]:
    base = scored("u0", 50.0)
    evs = [attrs.evolve(base, unit=unit(f"u{k}"), score=s) for k, s in enumerate(scores)]
    return [ev.rank for ev in cg.rank(evs)]


def test_a_score_on_a_decimal_half_ties_as_the_batch_engine_ties_it() -> None:
    # 76.7081533075 lies just below the decimal half: round(s, 9) gives ...307, but s · 10**9 is
    # ...307.5 in double arithmetic, which NumPy (and the batch engine) rounds to ...308. The
    # single-unit ranking compared round(s, 9) and tied it with 76.708153307; it must not.
    s = 76.7081533075
    other = round(s, 9)
    assert round(s, 9) == round(other, 9)  # the old key tied them
    batch, _ = score_ranks(np.array([s, other]))
    assert _ranks([s, other]) == batch.tolist() == [1, 2]


@settings(max_examples=60)
@given(
    st.lists(
        st.one_of(
            st.floats(0.0, 100.0),
            st.integers(0, 10**11).map(lambda m: m / 1e9),  # on the 10**-9 grid: ties
            st.integers(0, 10**11).map(lambda m: (m + 0.5) / 1e9),  # on the halves
        ),
        min_size=1,
        max_size=30,
    )
)
def test_single_and_batch_rankings_agree_on_any_scores(scores: list[float]) -> None:
    batch, _ = score_ranks(np.array(scores, dtype=np.float64))
    assert _ranks(scores) == batch.tolist()
