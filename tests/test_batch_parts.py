"""Properties of the batch path's parts: scales, ranking, duplicate ids, encodings."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from classguide.batch.ids import duplicate_ids, fingerprints
from classguide.batch.locks import _codes
from classguide.batch.ranking import competition, percentiles, rank_classes, score_ranks
from classguide.batch.scales import fast_score_column, score_column
from classguide.io import detect_encoding
from classguide.model import Unit
from classguide.ruleset import RuleSet
from classguide.scales import Scale, piecewise_score

finite = st.floats(-0.5, 2.0, allow_nan=False)


@st.composite
def scales(draw: st.DrawFn) -> Scale:
    direction = draw(st.sampled_from(["higher", "lower", "band"]))
    lo, a, b, hi = sorted(draw(st.lists(st.floats(0.0, 1.0), min_size=4, max_size=4)))
    floor = draw(st.sampled_from([None, a]))
    if direction == "lower":
        return Scale(direction=direction, floor=None if floor is None else b, target=a, lo=lo,
                     hi=hi, pass_score=60.0)  # fmt: skip
    return Scale(direction=direction, floor=floor, target=b, lo=lo, hi=hi, pass_score=60.0)


@settings(max_examples=300, deadline=None)
@given(scales(), st.lists(finite, min_size=1, max_size=40))
def test_exact_column_scale_is_the_single_unit_scale_bitwise(s: Scale, xs: list[float]) -> None:
    v = np.array([*xs, np.nan])
    score, viol = score_column(v, s)
    for k, x in enumerate(xs):
        want, met = piecewise_score(x, s)
        assert score[k] == want
        assert (viol is None) == (met is None)
        if viol is not None:
            assert bool(viol[k]) == (not met)
    assert np.isnan(score[-1]) and (viol is None or not viol[-1])


@settings(max_examples=300, deadline=None)
@given(scales(), st.lists(finite, min_size=1, max_size=40))
def test_fast_scale_is_within_ulps_and_exact_at_the_corners(s: Scale, xs: list[float]) -> None:
    corners = [x for x in (s.lo, s.floor, s.target, s.hi) if x is not None]
    v = np.array([*xs, *corners, np.nan])
    exact, viol = score_column(v, s)
    fast, fviol = fast_score_column(v, s)
    assert np.allclose(fast, exact, rtol=0, atol=1e-10, equal_nan=True)
    assert (viol is None and fviol is None) or np.array_equal(viol, fviol)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0.0, 12.5, 60.0, 60.0, 99.9, 100.0]) | st.floats(0, 100),
                min_size=1, max_size=60))  # fmt: skip
def test_competition_ranks_are_one_plus_the_number_higher(values: list[float]) -> None:
    v = np.array(values)
    ranks, below = competition(v)
    assert below is not None
    for k, x in enumerate(values):
        assert ranks[k] == 1 + sum(1 for y in values if y > x)
        assert below[k] == sum(1 for y in values if y < x)
    pct = percentiles(ranks, len(values))
    assert ((pct >= 0) & (pct <= 100)).all() and pct[np.argmax(v)] == 100.0


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=0, max_size=70), max_size=40))
def test_duplicate_ids_are_exactly_the_repeated_ones(ids: list[str]) -> None:
    repeated = {x for x, n in Counter(ids).items() if n > 1}
    found = duplicate_ids(pa.array(ids, pa.string()), limit=len(ids) + 1)
    assert set(found) == repeated and len(found) == len(repeated)


def _fingerprint(text: str) -> int:
    """The fold of :func:`fingerprints`, one byte at a time in plain Python (the reference)."""
    data, mask, mul = text.encode("utf-8"), 2**64 - 1, 0x9E3779B97F4A7C15
    if len(data) > 64:
        return hash(text) & mask
    h = (len(data) * mul) & mask
    for j in range(max(1, (len(data) + 7) // 8)):
        word = int.from_bytes(data[8 * j : 8 * j + 8], "little")
        h = ((h ^ word) * mul) & mask
        h ^= h >> 29
    return h


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=20) | st.text("统", min_size=21, max_size=30), max_size=30),
       st.integers(0, 3))  # fmt: skip
def test_fingerprints_fold_each_ids_own_bytes(ids: list[str], skip: int) -> None:
    # bytes past an id must not count, nor the length of the array's longest id (the io path
    # looks observation ids up among the units' by fingerprint)
    arr = pa.array(["x" * 64, *ids], pa.string()).slice(1 + min(skip, len(ids)))
    expected = [_fingerprint(x) for x in ids[min(skip, len(ids)) :]]
    assert fingerprints(arr).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="县委办公室单位党支部书记abc,123\n", min_size=1, max_size=200))
def test_encodings_are_told_apart(text: str) -> None:
    assert detect_encoding(text.encode("utf-8")) == "utf-8"
    assert detect_encoding(b"\xef\xbb\xbf" + text.encode("utf-8")) == "utf-8"
    gbk = text.encode("gbk")
    try:
        gbk.decode("utf-8")  # pure ASCII, or a few characters that happen to be valid UTF-8
    except UnicodeDecodeError:
        assert detect_encoding(gbk) == "gb18030"
        assert gbk.decode("gb18030") == text


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([0.0, 60.0, 60.0, 75.5, 100.0]) | st.floats(0, 100),
                min_size=1, max_size=40), st.integers(0, 5))  # fmt: skip
def test_one_class_all_ranked_agrees_with_the_general_path(values: list[float], k: int) -> None:
    # one class with every row ranked takes a shortcut; an extra unranked row forces the
    # general path (gather and scatter by rows), which must give the same answers
    n = len(values)
    score = np.array([*values, 50.0])
    complete = np.array([True] * n + [False])
    classes = np.zeros(n + 1, dtype=np.int64)
    fast = rank_classes(classes[:n], score[:n], complete[:n], [lambda m: k])
    general = rank_classes(classes, score, complete, [lambda m: k])
    for a, b in zip(fast[:3], general[:3], strict=True):
        np.testing.assert_array_equal(a, b[:n])
    np.testing.assert_array_equal(fast[3], general[3])
    assert general[0][n] == 0 and general[1][n] == 0 and np.isnan(general[2][n])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([0.0, 60.0, 60.0 + 4e-10, 60.0 + 6e-10, 59.9999999995, 100.0])
                | st.floats(0, 100) | st.floats(-1, 101), min_size=1, max_size=60),
       st.integers(0, 8))  # fmt: skip
def test_score_ranks_sort_integer_keys_as_competition_ranks_the_rounded_scores(
    values: list[float], places: int
) -> None:
    # the one-sort path (scores in [0, 100]) and the fallback must both be competition ranking
    # of the scores rounded to 9 decimals, ties at the 9th decimal included; the bottom rows
    # (found as one run at the end of the sorted order) are those with fewer than `places`
    # scores strictly below them, not tied for first — counted here one by one
    v = np.array(values)
    ranks, bottom = score_ranks(v, places)
    ref_ranks, _ = competition(np.round(v, 9), False)
    np.testing.assert_array_equal(ranks, ref_ranks)
    r = np.round(v, 9).tolist()
    want = [
        i for i, x in enumerate(r) if sum(y < x for y in r) < places and sum(y > x for y in r) > 0
    ]
    assert bottom.tolist() == want


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["county", "city", None]), min_size=1, max_size=200),
       st.booleans())  # fmt: skip
def test_attribute_codes_give_back_the_values(values: list[str | None], chunked: bool) -> None:
    # one value throughout takes a shortcut (no hashing); either way codes index the values
    arr = pa.array(values, pa.string())
    codes, labels = _codes(pa.chunked_array([arr[:1], arr[1:]]) if chunked else arr, "level")
    assert [
        labels[c] for c in (codes.tolist() if codes is not None else [0] * len(values))
    ] == values
    assert labels[-1] is None and len(set(labels[:-1])) == len(labels) - 1


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["county", "city", "province"]), min_size=1, max_size=30),
       st.sampled_from(["weak", "standard"]))  # fmt: skip
def test_one_group_of_units_resolves_as_with_others_beside_it(
    levels: list[str], foundation: str
) -> None:
    # a table of one type and one value per attribute is one group without grouping codes;
    # with an extra unit of another level the general grouping runs: the locks must agree
    from classguide.batch.locks import resolve_locks
    from classguide.demo import example_ruleset
    from classguide.errors import ClassguideError

    rs = example_ruleset()

    def resolve(unit: Unit) -> RuleSet:
        if unit.attributes["level"] == "province":
            raise ClassguideError("no rule set for provinces")
        return rs

    def table(levels: list[str]) -> pa.Table:
        n = len(levels)
        ids = [f"u{i}" for i in range(n)]
        return pa.table({"unit_id": ids, "name": ids, "unit_type": ["organ"] * n,
                         "level": levels, "foundation": [foundation] * n})  # fmt: skip

    n = len(levels)
    alone = resolve_locks(table(levels), resolve)
    other = "city" if levels[0] != "city" else "county"
    mixed = resolve_locks(table([*levels, other]), resolve)
    lock_of = [None if i < 0 else alone.rulesets[i] for i in alone.lock.tolist()]
    assert lock_of == [None if i < 0 else mixed.rulesets[i] for i in mixed.lock[:n].tolist()]
    np.testing.assert_array_equal(alone.tier, mixed.tier[:n])
    assert {(m, tuple(r.tolist())) for m, r in alone.errors} == {
        (m, tuple(x for x in r.tolist() if x < n)) for m, r in mixed.errors
    }
