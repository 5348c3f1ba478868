"""What follows from P and B on columns: S, C, T, D, band, lag and grade cut-offs, completeness,
and which rows sit so close to a cut-off that the fast path's last bits could matter.

Each function uses :func:`classguide.evaluate`'s operations in the same order, so given the same
P and B the results are bitwise the single-unit path's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from classguide.batch.fastops import clamp, put, upper
from classguide.batch.plan import ColumnPlan
from classguide.errors import ClassguideError

__all__ = [
    "NEAR",
    "check_bands",
    "completeness",
    "downstream",
    "in_bands",
    "near_cutoffs",
]

F64 = NDArray[np.float64]
Bool = NDArray[np.bool_]

_COMPLETE_EPS = 1e-12
#: How close to a cut-off a fast-path outcome must be for its row to be recomputed exactly.
NEAR = 1e-9
_TINY = 1e-8


def in_bands(x: F64, limits: Sequence[tuple[float, float]], top_closed: bool) -> NDArray[np.int8]:
    """Index of the first band holding ``x`` (-1 for none, NaN included).

    Grades (``top_closed``): the first band holds ``min <= x <= max``, the others ``min <= x <
    max``. Coordination bands: the first holds ``min <= x <= max``, the others ``min < x <= max``.
    """
    code = np.full(x.shape, -1, dtype=np.int8)
    for j in range(len(limits) - 1, -1, -1):
        lo, hi = limits[j]
        if j == 0:
            cond = (x >= lo) & (x <= hi)
        elif top_closed:
            cond = (x >= lo) & (x < hi)
        else:
            cond = (x > lo) & (x <= hi)
        put(code, cond, j)
    return code


def _inner_cuts(limits: Sequence[tuple[float, float]]) -> list[float]:
    """Cut-offs where a tiny change can switch bands (not the outer ends of the whole range)."""
    cuts = {v for band in limits for v in band}
    lo = min(v for band in limits for v in band)
    hi = max(v for band in limits for v in band)
    return sorted(cuts - {lo, hi})


def near_cutoffs(
    cp: ColumnPlan,
    score: F64,
    degree: F64,
    gap: F64,
    tags: list[F64],
    product: F64 | None,
    lag_gap: F64 | None = None,
) -> Bool:
    """Rows whose outcome a last-bit difference could change: S, D, the gap or a disconnect
    score within :data:`NEAR` of a cut-off, or a sub-system so close to 0 (U1·U2 < 1e-8) that
    C = 2√(U1·U2)/(U1+U2) magnifies last-bit differences beyond 1e-10."""
    near: Bool = np.zeros(score.shape, dtype=np.bool_)
    if product is not None:
        with np.errstate(invalid="ignore"):
            near |= product < _TINY
    checks = [
        (score, _inner_cuts(cp.grade_bands)),
        (degree, _inner_cuts(cp.band_limits)),
        (gap, [cp.lag_threshold, -cp.lag_threshold]),
        *(((lag_gap, [cp.lag_gap, -cp.lag_gap]),) if lag_gap is not None else ()),
        *((t, [cp.disconnect_threshold]) for t in tags),
    ]
    # Two comparisons with bool results per cut (cheaper than |x - cut| <= NEAR, which makes
    # two float temporaries); the window differs from that one only by rounding at its edges,
    # a million times wider than the fast path's last-bit differences.
    inside: Bool = np.empty(score.shape, dtype=np.bool_)
    with np.errstate(invalid="ignore"):
        for x, cuts in checks:
            for cut in cuts:
                np.greater_equal(x, cut - NEAR, out=inside)
                inside &= x <= cut + NEAR
                near |= inside
    return near


def completeness(
    cp: ColumnPlan, scores: Sequence[F64 | None], missing: Sequence[bool], present: Bool
) -> Bool:
    """Whether each row's observed share reaches the threshold in both sub-systems (the scores
    of a column with a missing value are always there; others may be ``None``)."""
    complete: Bool = present.copy()
    if not any(missing):
        return complete
    thr = cp.completeness_threshold - _COMPLETE_EPS
    shares = cp.plan.tree.indicator_share
    for ks, total in zip(cp.root_indicators, cp.root_totals, strict=True):
        if total == 0.0:  # an empty sub-system counts as fully observed (share 1.0)
            complete &= thr <= 1.0
            continue
        gone = np.zeros(len(present))
        for k in ks:
            if missing[k]:
                s = scores[k]
                assert s is not None  # a column with a missing value is always kept
                gone += np.isnan(s) * shares[k]
        complete &= (total - gone) / total >= thr
    return complete


def check_bands(
    degree: F64, band: NDArray[np.int8], present: Bool, score: F64, grade: NDArray[np.int8],
    complete: Bool,
) -> None:  # fmt: skip
    """Raise as :func:`~classguide.band_for` and :func:`~classguide.grading.grade_for` do."""
    bad = present & (band < 0)
    if bad.any():
        raise ClassguideError(
            f"coordination degree {float(degree[bad][0])!r} falls in no coordination band"
        )
    bad = complete & (grade < 0)
    if bad.any():
        raise ClassguideError(f"composite score {float(score[bad][0])!r} falls in no grade band")


def downstream(
    cp: ColumnPlan, party: F64, business: F64, buf: Callable[[str], F64] | None = None
) -> dict[str, F64]:
    """S, C, T, D, the gap U1 − U2 and U1·U2, with :func:`classguide.evaluate`'s operations.

    ``buf(name)`` gives a float array of ``party``'s length to write the result (or a
    temporary) ``name`` into; by default each is a new array.
    """
    new = buf if buf is not None else (lambda _name: np.empty_like(party))
    wp, wb = cp.party_weight, cp.business_weight
    with np.errstate(all="ignore"):
        score = np.multiply(party, wp, out=new("score"))
        score += np.multiply(business, wb, out=new("tmp"))
        score /= wp + wb
        clamp(score, 0.0, 100.0)
        u1 = np.divide(party, 100.0, out=new("u1"))
        u2 = np.divide(business, 100.0, out=new("u2"))
        tot = np.add(u1, u2, out=new("tot"))
        product = np.multiply(u1, u2, out=new("product"))
        coupling = np.sqrt(product, out=new("coupling"))
        coupling *= 2.0
        coupling /= tot
        upper(coupling, 1.0)
        np.copyto(coupling, 0.0, where=tot == 0.0)
        alpha = wp / (wp + wb)
        development = np.multiply(u1, alpha, out=new("development"))
        development += np.multiply(u2, 1.0 - alpha, out=new("tmp"))
        degree = np.multiply(coupling, development, out=new("degree"))
        np.sqrt(degree, out=degree)
        gap = np.subtract(u1, u2, out=new("gap"))
    return dict(
        score=score, coupling=coupling, development=development, degree=degree, gap=gap,
        product=product,
    )  # fmt: skip
