"""Weighting methods: oracles from published examples, peer cross-checks, properties, errors."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.stats
from hypothesis import given, settings
from hypothesis import strategies as st

import classguide as cg
from classguide.weights import RI_TABLES, random_index

try:
    from pymcdm.weights import critic_weights, entropy_weights
    from pymcdm.weights.subjective import AHP
except ImportError:  # pymcdm >= 1.4 needs Python >= 3.11 (see pyproject.toml)
    HAVE_PYMCDM = False
else:
    HAVE_PYMCDM = True
needs_pymcdm = pytest.mark.skipif(not HAVE_PYMCDM, reason="pymcdm needs Python >= 3.11")

SAATY_SCALE = [*range(1, 10), *(1 / v for v in range(2, 10))]


def from_upper(n: int, upper: list[float]) -> np.ndarray:
    """A reciprocal matrix from its upper triangle, row by row."""
    a = np.ones((n, n))
    values = iter(upper)
    for i, j in itertools.combinations(range(n), 2):
        a[i, j] = next(values)
        a[j, i] = 1 / a[i, j]
    return a


# --- oracles -------------------------------------------------------------------------------------

# sectors.md §4 O1: 表5-7 "组织保障" in 《高校德育教育与大学生学风建设的融合发展》 p.175
# (http://www.ebookvip.cn/ebooks/books_521/dzs/files/basic-html/page183.html): eigenvector
# method, w = [0.5396, 0.1634, 0.2970], λmax = 3.0092, CI = 0.0046, RI = 0.58, CR = 0.0079;
# the geometric-mean method gives the same weights, the column (sum) method [0.5390, 0.1638,
# 0.2973]. Tolerance 1e-4 as stated there.
O1 = [[1, 3, 2], [1 / 3, 1, 1 / 2], [1 / 2, 2, 1]]


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("eigenvector", [0.5396, 0.1634, 0.2970]),
        ("geometric", [0.5396, 0.1634, 0.2970]),
        ("column", [0.5390, 0.1638, 0.2973]),
    ],
)
def test_ahp_oracle_o1(method: str, expected: list[float]) -> None:
    r = cg.ahp(O1, method=method, ri="saaty")
    assert r.weights == pytest.approx(expected, abs=1e-4)
    assert r.lambda_max == pytest.approx(3.0092, abs=1e-4)
    assert r.ci == pytest.approx(0.0046, abs=1e-4)
    assert r.ri == 0.58
    assert r.cr == pytest.approx(0.0079, abs=1e-4)
    assert r.consistent


def test_ahp_oracle_o4_leader() -> None:
    # methods.md §10 O4 (AHPy README; Wikipedia AHP appendix "choosing a leader"): order
    # Experience, Education, Charisma, Age → 0.548, 0.127, 0.270, 0.056; CR 0.044 with Saaty's
    # 2005 RI (0.89); λmax 4.1184 and CR 0.0439 with RI 0.90 (recomputed there).
    a = from_upper(4, [4, 3, 7, 1 / 3, 3, 5])
    r = cg.ahp(a, ri="saaty2005")
    assert r.weights == pytest.approx([0.548, 0.127, 0.270, 0.056], abs=1e-3)
    assert r.ri == 0.89
    assert r.cr == pytest.approx(0.044, abs=1e-3)
    classic = cg.ahp(a, ri="saaty")
    assert classic.lambda_max == pytest.approx(4.1184, abs=1e-4)
    assert classic.cr == pytest.approx(0.0439, abs=1e-4)


def test_ahp_oracle_o4_car() -> None:
    # methods.md §10 O4 (AHPy README; Wikipedia AHP appendix "buying a family car"): order
    # Cost, Safety, Style, Capacity → 0.510, 0.234, 0.041, 0.215; CR 0.08 with Donegan & Dodd's
    # RI 0.8286; λmax 4.1992 and CR 0.0738 with RI 0.90.
    a = from_upper(4, [3, 7, 3, 9, 1, 1 / 7])
    r = cg.ahp(a, ri="donegan_dodd")
    assert r.weights == pytest.approx([0.510, 0.234, 0.041, 0.215], abs=1e-3)
    assert r.ri == 0.8286
    assert r.cr == pytest.approx(0.08, abs=5e-3)
    classic = cg.ahp(a)
    assert classic.lambda_max == pytest.approx(4.1992, abs=1e-4)
    assert classic.cr == pytest.approx(0.0738, abs=1e-4)


def test_entropy_oracle_o7() -> None:
    # methods.md §10 O7: scikit-criteria tests/preprocessing/test_weighters.py, EntropyWeighter
    # on [[1, 2], [4, 16]] → [0.358889, 0.641111] (raw proportions, objectives ignored).
    w = cg.entropy([[1, 2], [4, 16]], variant="raw")
    assert w == pytest.approx([0.358889, 0.641111], abs=1e-6)


def test_critic_oracle_o8() -> None:
    # methods.md §10 O8: Diakoulaki, Mavrotas & Papayannakis 1995, Comput. Oper. Res. 22(7),
    # as tested in scikit-criteria; all criteria maximised → 0.20222554, 0.48090173, 0.31687273.
    m = [
        [61, 1.08, 4.33],
        [20.7, 0.26, 4.34],
        [16.3, 1.98, 2.53],
        [9.0, 3.29, 1.65],
        [5.4, 2.77, 2.33],
        [4.0, 4.12, 1.21],
        [-6.1, 3.52, 2.10],
        [-34.6, 3.31, 0.98],
    ]
    assert cg.critic(m) == pytest.approx([0.20222554, 0.48090173, 0.31687273], abs=1e-8)


def test_entropy_minmax_worked_example() -> None:
    # The textbook variant by hand: column 1 (higher) min-max [0, 0.5, 1] → p = [0, 1/3, 2/3];
    # column 2 (lower) min-max [1, 0, 0] reversed [0, 1, 1] → p = [0, 1/2, 1/2].
    x = [[1, 30], [2, 10], [3, 10]]
    p = np.array([1 / 3, 2 / 3])
    e1 = -(p * np.log(p)).sum() / np.log(3)
    e2 = np.log(2) / np.log(3)
    d = np.array([1 - e1, 1 - e2])
    assert cg.entropy(x, directions=["higher", "lower"]) == pytest.approx(d / d.sum())


# --- peer cross-checks ---------------------------------------------------------------------------

positive_matrices = st.integers(2, 8).flatmap(
    lambda m: st.integers(1, 6).flatmap(
        lambda n: st.lists(
            st.lists(st.floats(0.01, 1000), min_size=n, max_size=n), min_size=m, max_size=m
        )
    )
)


@needs_pymcdm
@settings(max_examples=100, deadline=None)
@given(positive_matrices)
def test_entropy_raw_equals_pymcdm(rows: list[list[float]]) -> None:
    x = np.array(rows)
    if np.ptp(x, axis=0).max() < 1e-6:
        return  # every column constant: we refuse, pymcdm divides 0 by 0
    expected = entropy_weights(x)
    assert cg.entropy(x, variant="raw") == pytest.approx(expected, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(positive_matrices, st.data())
def test_entropy_raw_with_zeros_equals_scipy(rows: list[list[float]], data: st.DataObject) -> None:
    # scikit-criteria's EntropyWeighter is 1 − scipy.stats.entropy(x, base=m), normalised; it
    # is the only published form that accepts zeros (0·ln 0 = 0).
    x = np.array(rows)
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=x.size, max_size=x.size)))
    x = np.where(mask.reshape(x.shape), 0.0, x)
    informative = x.sum(axis=0) > 0
    d = np.where(informative, 1 - scipy.stats.entropy(np.where(informative, x, 1), base=len(x)), 0)
    if d.sum() < 1e-9:
        with pytest.raises(cg.WeightsError):
            cg.entropy(x, variant="raw")
        return
    assert cg.entropy(x, variant="raw") == pytest.approx(d / d.sum(), abs=1e-9)


@needs_pymcdm
@settings(max_examples=100, deadline=None)
@given(positive_matrices)
def test_critic_equals_pymcdm(rows: list[list[float]]) -> None:
    x = np.array(rows)
    if len(x) < 3 or x.shape[1] < 2 or (np.ptp(x, axis=0) < 1e-3 * np.abs(x).max(axis=0)).any():
        return  # pymcdm gives NaN for constant columns; we give 0 (tested below)
    try:
        ours = cg.critic(x)
    except cg.WeightsError:  # refused only when no two criteria conflict at all
        assert np.allclose(np.corrcoef(x, rowvar=False), 1.0)
        return
    assert ours == pytest.approx(critic_weights(x), abs=1e-9)


saaty_matrices = st.integers(3, 9).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.lists(
            st.sampled_from(SAATY_SCALE), min_size=n * (n - 1) // 2, max_size=n * (n - 1) // 2
        ),
    )
)


@needs_pymcdm
@settings(max_examples=100, deadline=None)
@given(saaty_matrices)
def test_ahp_eigenvector_equals_pymcdm(case: tuple[int, list[float]]) -> None:
    n, upper = case
    a = from_upper(n, upper)
    peer = AHP(matrix=a)
    ours = cg.ahp(a, ri="tummala_ling")
    assert ours.weights == pytest.approx(peer(), abs=1e-9)
    assert ours.cr == pytest.approx(max(0.0, peer.get_cr()), abs=1e-9)


# --- properties ----------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(saaty_matrices, st.sampled_from(cg.weights.AHP_METHODS))
def test_ahp_weights_positive_and_sum_to_one(case: tuple[int, list[float]], method: str) -> None:
    r = cg.ahp(from_upper(*case), method=method)
    assert all(w > 0 for w in r.weights)
    assert sum(r.weights) == pytest.approx(1.0, abs=1e-12)
    assert r.cr >= 0
    assert r.ci >= 0
    assert r.consistent == (r.cr < 0.1)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.floats(0.01, 100), min_size=1, max_size=12),
    st.sampled_from(cg.weights.AHP_METHODS),
)
def test_consistent_matrix_returns_its_weights(raw: list[float], method: str) -> None:
    w = np.array(raw) / sum(raw)
    a = np.outer(w, 1 / w)
    r = cg.ahp(a, method=method)
    assert r.weights == pytest.approx(w, rel=1e-7, abs=1e-12)
    assert r.cr == pytest.approx(0.0, abs=1e-9)
    assert r.lambda_max == pytest.approx(len(w), rel=1e-9)


@settings(max_examples=100, deadline=None)
@given(saaty_matrices, st.randoms(use_true_random=False), st.sampled_from(cg.weights.AHP_METHODS))
def test_permuting_criteria_permutes_weights(
    case: tuple[int, list[float]], rnd, method: str
) -> None:  # type: ignore[no-untyped-def]
    a = from_upper(*case)
    perm = list(range(len(a)))
    rnd.shuffle(perm)
    r = cg.ahp(a, method=method)
    rp = cg.ahp(a[np.ix_(perm, perm)], method=method)
    assert rp.weights == pytest.approx([r.weights[k] for k in perm], abs=1e-9)
    assert rp.cr == pytest.approx(r.cr, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(positive_matrices, st.randoms(use_true_random=False))
def test_objective_weights_permute_with_columns(rows: list[list[float]], rnd) -> None:  # type: ignore[no-untyped-def]
    x = np.array(rows)
    if np.ptp(x, axis=0).max() < 1e-6 or len(x) < 3:
        return
    perm = list(range(x.shape[1]))
    rnd.shuffle(perm)
    for f in (cg.entropy, cg.critic):
        try:
            w = f(x)
        except cg.WeightsError:  # CRITIC: all columns perfectly correlated
            with pytest.raises(cg.WeightsError):
                f(x[:, perm])
            continue
        assert f(x[:, perm]) == pytest.approx([w[k] for k in perm], abs=1e-9)
        assert sum(w) == pytest.approx(1.0)
        assert min(w) >= 0


@settings(max_examples=100, deadline=None)
@given(positive_matrices)
def test_cost_column_is_a_reversed_benefit_column(rows: list[list[float]]) -> None:
    x = np.array(rows)
    if np.ptp(x, axis=0).max() < 1e-6:
        return
    directions = ["lower"] + ["higher"] * (x.shape[1] - 1)
    flipped = x.copy()
    flipped[:, 0] = -flipped[:, 0]
    assert cg.entropy(x, directions=directions) == pytest.approx(cg.entropy(flipped), abs=1e-12)
    try:
        expected = cg.critic(flipped)
    except cg.WeightsError:  # all columns perfectly correlated
        with pytest.raises(cg.WeightsError):
            cg.critic(x, directions=directions)
    else:
        assert cg.critic(x, directions=directions) == pytest.approx(expected, abs=1e-9)


def test_constant_column_gets_zero_and_changes_nothing_else() -> None:
    x = np.array([[1.0, 5.0, 2.0], [2.0, 5.0, 9.0], [4.0, 5.0, 3.0], [3.0, 5.0, 1.0]])
    for f in (cg.entropy, cg.critic):
        with_constant = f(x)
        without = f(x[:, [0, 2]])
        assert with_constant[1] == 0.0
        assert [with_constant[0], with_constant[2]] == pytest.approx(without, abs=1e-12)
    assert cg.entropy(x, variant="raw")[1] == pytest.approx(0.0, abs=1e-12)


def test_all_constant_columns_are_refused() -> None:
    x = [[1, 2], [1, 2], [1, 2]]
    for f in (cg.entropy, cg.critic):
        with pytest.raises(cg.WeightsError, match="every column is constant"):
            f(x)


def test_entropy_allows_zeros() -> None:
    w = cg.entropy([[0, 1], [0, 2], [5, 3]], variant="raw")
    assert w[0] > w[1] > 0
    assert sum(w) == pytest.approx(1)


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("matrix", "match"),
    [
        ([[1, 2, 3], [0.5, 1, 2]], "square"),
        ([[1, -2], [-0.5, 1]], "positive"),
        ([[1, 0], [0, 1]], "positive"),
        ([[1, 2], [2, 1]], "reciprocal"),
        ([[2, 1], [1, 1]], "diagonal"),
        ([[1, float("nan")], [1, 1]], "finite"),
        ([1, 2, 3], "two-dimensional"),
        ([[1, "x"], [1, 1]], "numbers"),
        ([[1, 2], [0.5]], "numbers"),
        ([], "two-dimensional"),
    ],
)
def test_ahp_rejects_bad_matrices(matrix: object, match: str) -> None:
    with pytest.raises(cg.WeightsError, match=match):
        cg.ahp(matrix)


def test_ahp_small_orders_have_zero_cr() -> None:
    assert cg.ahp([[1]]).weights == (1.0,)
    r = cg.ahp([[1, 3], [1 / 3, 1]])
    assert r.cr == 0.0
    assert r.ci == 0.0
    assert r.ri == 0.0
    assert r.consistent
    assert r.weights == pytest.approx([0.75, 0.25])


def test_ahp_rounded_reciprocals_pass() -> None:
    r = cg.ahp([[1, 3, 7], [0.333, 1, 3], [0.143, 0.333, 1]])
    assert r.consistent


def test_ahp_options_are_checked() -> None:
    with pytest.raises(cg.WeightsError, match="unknown AHP method"):
        cg.ahp(O1, method="power")
    with pytest.raises(cg.WeightsError, match="unknown random-index table"):
        cg.ahp(O1, ri="nope")
    with pytest.raises(cg.WeightsError, match="no value"):
        cg.ahp(np.ones((16, 16)), ri="saaty")


def test_ri_tables() -> None:
    # methods.md §6.2: the five tables as published, n <= 2 zero in all of them.
    assert {name: random_index(3, name) for name in RI_TABLES} == {
        "saaty": 0.58,
        "saaty2005": 0.52,
        "textbook": 0.52,
        "donegan_dodd": 0.4914,
        "tummala_ling": 0.5799,
    }
    assert random_index(12, "saaty") == 1.48  # non-monotone, as published
    assert random_index(2, "textbook") == 0.0
    assert random_index(22, "donegan_dodd") == pytest.approx(1.5371 + 2 * (1.5619 - 1.5371) / 5)
    assert random_index(100, "donegan_dodd") == 1.6339


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: cg.entropy([[1, 2]]), "at least 2 rows"),
        (lambda: cg.entropy([[1, -2], [2, 3]], variant="raw"), "non-negative"),
        (
            lambda: cg.entropy([[1, 2], [2, 3]], variant="raw", directions=["lower", "higher"]),
            "ignores",
        ),
        (lambda: cg.entropy([[1, 2], [2, 3]], variant="log"), "unknown entropy variant"),
        (lambda: cg.entropy([[1, 2], [2, 3]], directions=["higher"]), "2 columns"),
        (lambda: cg.entropy([[1, 2], [2, 3]], directions=["up", "higher"]), "direction"),
        (lambda: cg.critic([[1, float("nan")], [2, 3]]), "finite"),
        (lambda: cg.combine([0.5, 0.5], [1.0]), "got 2 subjective and 1"),
        (lambda: cg.combine([0.5, 0.5], [0.5, 0.5], alpha=1.5), "alpha"),
        (lambda: cg.combine([-1, 2], [0.5, 0.5]), "non-negative"),
        (lambda: cg.combine([1, 0], [0, 1], method="multiplicative"), "both weights"),
        (lambda: cg.combine([1, 0], [0, 1], method="game"), "unknown method"),
    ],
)
def test_objective_weight_errors(call, match: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(cg.WeightsError, match=match):
        call()


def test_combine() -> None:
    s, o = [0.6, 0.3, 0.1], [0.2, 0.2, 0.6]
    assert cg.combine(s, o) == pytest.approx([0.4, 0.25, 0.35])
    assert cg.combine(s, o, alpha=1.0) == pytest.approx(s)
    assert cg.combine(s, o, alpha=0.0) == pytest.approx(o)
    prod = np.array(s) * np.array(o)
    assert cg.combine(s, o, method="multiplicative") == pytest.approx(prod / prod.sum())
    assert cg.combine([6, 3, 1], [2, 2, 6]) == pytest.approx([0.4, 0.25, 0.35])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(0.001, 10), min_size=1, max_size=8).flatmap(
        lambda s: st.tuples(
            st.just(s), st.lists(st.floats(0.001, 10), min_size=len(s), max_size=len(s))
        )
    ),
    st.floats(0, 1),
    st.sampled_from(["linear", "multiplicative"]),
)
def test_combine_is_a_weight_vector(
    pair: tuple[list[float], list[float]], alpha: float, method: str
) -> None:
    w = cg.combine(*pair, alpha=alpha, method=method)
    assert sum(w) == pytest.approx(1.0)
    assert min(w) > 0
