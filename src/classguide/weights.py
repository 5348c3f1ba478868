"""Weighting methods: AHP (subjective), entropy and CRITIC (objective), and their combination.

Every function is pure, takes plain numbers (lists or NumPy arrays) and returns plain numbers;
bad input raises :class:`~classguide.errors.WeightsError` (a ``ValueError``) saying what is
wrong and where. Formulas, variants and sources: ``docs/weights.md``.

* :func:`ahp` — priorities of a pairwise-comparison matrix by the principal eigenvector
  (Saaty), the row geometric mean (方根法) or the column-normalised row mean (和积法), with
  ``CI = (λmax − n)/(n − 1)`` and ``CR = CI / RI(n)`` from a named random-index table
  (:data:`RI_TABLES`). ``n <= 2`` has ``CR = 0``.
* :func:`entropy` — the entropy weight method (熵权法) in two named variants (``"minmax"``, the
  Chinese textbook form; ``"raw"``, scikit-criteria's ``EntropyWeighter``).
* :func:`critic` — CRITIC (Diakoulaki, Mavrotas & Papayannakis 1995).
* :func:`combine` — subjective and objective weights combined linearly or multiplicatively.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from classguide.errors import WeightsError

__all__ = [
    "AHP_METHODS",
    "CR_THRESHOLD",
    "ENTROPY_VARIANTS",
    "RI_TABLES",
    "AhpResult",
    "ahp",
    "combine",
    "critic",
    "entropy",
    "random_index",
]

#: Saaty's acceptance threshold: a judgement matrix is consistent when ``CR < 0.10``.
CR_THRESHOLD = 0.10

AHP_METHODS: tuple[str, ...] = ("eigenvector", "geometric", "column")
ENTROPY_VARIANTS: tuple[str, ...] = ("minmax", "raw")


def _table(start: int, values: Sequence[float]) -> dict[int, float]:
    return {start + k: v for k, v in enumerate(values)}


#: Random-index tables by name (matrix order n → RI). Sources (methods.md §6.2):
#:
#: * ``"saaty"`` — Saaty's classic table (T1; Saaty 1980, *The Analytic Hierarchy Process*;
#:   the table copied by pyDecision, mathmodels and most Chinese literature, e.g. RI(3) = 0.58).
#:   Its n = 12 value 1.48 is non-monotone as published; kept as published.
#: * ``"saaty2005"`` — Saaty 2005, *Theory and Applications of the ANP*, p. 31 (T2; AHPy
#:   ``random_index="saaty"``).
#: * ``"textbook"`` — the table of Chinese textbooks and 数学建模 code (T3; cited by
#:   scikit-criteria's unshipped ``ahp_ext`` as [CHANGSHENG2013]), RI(3) = 0.52.
#: * ``"donegan_dodd"`` — Donegan & Dodd 1991 (T4; AHPy's default ``"dd"``), listed to n = 100;
#:   orders between listed ones are interpolated linearly, as AHPy does.
#: * ``"tummala_ling"`` — Tummala & Ling 1998 (T5; pymcdm ``AHP``).
RI_TABLES: Mapping[str, Mapping[int, float]] = {
    "saaty": _table(
        1, [0, 0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49, 1.51, 1.48, 1.56, 1.57, 1.59]
    ),
    "saaty2005": _table(
        1, [0, 0, 0.52, 0.89, 1.11, 1.25, 1.35, 1.40, 1.45, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59]
    ),
    "textbook": _table(
        1, [0, 0, 0.52, 0.89, 1.12, 1.26, 1.36, 1.41, 1.46, 1.49, 1.52, 1.54, 1.56, 1.58, 1.59]
    ),
    "donegan_dodd": {
        **_table(
            1,
            [
                0,
                0,
                0.4914,
                0.8286,
                1.0591,
                1.1797,
                1.2519,
                1.3171,
                1.3733,
                1.4055,
                1.4213,
                1.4497,
                1.4643,
                1.4822,
                1.4969,
                1.5078,
                1.5153,
                1.5262,
                1.5313,
                1.5371,
            ],
        ),
        25: 1.5619,
        30: 1.5772,
        40: 1.5976,
        50: 1.6102,
        60: 1.6178,
        70: 1.6237,
        80: 1.6277,
        90: 1.6213,
        100: 1.6339,
    },
    "tummala_ling": _table(
        1,
        [
            0,
            0,
            0.5799,
            0.8921,
            1.1159,
            1.2358,
            1.3322,
            1.3952,
            1.4537,
            1.4882,
            1.5117,
            1.5356,
            1.5571,
            1.5714,
            1.5831,
        ],
    ),
}

_INTERPOLATED = frozenset({"donegan_dodd"})


def random_index(n: int, table: str = "saaty") -> float:
    """RI(n) from the named table (``n <= 2`` is 0 in every table)."""
    if table not in RI_TABLES:
        raise WeightsError(
            f"unknown random-index table {table!r}; expected one of {', '.join(RI_TABLES)}"
        )
    if n <= 2:
        return 0.0
    values = RI_TABLES[table]
    if n in values:
        return float(values[n])
    known = sorted(values)
    if table in _INTERPOLATED and known[0] < n < known[-1]:
        hi = next(k for k in known if k > n)
        lo = max(k for k in known if k < n)
        return float(values[lo] + (values[hi] - values[lo]) * (n - lo) / (hi - lo))
    raise WeightsError(
        f"random-index table {table!r} has no value for a {n}×{n} matrix (it covers n ≤ "
        f"{known[-1]})"
    )


@attrs.frozen(kw_only=True)
class AhpResult:
    """What :func:`ahp` derived from a judgement matrix.

    ``weights`` sum to 1 (in the matrix's row order); ``ri`` is RI(n) from table ``ri_table``;
    ``consistent`` is ``cr < threshold`` (0.10 by default).
    """

    weights: tuple[float, ...]
    lambda_max: float
    ci: float
    cr: float
    ri: float
    consistent: bool
    method: str
    ri_table: str


def _matrix(matrix: Any, what: str) -> npt.NDArray[np.float64]:
    try:
        a = np.array(matrix, dtype=float)
    except (TypeError, ValueError) as exc:
        raise WeightsError(f"{what} must be a table of numbers: {exc}") from None
    if a.ndim != 2:
        raise WeightsError(f"{what} must be two-dimensional (rows of numbers), got {a.ndim} dims")
    if not np.all(np.isfinite(a)):
        raise WeightsError(f"{what} must hold finite numbers (no NaN, no infinity)")
    return a


def _check_judgements(a: npt.NDArray[np.float64], tol: float) -> None:
    n, m = a.shape
    if n != m or n == 0:
        raise WeightsError(f"an AHP judgement matrix must be square and non-empty, got {n}×{m}")
    bad = np.argwhere(a <= 0)
    if bad.size:
        i, j = bad[0]
        raise WeightsError(
            f"an AHP judgement matrix must be positive; entry ({i + 1}, {j + 1}) is {a[i, j]!r}"
        )
    for i in range(n):
        if abs(a[i, i] - 1.0) > tol:
            raise WeightsError(
                f"an AHP judgement matrix has 1 on its diagonal; entry ({i + 1}, {i + 1}) is "
                f"{a[i, i]!r}"
            )
        for j in range(i + 1, n):
            if abs(a[i, j] * a[j, i] - 1.0) > tol:
                raise WeightsError(
                    f"an AHP judgement matrix must be reciprocal (a_ji = 1/a_ij); entries "
                    f"({i + 1}, {j + 1}) = {a[i, j]!r} and ({j + 1}, {i + 1}) = {a[j, i]!r} "
                    f"multiply to {a[i, j] * a[j, i]:.4g}, not 1 (tolerance {tol})"
                )


def _eigenvector(a: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], float]:
    values, vectors = np.linalg.eig(a)
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    return w / w.sum(), float(values[k].real)


def _lambda_estimate(a: npt.NDArray[np.float64], w: npt.NDArray[np.float64]) -> float:
    return float(np.mean((a @ w) / w))


def ahp(
    matrix: Any,
    *,
    method: str = "eigenvector",
    ri: str = "saaty",
    threshold: float = CR_THRESHOLD,
    reciprocal_tol: float = 1e-2,
) -> AhpResult:
    """Weights and consistency of an AHP pairwise-comparison matrix.

    ``matrix[i][j]`` says how much more important criterion ``i`` is than ``j`` (Saaty's 1–9
    scale); it must be square, positive, with ones on the diagonal and reciprocal
    (``|a_ij·a_ji − 1| <= reciprocal_tol``, so ``0.333`` for 1/3 passes) — otherwise
    :class:`WeightsError`.

    ``method``: ``"eigenvector"`` (principal right eigenvector, Saaty; λmax its eigenvalue),
    ``"geometric"`` (row geometric mean, 方根法) or ``"column"`` (column-normalised row
    average, 和积法); for the last two ``λmax = mean((A·w)_i / w_i)``. Then
    ``CI = max(0, (λmax − n)/(n − 1))`` and ``CR = CI / RI(n)`` with RI from table ``ri`` (see
    :data:`RI_TABLES`); ``n <= 2`` gives ``CI = CR = 0``.

    >>> r = ahp([[1, 3, 2], [1/3, 1, 1/2], [1/2, 2, 1]])  # sectors.md O1 (表5-7)
    >>> [round(w, 4) for w in r.weights], round(r.cr, 4)
    ([0.5396, 0.1634, 0.297], 0.0079)
    """
    if method not in AHP_METHODS:
        raise WeightsError(f"unknown AHP method {method!r}; expected one of {AHP_METHODS}")
    a = _matrix(matrix, "an AHP judgement matrix")
    _check_judgements(a, reciprocal_tol)
    n = a.shape[0]
    ri_value = random_index(n, ri)
    if method == "eigenvector":
        w, lam = _eigenvector(a)
    elif method == "geometric":
        g = np.exp(np.log(a).mean(axis=1))
        w = g / g.sum()
        lam = _lambda_estimate(a, w)
    else:
        w = (a / a.sum(axis=0)).mean(axis=1)
        w = w / w.sum()
        lam = _lambda_estimate(a, w)
    ci = max(0.0, (lam - n) / (n - 1)) if n > 2 else 0.0
    cr = ci / ri_value if n > 2 else 0.0
    return AhpResult(
        weights=tuple(float(x) for x in w),
        lambda_max=lam,
        ci=ci,
        cr=cr,
        ri=ri_value,
        consistent=cr < threshold,
        method=method,
        ri_table=ri,
    )


def _directions(directions: Sequence[str] | None, n: int) -> npt.NDArray[np.bool_]:
    """``True`` where a column is a cost ("lower is better") column."""
    if directions is None:
        return np.zeros(n, dtype=bool)
    dirs = list(directions)
    if len(dirs) != n:
        raise WeightsError(f"got {len(dirs)} directions for {n} columns")
    for d in dirs:
        if d not in ("higher", "lower"):
            raise WeightsError(f"direction must be 'higher' or 'lower', got {d!r}")
    return np.array([d == "lower" for d in dirs], dtype=bool)


def _data(matrix: Any, what: str) -> npt.NDArray[np.float64]:
    x = _matrix(matrix, what)
    m, n = x.shape
    if m < 2 or n < 1:
        raise WeightsError(f"{what} needs at least 2 rows (units) and 1 column, got {m}×{n}")
    return x


def _minmax(x: npt.NDArray[np.float64], cost: npt.NDArray[np.bool_]) -> npt.NDArray[np.float64]:
    """Min-max per column into [0, 1], reversed for cost columns; constant columns → 0."""
    lo = x.min(axis=0)
    span = x.max(axis=0) - lo
    safe = np.where(span > 0, span, 1.0)
    y = (x - lo) / safe
    y = np.where(cost, 1.0 - y, y)
    result: npt.NDArray[np.float64] = np.where(span > 0, y, 0.0)
    return result


def _normalise(d: npt.NDArray[np.float64], method: str) -> tuple[float, ...]:
    total = float(d.sum())
    if not total > 0.0:
        why = (
            "every column is constant"
            if method == "entropy"
            else "every column is constant or all columns are perfectly correlated"
        )
        raise WeightsError(
            f"{method}: {why}, so the data carry no information to weight by (no weights; "
            "give weights by judgement instead)"
        )
    return tuple(float(v) for v in d / total)


def entropy(
    matrix: Any, *, directions: Sequence[str] | None = None, variant: str = "minmax"
) -> tuple[float, ...]:
    """Entropy weights (熵权法) of the columns (criteria) of ``matrix`` (rows are units).

    Common core (all published implementations): ``p_ij = y_ij / Σ_i y_ij``,
    ``e_j = −(1/ln m)·Σ_i p_ij ln p_ij`` with ``0·ln 0 = 0``, ``d_j = 1 − e_j``,
    ``w_j = d_j / Σ_k d_k``. The variants differ in ``y``:

    * ``"minmax"`` (default) — the Chinese-textbook form: ``y = (x − min)/(max − min)`` per
      column, ``(max − x)/(max − min)`` for ``"lower"`` columns (common 数学建模 tutorials; not
      the ε-shifted variants of mathmodels or papers that add 0.0001).
    * ``"raw"`` — ``y = x`` (non-negative data), directions ignored: scikit-criteria's
      ``EntropyWeighter`` (``scipy.stats.entropy(x, base=m)``); equals pymcdm's
      ``entropy_weights`` on strictly positive data (pymcdm rejects zeros). Giving ``"lower"``
      directions with this variant is an error, since it cannot honour them.

    A constant column (or an all-zero one) carries no information: ``e = 1``, weight 0, and
    the other weights are unchanged by it. If every column is constant there is nothing to
    weight by and :class:`WeightsError` is raised (no silent equal weights). Missing values
    (NaN) are an error: impute or drop first.
    """
    if variant not in ENTROPY_VARIANTS:
        raise WeightsError(
            f"unknown entropy variant {variant!r}; expected one of {ENTROPY_VARIANTS}"
        )
    x = _data(matrix, "the entropy method's data")
    m, n = x.shape
    cost = _directions(directions, n)
    if variant == "raw":
        if cost.any():
            raise WeightsError(
                "the 'raw' entropy variant ignores directions; use variant='minmax' for "
                "'lower is better' columns"
            )
        if (x < 0).any():
            raise WeightsError("the 'raw' entropy variant needs non-negative data")
        y = x
    else:
        y = _minmax(x, cost)
    sums = y.sum(axis=0)
    informative = sums > 0
    p = y / np.where(informative, sums, 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    e = np.where(informative, -terms.sum(axis=0) / math.log(m), 1.0)
    d = np.where(np.ptp(x, axis=0) > 0, np.clip(1.0 - e, 0.0, None), 0.0)
    return _normalise(d, "entropy")


def critic(matrix: Any, *, directions: Sequence[str] | None = None) -> tuple[float, ...]:
    """CRITIC weights (Diakoulaki, Mavrotas & Papayannakis 1995, *Comput. Oper. Res.* 22(7)).

    Columns are min-max normalised (cost columns reversed), then
    ``C_j = σ_j · Σ_k (1 − r_jk)`` with ``σ_j`` the standard deviation of column ``j`` and
    ``r`` Pearson's correlation; ``w_j = C_j / Σ C``. Matches pymcdm's ``critic_weights`` and
    scikit-criteria's ``CRITIC`` (both: min-max + Pearson) when every column is "higher".
    A constant column gets weight 0 and is left out of the others' conflict sums (so adding one
    changes no other weight); when a single column varies it gets weight 1; when every column
    is constant (or all are perfectly correlated) :class:`WeightsError` is raised.
    """
    x = _data(matrix, "the CRITIC method's data")
    cost = _directions(directions, x.shape[1])
    y = _minmax(x, cost)
    std = y.std(axis=0, ddof=1)
    live = std > 0
    if not live.any():
        return _normalise(np.zeros(x.shape[1]), "CRITIC")
    c = np.zeros(x.shape[1])
    if live.sum() == 1:
        c[live] = 1.0  # the only informative criterion; nothing to conflict with
        return _normalise(c, "CRITIC")
    r = np.corrcoef(y[:, live], rowvar=False)
    conflict = np.where(1.0 - r < 1e-12, 0.0, 1.0 - r)  # r = 1 up to rounding: no conflict
    c[live] = std[live] * conflict.sum(axis=0)
    return _normalise(c, "CRITIC")


def _weight_vector(w: Any, what: str) -> npt.NDArray[np.float64]:
    try:
        v = np.array(w, dtype=float)
    except (TypeError, ValueError) as exc:
        raise WeightsError(f"{what} weights must be numbers: {exc}") from None
    if v.ndim != 1 or v.size == 0:
        raise WeightsError(f"{what} weights must be a non-empty list of numbers")
    if not np.all(np.isfinite(v)) or (v < 0).any() or not v.sum() > 0:
        raise WeightsError(f"{what} weights must be finite, non-negative and not all zero")
    result: npt.NDArray[np.float64] = v / v.sum()
    return result


def combine(
    subjective: Any, objective: Any, *, method: str = "linear", alpha: float = 0.5
) -> tuple[float, ...]:
    """Combine subjective (e.g. AHP) and objective (e.g. entropy) weights (主客观组合赋权).

    Each vector is first divided by its sum. ``"linear"``: ``w = α·s + (1 − α)·o``;
    ``"multiplicative"``: ``w_j = s_j·o_j / Σ_k s_k·o_k`` (``alpha`` unused). Same forms as
    mathmodels' ``combine_weights(type = "linear" | "multiplicative")``.
    """
    s = _weight_vector(subjective, "subjective")
    o = _weight_vector(objective, "objective")
    if s.shape != o.shape:
        raise WeightsError(f"got {s.size} subjective and {o.size} objective weights")
    if isinstance(alpha, bool) or not 0.0 <= alpha <= 1.0:
        raise WeightsError(f"alpha must be in [0, 1], got {alpha!r}")
    if method == "linear":
        w = alpha * s + (1.0 - alpha) * o
    elif method == "multiplicative":
        w = s * o
        if not w.sum() > 0:
            raise WeightsError("multiplicative combination: no criterion has both weights > 0")
    else:
        raise WeightsError(f"unknown method {method!r}; expected 'linear' or 'multiplicative'")
    return tuple(float(v) for v in w / w.sum())
