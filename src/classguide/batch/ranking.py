"""Ranking within class on columns: the definitions of :func:`classguide.rank`.

A class is the units judged by one rule set (same id and version; one period per table). Only
complete evaluations are ranked. Rank is competition ranking on S rounded to 9 decimals, highest
first (equal scores share a rank: 1, 2, 2, 4); percentile = 100·(n − rank)/(n − 1), 100 for a
class of one; the bottom k = :func:`classguide.ranking.bottom_count` places — units with fewer
than k units strictly below them, unless tied for first — get an ``interview`` warning.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from numpy.typing import NDArray

__all__ = ["DIGITS", "competition", "percentiles", "rank_classes"]

#: Scores are compared rounded to this many decimals (as :func:`classguide.rank` does).
DIGITS = 9


def competition(
    values: NDArray[np.float64], below: bool = True
) -> tuple[NDArray[np.int64], NDArray[np.int64] | None]:
    """Competition rank of each value (highest first) and, if ``below``, how many values are
    strictly lower (``None`` otherwise)."""
    n = values.size
    order = np.argsort(values)[::-1]  # descending; the order among equal values is irrelevant
    ordered = values[order]
    changes = np.empty(n, dtype=np.bool_)
    if n:
        changes[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=changes[1:])
    position = np.arange(n, dtype=np.int64)
    first = np.maximum.accumulate(np.where(changes, position, 0))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order] = first + 1
    if not below:
        return ranks, None
    ends = np.empty(n, dtype=np.bool_)
    if n:
        ends[:-1] = changes[1:]
        ends[-1] = True
    last = np.minimum.accumulate(np.where(ends, position, n)[::-1])[::-1]
    lower = np.empty(n, dtype=np.int64)
    lower[order] = n - 1 - last
    return ranks, lower


def percentiles(ranks: NDArray[np.int64], size: int) -> NDArray[np.float64]:
    """100·(n − rank)/(n − 1) for each rank in a class of ``size`` (100 when it is alone)."""
    if size == 1:
        return np.full(ranks.shape, 100.0)
    return 100.0 * (size - ranks) / (size - 1)


def rank_classes(
    classes: NDArray[np.int64],
    score: NDArray[np.float64],
    complete: NDArray[np.bool_],
    bottom: Sequence[Callable[[int], int]],
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.int64]]:
    """Rank, class size and percentile of every row (0 / 0 / NaN where not ranked), and the rows
    at the bottom of their class (``bottom[c](size)`` places of class ``c`` are interviewed)."""
    k = bottom
    n = len(score)
    rank = np.zeros(n, dtype=np.int64)
    size = np.zeros(n, dtype=np.int64)
    pct = np.full(n, np.nan)
    flagged: list[NDArray[np.int64]] = []
    ranked = complete & ~np.isnan(score)
    for c in range(len(k)):
        rows = np.flatnonzero(ranked & (classes == c)) if len(k) > 1 else np.flatnonzero(ranked)
        m = int(rows.size)
        if not m:
            continue
        places = k[c](m)
        ranks, below = competition(np.round(score[rows], DIGITS), below=places > 0)
        rank[rows] = ranks
        size[rows] = m
        pct[rows] = percentiles(ranks, m)
        if below is not None:
            flagged.append(rows[(ranks > 1) & (below < places)])
    out = np.concatenate(flagged) if flagged else np.zeros(0, dtype=np.int64)
    return rank, size, pct, np.sort(out)
