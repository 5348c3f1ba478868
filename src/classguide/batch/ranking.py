"""Ranking within a class on columns: the definitions of :func:`classguide.rank`.

Units are compared only with units judged by the same lock (rule set); only complete
evaluations are ranked; competition ranking on the composite score S, highest first, equal
scores sharing a rank ("1224"). ``class_size`` is the number of ranked units.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["competition_ranks", "percentiles"]


def competition_ranks(
    score: NDArray[np.float64], ranked: NDArray[np.bool_]
) -> tuple[NDArray[np.int64], int]:
    """Rank of every row (0 where not ranked): 1 + the number of ranked rows scoring higher."""
    rows = np.flatnonzero(ranked)
    size = int(rows.size)
    ranks = np.zeros(score.shape, dtype=np.int64)
    if size:
        values = score[rows]
        order = np.argsort(-values)
        ordered = values[order]
        # A rank starts where the score changes; equal scores keep the first position's rank.
        starts = np.r_[True, ordered[1:] != ordered[:-1]]
        position = np.arange(1, size + 1, dtype=np.int64)
        ranks[rows[order]] = np.maximum.accumulate(np.where(starts, position, 0))
    return ranks, size


def percentiles(ranks: NDArray[np.int64], size: int) -> NDArray[np.float64]:
    """Percentile of each rank in a class of ``size``: the share of the others it is not
    below, in percent (100 for the top, 0 for the bottom, 100 for a class of one)."""
    out = np.full(ranks.shape, np.nan)
    mask = ranks > 0
    if size == 1:
        out[mask] = 100.0
    elif size > 1:
        out[mask] = 100.0 * (size - ranks[mask]) / (size - 1)
    return out
