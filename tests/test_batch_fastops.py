"""The engine's faster spellings give the NumPy idioms they replace, bit for bit; and scoring
indicators into shared scratch (scores not kept) changes no result."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from batch_strategies import batch_rulesets
from classguide.batch.diagnosis import disconnect_values
from classguide.batch.engine import _TagSums, _Workspace, evaluate_columns
from classguide.batch.fastops import clamp, put, upper
from classguide.batch.plan import column_plan_for
from test_batch import drawn_columns

# Every float64 NumPy can hold: NaN, ±inf, ±0.0, subnormals.
any_float = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True, width=64)
floats = hnp.arrays(np.float64, st.integers(0, 70), elements=any_float)


def bits(x: np.ndarray) -> np.ndarray:
    return x.view(np.uint64)


@settings(max_examples=300, deadline=None)
@given(floats, st.sampled_from([(0.0, 100.0), (0.0, 1.0), (-1.0, 1.0), (-np.inf, 100.0)]))
def test_clamp_is_maximum_then_minimum_bitwise(x: np.ndarray, bounds: tuple[float, float]) -> None:
    lo, hi = bounds
    want = np.minimum(np.maximum(x, lo), hi)
    got = clamp(x.copy(), lo, hi)
    assert np.array_equal(bits(got), bits(want)), (x, got, want)


@settings(max_examples=300, deadline=None)
@given(floats, st.sampled_from([1.0, 100.0, 1e-300, -1.0]))
def test_upper_is_minimum_bitwise(x: np.ndarray, hi: float) -> None:
    want = np.minimum(x, hi)
    got = upper(x.copy(), hi)
    assert np.array_equal(bits(got), bits(want)), (x, got, want)


def test_clamp_turns_negative_zero_into_zero_as_maximum_does() -> None:
    got = clamp(np.array([-0.0, 0.0, -1e-320, 100.0 + 1e-13]), 0.0, 100.0)
    assert not np.signbit(got).any()
    assert got.tolist() == [0.0, 0.0, 0.0, 100.0]


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_put_is_a_masked_copy(data: st.DataObject) -> None:
    n = data.draw(st.integers(0, 80))
    code = data.draw(hnp.arrays(np.int8, n, elements=st.integers(-128, 127)))
    cond = data.draw(hnp.arrays(np.bool_, n))
    value = data.draw(st.integers(-128, 127))
    want = code.copy()
    np.copyto(want, np.int8(value), where=cond)
    put(code, cond, value)
    assert np.array_equal(code, want)


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_disconnect_sums_in_the_loop_equal_disconnect_values_bitwise(data: st.DataObject) -> None:
    rs = data.draw(batch_rulesets())
    cp = column_plan_for(rs)
    n_ind = len(cp.plan.indicators)
    size = data.draw(st.integers(1, 30))
    score_values = st.one_of(st.floats(0.0, 100.0), st.just(float("nan")), st.just(-0.0))
    scores = [data.draw(hnp.arrays(np.float64, size, elements=score_values)) for _ in range(n_ind)]
    missing = [bool(np.isnan(s).any()) for s in scores]
    ws = _Workspace(cp, size, keep=False)
    if not ws.fused_tags:  # parts out of indicator order: summed after the loop instead
        return
    sums = _TagSums(cp, ws, missing, size)
    for k, s in enumerate(scores):
        sums.add(k, s, missing[k])
    got = sums.finish()
    for (_, parts), value in zip(cp.disconnects, got, strict=True):
        want = disconnect_values(parts, scores, missing, size)
        assert np.array_equal(bits(value), bits(want)), (value, want)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_scores_kept_or_not_the_results_are_identical(data: st.DataObject) -> None:
    # Without keep_scores most indicators are scored into one shared scratch column; every
    # outcome must be the same, to the bit, as when each indicator keeps its own column.
    rs, columns, inputs, n = drawn_columns(data)
    block = data.draw(st.sampled_from([2, 5, 4096]))
    threads = data.draw(st.sampled_from([1, 2]))
    kept = evaluate_columns(
        rs, columns, n, inputs=inputs, block=block, threads=threads, keep_scores=True,
        keep_warnings=True,
    )  # fmt: skip
    lean = evaluate_columns(
        rs, columns, n, inputs=inputs, block=block, threads=threads, keep_warnings=True
    )
    assert lean.indicator_scores is None
    for name in ("party", "business", "score", "coupling", "development", "degree"):
        assert np.array_equal(bits(getattr(lean, name)), bits(getattr(kept, name))), name
    for name in ("grade", "band", "lag", "complete", "warning_count", "max_level"):
        assert np.array_equal(getattr(lean, name), getattr(kept, name)), name
    assert lean.warning_rows is not None and kept.warning_rows is not None
    assert np.array_equal(lean.warning_rows, kept.warning_rows)
    assert np.array_equal(lean.warning_sources, kept.warning_sources)
