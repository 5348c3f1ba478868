"""Aggregation up the indicator tree on columns: :func:`classguide.aggregation.aggregate` with
NaN for missing.

Children are visited in the tree's order and a missing child adds exactly 0 to the weighted sum
and to the weight total, which is what skipping it does in the single-unit path; a block with no
missing child takes a shorter route with the same operations.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from classguide.aggregation import Tree, aggregate
from classguide.batch.fastops import clamp, upper

__all__ = ["FusedTree", "exact_rows", "has_nan", "node_scores"]

F64 = NDArray[np.float64]
Kid = tuple[F64, bool, float]


def has_nan(x: F64) -> bool:
    """Whether ``x`` holds a NaN (a minimum is NaN iff some element is)."""
    return bool(np.isnan(np.minimum.reduce(x))) if x.size else False


def _arithmetic(kids: list[Kid], size: int) -> F64:
    if not any(m for _, m, _ in kids):
        total = 0.0
        for _, _, w in kids:
            total += w
        if total == 0.0:
            return np.full(size, np.nan)
        acc = np.multiply(kids[0][0], kids[0][2])
        tmp = np.empty(size)
        for s, _, w in kids[1:]:
            acc += np.multiply(s, w, out=tmp)
        res = np.divide(acc, total, out=acc)
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
    return clamp(res, 0.0, 100.0)


def _geometric(kids: list[Kid], size: int) -> F64:
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
    upper(res, 100.0)
    np.copyto(res, np.nan, where=tot == 0.0)
    np.copyto(res, 0.0, where=zero)
    return res


def node_scores(tree: Tree, scores: Sequence[F64], missing: Sequence[bool], size: int) -> list[F64]:
    """Every node's score on a block (groups in ``tree.group_ids`` order, then the roots)."""
    out: list[F64] = []
    out_missing: list[bool] = []
    for node in tree.nodes:
        kids = [
            (scores[idx] if is_ind else out[idx], missing[idx] if is_ind else out_missing[idx], w)
            for is_ind, idx, w in node.children
        ]
        res = _geometric(kids, size) if node.geometric else _arithmetic(kids, size)
        out.append(res)
        out_missing.append(has_nan(res))
    return out


def exact_rows(tree: Tree, scores: Sequence[F64], nodes: list[F64], rows: NDArray[np.intp]) -> None:
    """Recompute ``nodes`` for ``rows`` with the single-unit path's own :func:`aggregate`.

    Used for rule sets with geometric groups: NumPy's vectorised ``log``/``exp`` may differ from
    ``math.log``/``math.exp`` in the last bit, which matters only for a row sitting on a cut-off.
    """
    for r in rows.tolist():
        row = [None if np.isnan(col[r]) else float(col[r]) for col in scores]
        for k, val in enumerate(aggregate(tree, row)):
            nodes[k][r] = np.nan if val is None else val


class FusedTree:
    """The fast path's aggregation: each score is added to its parent while still in cache.

    Node sums are kept in one preallocated ``(nodes, block)`` workspace; a node's first child
    writes its sum, the others add to it (nothing is zeroed per block). A missing child adds 0
    to the sum and its weight only where present, as in the exact path. Where an arithmetic
    node's children all have the same weight, the scores are summed and the weight applied once
    to the sum. The order of operations differs from the exact path (indicators first, then
    groups; weights applied to sums), which moves results by a few units in the last place
    only — the engine recomputes exactly any row that close to a cut-off.
    """

    def __init__(self, tree: Tree, block: int) -> None:
        self.tree = tree
        self.geometric = [node.geometric for node in tree.nodes]
        self.indicator_parent: dict[int, tuple[int, float]] = {}
        self.node_parent: dict[int, tuple[int, float]] = {}
        #: the weight every child of an arithmetic node shares (applied to the sum), or None
        self.shared: list[float | None] = []
        for j, node in enumerate(tree.nodes):
            weights = {w for _, _, w in node.children}
            one = len(weights) == 1 and not node.geometric
            self.shared.append(weights.pop() if one else None)
            for is_ind, idx, w in node.children:
                (self.indicator_parent if is_ind else self.node_parent)[idx] = (j, w)
        n_nodes = len(tree.nodes)
        self.acc = np.empty((n_nodes, block))
        self.tot = np.empty((n_nodes, block))
        self.zero = np.empty((n_nodes, block), dtype=np.bool_)
        self.tmp = np.empty(block)
        # Rows where a geometric node has a child scoring below 1: there the geometric mean
        # magnifies last-bit differences (a child of 1e-14 instead of 0 moves it by 1e-7), so
        # the engine recomputes them exactly.
        self.fragile = np.zeros(block, dtype=np.bool_)
        self.any_geometric = any(self.geometric)
        self.const = [0.0] * n_nodes
        self.flagged = [False] * n_nodes
        self.started = [False] * n_nodes
        self.size = block

    def reset(self, size: int) -> None:
        """Start a block of ``size`` rows."""
        self.size = size
        if self.any_geometric:
            self.fragile[:size] = False
        n_nodes = len(self.const)
        self.const = [0.0] * n_nodes
        self.flagged = [False] * n_nodes
        self.started = [False] * n_nodes

    def _add(self, j: int, s: F64, w: float, missing: bool) -> None:
        n = self.size
        acc, tmp = self.acc[j, :n], self.tmp[:n]
        geometric = self.geometric[j]
        first = not self.started[j]
        self.started[j] = True
        if geometric and first:
            self.zero[j, :n] = False
        with np.errstate(all="ignore"):
            if geometric:
                self.zero[j, :n] |= s <= 0.0
                self.fragile[:n] |= s < 1.0
                np.log(s, out=tmp)
                tmp *= w
            elif self.shared[j] is not None:  # the weight is applied to the sum (finish)
                if not missing:
                    if first:
                        np.copyto(acc, s)
                    else:
                        acc += s
                    self.const[j] += w
                    return
                np.copyto(tmp, s)
            else:
                np.multiply(s, w, out=tmp)
        if missing:
            present = ~np.isnan(s)
            np.copyto(tmp, 0.0, where=~present)
            if self.flagged[j]:
                self.tot[j, :n] += present * w
            else:
                np.multiply(present, w, out=self.tot[j, :n])
            self.flagged[j] = True
        else:
            self.const[j] += w
        if geometric:
            np.copyto(tmp, 0.0, where=self.zero[j, :n])  # log(0) = -inf must not poison the sum
        if first:
            np.copyto(acc, tmp)
        else:
            acc += tmp

    def add_indicator(self, k: int, s: F64, missing: bool) -> None:
        """Add indicator ``k``'s scores to its parent's sum."""
        hit = self.indicator_parent.get(k)
        if hit is not None:
            self._add(hit[0], s, hit[1], missing)

    def finish(self) -> list[F64]:
        """Every node's scores (views into the workspace), children before parents."""
        n = self.size
        out: list[F64] = []
        for j in range(len(self.tree.nodes)):
            acc = self.acc[j, :n]
            const, flagged, shared = self.const[j], self.flagged[j], self.shared[j]
            if not self.started[j] or (not flagged and const == 0.0):
                acc[:] = np.nan  # no child (or no weight): no score
            else:
                with np.errstate(all="ignore"):
                    if flagged:
                        if shared is not None:
                            acc *= shared
                        total = self.tot[j, :n]
                        total += const
                        acc /= total
                        np.copyto(acc, np.nan, where=total == 0.0)
                    elif shared is not None:  # one factor: the shared weight over the total
                        factor = shared / const
                        if factor != 1.0:
                            acc *= factor
                    else:  # every child present in every row: one total
                        acc /= const
                    if self.geometric[j]:
                        np.exp(acc, out=acc)
                        np.copyto(acc, 0.0, where=self.zero[j, :n])
            clamp(acc, 0.0, 100.0)  # every node, kept or not: results must not depend on that
            out.append(acc)
            hit = self.node_parent.get(j)
            if hit is not None:
                maybe_missing = flagged or const == 0.0
                self._add(hit[0], acc, hit[1], maybe_missing and has_nan(acc))
        return out
