"""The columnar engine: one NumPy pass per rule set over a units × indicators block.

The steps are those of :func:`classguide.evaluate`, on columns: check values → scale → aggregate
up the tree (NaN = missing; present siblings' weights renormalise) → completeness → P, B, S →
C, T, D → band and lag → grade with veto caps → the built-in warning rules (as counts, the most
severe level and, on request, the list per unit). Rows are processed in blocks that fit the CPU
cache; every arithmetic step uses the single-unit path's operations in the same order, so the
numbers agree bitwise (geometric groups: see :func:`_exact_rows`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from classguide.aggregation import BUSINESS, PARTY, aggregate
from classguide.batch.checks import check_block
from classguide.batch.diagnosis import BlockWarnings
from classguide.batch.formulas import evaluate_formula
from classguide.batch.plan import ColumnPlan, column_plan_for
from classguide.batch.scales import score_column
from classguide.errors import ClassguideError
from classguide.ruleset import RuleSet

__all__ = ["DEFAULT_BLOCK", "ColumnResult", "evaluate_columns"]

F64 = NDArray[np.float64]
Bool = NDArray[np.bool_]

#: Rows per block: 32k rows × 8 bytes = 256 KiB per column, so a block's working set stays in
#: the CPU's L2 cache.
DEFAULT_BLOCK = 32_768
_COMPLETE_EPS = 1e-12
_NEAR = 1e-9


@attrs.frozen(kw_only=True, eq=False)
class ColumnResult:
    """What the engine computes for ``n`` units of one rule set (NaN / -1 = none).

    ``band``, ``lag`` and ``grade`` are codes into ``plan.band_ids``, :data:`LAGS` and
    ``plan.grade_ids``; ``max_level`` is a :class:`~classguide.WarningLevel` value (0 = no
    warning). ``warning_rows``/``warning_sources`` list every warning as (row, index into
    ``plan.sources``), rows ascending, when asked for.
    """

    plan: ColumnPlan
    party: F64
    business: F64
    score: F64
    coupling: F64
    development: F64
    degree: F64
    band: NDArray[np.int8]
    lag: NDArray[np.int8]
    grade: NDArray[np.int8]
    complete: Bool
    warning_count: NDArray[np.int32]
    max_level: NDArray[np.int8]
    indicator_scores: tuple[F64, ...] | None = None
    group_scores: tuple[F64, ...] | None = None
    warning_rows: NDArray[np.int64] | None = None
    warning_sources: NDArray[np.int32] | None = None


@attrs.define
class _Out:
    n: int
    keep_scores: bool
    n_ind: int
    n_groups: int
    party: F64 = attrs.field(init=False)
    business: F64 = attrs.field(init=False)
    score: F64 = attrs.field(init=False)
    coupling: F64 = attrs.field(init=False)
    development: F64 = attrs.field(init=False)
    degree: F64 = attrs.field(init=False)
    band: NDArray[np.int8] = attrs.field(init=False)
    lag: NDArray[np.int8] = attrs.field(init=False)
    grade: NDArray[np.int8] = attrs.field(init=False)
    complete: Bool = attrs.field(init=False)
    indicator_scores: list[F64] = attrs.field(init=False)
    group_scores: list[F64] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        n = self.n
        for name in ("party", "business", "score", "coupling", "development", "degree"):
            setattr(self, name, np.full(n, np.nan))
        for name in ("band", "lag", "grade"):
            setattr(self, name, np.full(n, -1, dtype=np.int8))
        self.complete = np.zeros(n, dtype=np.bool_)
        k = self.n_ind if self.keep_scores else 0
        g = self.n_groups if self.keep_scores else 0
        self.indicator_scores = [np.full(n, np.nan) for _ in range(k)]
        self.group_scores = [np.full(n, np.nan) for _ in range(g)]


def _has_nan(x: F64) -> bool:
    # A sum is NaN iff some element is NaN (or +inf and -inf meet, which checks already refuse).
    return bool(np.isnan(np.add.reduce(x))) if x.size else False


def _node_scores(
    cp: ColumnPlan, scores: Sequence[F64], missing: Sequence[bool], size: int
) -> tuple[list[F64], list[bool]]:
    """Every node's score on the block: :func:`classguide.aggregation.aggregate` on columns."""
    out: list[F64] = []
    out_missing: list[bool] = []
    for node in cp.plan.tree.nodes:
        kids = [
            (scores[idx] if is_ind else out[idx], missing[idx] if is_ind else out_missing[idx], w)
            for is_ind, idx, w in node.children
        ]
        if not any(m for _, m, _ in kids):
            total = 0.0
            for _, _, w in kids:
                total += w
            if total == 0.0 and not node.geometric:
                res = np.full(size, np.nan)
            elif node.geometric:
                res = _geometric(kids, size)
            else:
                acc = np.multiply(kids[0][0], kids[0][2])
                for s, _, w in kids[1:]:
                    acc += s * w
                res = np.divide(acc, total, out=acc)
                np.clip(res, 0.0, 100.0, out=res)
        elif node.geometric:
            res = _geometric(kids, size)
        else:
            acc = np.zeros(size)
            tot = np.zeros(size)
            for s, m, w in kids:
                if m:
                    present = ~np.isnan(s)
                    part = np.multiply(s, w)
                    np.copyto(part, 0.0, where=~present)
                    acc += part
                    tot += present * w
                else:
                    acc += s * w
                    tot += w
            with np.errstate(all="ignore"):
                res = np.divide(acc, tot, out=acc)
            np.copyto(res, np.nan, where=tot == 0.0)
            np.clip(res, 0.0, 100.0, out=res)
        out.append(res)
        out_missing.append(_has_nan(res))
    return out, out_missing


def _geometric(kids: list[tuple[F64, bool, float]], size: int) -> F64:
    """``exp(Σ wᵢ ln sᵢ / Σ wᵢ)`` over present children, 0 if one scores ≤ 0, capped at 100."""
    acc = np.zeros(size)
    tot = np.zeros(size)
    zero = np.zeros(size, dtype=np.bool_)
    with np.errstate(all="ignore"):
        for s, _, w in kids:
            present = ~np.isnan(s)
            zero |= present & (s <= 0.0)
            part = np.log(s) * w
            np.copyto(part, 0.0, where=~present)
            acc += part
            tot += present * w
        res = np.exp(acc / tot)
    np.minimum(res, 100.0, out=res)
    np.copyto(res, np.nan, where=tot == 0.0)
    np.copyto(res, 0.0, where=zero)
    return res


def _exact_rows(
    cp: ColumnPlan, scores: Sequence[F64], nodes: list[F64], party: F64, business: F64
) -> None:
    """Redo geometric aggregation with the C library's ``log``/``exp`` for rows near a cut-off.

    NumPy's vectorised ``log``/``exp`` may differ from ``math.log``/``math.exp`` in the last
    bit. That is far inside 1e-9, but a score sitting exactly on a grade, band or lag cut-off
    could fall on the other side; those few rows are recomputed with the single-unit path's own
    :func:`~classguide.aggregation.aggregate`, so grades, bands and lags are identical too.
    """
    wp, wb = cp.party_weight, cp.business_weight
    with np.errstate(all="ignore"):
        s = (party * wp + business * wb) / (wp + wb)
        u1, u2 = party / 100.0, business / 100.0
        c = 2.0 * np.sqrt(u1 * u2) / (u1 + u2)
        d = np.sqrt(c * (u1 * (wp / (wp + wb)) + u2 * (1.0 - wp / (wp + wb))))
        gap = u1 - u2
    near = np.zeros(party.shape, dtype=np.bool_)
    for x, cuts in (
        (s, [v for band in cp.grade_bands for v in band]),
        (d, [v for band in cp.band_limits for v in band]),
        (gap, [cp.lag_threshold, -cp.lag_threshold, cp.lag_gap, -cp.lag_gap]),
    ):
        for cut in cuts:
            near |= np.abs(x - cut) <= _NEAR * max(1.0, abs(cut))
    rows = np.flatnonzero(near)
    tree = cp.plan.tree
    for r in rows.tolist():
        row = [None if np.isnan(col[r]) else float(col[r]) for col in scores]
        exact = aggregate(tree, row)
        for k, val in enumerate(exact):
            nodes[k][r] = np.nan if val is None else val
        party[r] = nodes[tree.roots[PARTY]][r]
        business[r] = nodes[tree.roots[BUSINESS]][r]


def _scale_block(
    cp: ColumnPlan, k: int, v: F64, tiers: NDArray[np.int8] | None
) -> tuple[F64, Bool | None]:
    if k not in cp.varying or tiers is None:
        return score_column(v, cp.tier_scales[0][k])
    score, viol = score_column(v, cp.tier_scales[0][k])
    for t in range(1, len(cp.tier_scales)):
        mask = tiers == t
        if mask.any():
            s_t, v_t = score_column(v, cp.tier_scales[t][k])
            np.copyto(score, s_t, where=mask)
            if viol is not None and v_t is not None:
                np.copyto(viol, v_t, where=mask)
    return score, viol


def _in_bands(x: F64, limits: Sequence[tuple[float, float]], top_closed: bool) -> NDArray[np.int8]:
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
        np.copyto(code, np.int8(j), where=cond)
    return code


def _block(
    cp: ColumnPlan,
    raws: Sequence[F64],
    tiers: NDArray[np.int8] | None,
    out: _Out,
    warnings: BlockWarnings,
    a: int,
) -> None:
    plan = cp.plan
    size = len(raws[0]) if raws else 0
    b = a + size
    scores: list[F64] = []
    missing: list[bool] = []
    viols: list[Bool | None] = []
    for k, v in enumerate(raws):
        has_missing = _has_nan(v)
        s, viol = _scale_block(cp, k, v, tiers)
        scores.append(s)
        missing.append(has_missing)
        viols.append(viol)
        if out.keep_scores:
            out.indicator_scores[k][a:b] = s
    nodes, _ = _node_scores(cp, scores, missing, size)
    tree = plan.tree
    party = nodes[tree.roots[PARTY]]
    business = nodes[tree.roots[BUSINESS]]
    if cp.has_geometric:
        _exact_rows(cp, scores, nodes, party, business)
    present = ~(np.isnan(party) | np.isnan(business))
    complete = present.copy()
    if any(missing):
        thr = cp.completeness_threshold - _COMPLETE_EPS
        shares = tree.indicator_share
        for ks, total in zip(cp.root_indicators, cp.root_totals, strict=True):
            if total == 0.0:  # an empty sub-system counts as fully observed (share 1.0)
                complete &= thr <= 1.0
                continue
            gone = np.zeros(size)
            for k in ks:
                if missing[k]:
                    gone += np.isnan(scores[k]) * shares[k]
            complete &= (total - gone) / total >= thr
    wp, wb = cp.party_weight, cp.business_weight
    with np.errstate(all="ignore"):
        score = party * wp
        score += business * wb
        score /= wp + wb
        np.clip(score, 0.0, 100.0, out=score)
        u1 = party / 100.0
        u2 = business / 100.0
        tot = u1 + u2
        coupling = np.sqrt(u1 * u2)
        coupling *= 2.0
        coupling /= tot
        np.minimum(coupling, 1.0, out=coupling)
        np.copyto(coupling, 0.0, where=tot == 0.0)
        alpha = wp / (wp + wb)
        development = u1 * alpha
        development += u2 * (1.0 - alpha)
        degree = np.sqrt(coupling * development)
    gap = u1 - u2
    lag = np.zeros(size, dtype=np.int8)
    # lag_type tests "business lags" first: it must win, so it is written last.
    np.copyto(lag, np.int8(1), where=-gap > cp.lag_threshold)
    np.copyto(lag, np.int8(2), where=gap > cp.lag_threshold)
    np.copyto(lag, np.int8(-1), where=~present)
    band = _in_bands(degree, cp.band_limits, top_closed=False)
    grade = _in_bands(score, cp.grade_bands, top_closed=True)
    if bool((present & (band < 0)).any()):
        bad = degree[present & (band < 0)][0]
        raise ClassguideError(f"coordination degree {float(bad)!r} falls in no coordination band")
    if bool((complete & (grade < 0)).any()):
        bad = score[complete & (grade < 0)][0]
        raise ClassguideError(f"composite score {float(bad)!r} falls in no grade band")
    for k, cap in cp.veto_caps:
        viol = viols[k]
        if viol is not None:
            np.maximum(grade, np.where(viol, np.int8(cap), np.int8(-1)), out=grade)
    np.copyto(grade, np.int8(-1), where=~complete)
    warnings.add_block(cp, a, scores, missing, viols, band, present, gap, complete)
    for name, arr in (
        ("party", party),
        ("business", business),
        ("score", score),
        ("coupling", coupling),
        ("development", development),
        ("degree", degree),
        ("band", band),
        ("lag", lag),
        ("grade", grade),
        ("complete", complete),
    ):
        getattr(out, name)[a:b] = arr
    if out.keep_scores:
        for g in range(len(tree.group_ids)):
            out.group_scores[g][a:b] = nodes[g]


def evaluate_columns(
    ruleset: RuleSet,
    columns: Mapping[str, F64],
    n: int,
    *,
    tiers: NDArray[np.int8] | None = None,
    inputs: Mapping[str, F64] | None = None,
    unit_ids: Sequence[object] | None = None,
    block: int = DEFAULT_BLOCK,
    keep_scores: bool = False,
    keep_warnings: bool = False,
) -> ColumnResult:
    """Evaluate ``n`` units against ``ruleset`` from raw value columns (NaN = missing).

    ``columns`` maps indicator ids to float64 arrays of length ``n``: ratios as fractions,
    booleans as 0/1, grade labels already mapped to their table score; an absent key is a
    missing indicator. ``inputs`` holds the numeric raw inputs of derived (formula) indicators
    (default: ``columns``). ``tiers`` gives each unit's foundation tier as a code (0 = none or a
    tier without adjustments, ``j`` = ``plan.tiers[j - 1]``). ``unit_ids`` name the rows in
    error messages. Values out of their kind's range raise
    :class:`~classguide.EvaluationInputError`, as the single-unit path does.
    """
    cp = column_plan_for(ruleset)
    plan = cp.plan
    inputs = columns if inputs is None else inputs
    out = _Out(n, keep_scores, len(plan.indicators), len(plan.tree.group_ids))
    warnings = BlockWarnings(cp, n, keep_warnings)
    nan_block = np.full(min(block, max(n, 1)), np.nan)
    for a in range(0, n, block):
        b = min(n, a + block)
        size = b - a

        def column(name: str, a: int = a, b: int = b, size: int = size) -> F64:
            col = inputs.get(name)
            return nan_block[:size] if col is None else col[a:b]

        raws: list[F64] = []
        for k, ind in enumerate(plan.indicators):
            formula = plan.formulas[k]
            if formula is not None:
                v = evaluate_formula(formula, column, size)
            else:
                col = columns.get(ind.id)
                v = nan_block[:size] if col is None else col[a:b]
            raws.append(v)
        check_block(plan, raws, a, unit_ids)
        _block(cp, raws, None if tiers is None else tiers[a:b], out, warnings, a)
    counts, levels, rows, sources = warnings.finish()
    return ColumnResult(
        plan=cp,
        party=out.party,
        business=out.business,
        score=out.score,
        coupling=out.coupling,
        development=out.development,
        degree=out.degree,
        band=out.band,
        lag=out.lag,
        grade=out.grade,
        complete=out.complete,
        warning_count=counts,
        max_level=levels,
        indicator_scores=tuple(out.indicator_scores) if keep_scores else None,
        group_scores=tuple(out.group_scores) if keep_scores else None,
        warning_rows=rows,
        warning_sources=sources,
    )
