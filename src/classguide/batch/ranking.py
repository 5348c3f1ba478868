"""Ranking within class on columns: the definitions of :func:`classguide.rank`.

A class is the units judged by one rule set (same id and version; one period per table). Only
complete evaluations are ranked. Rank is competition ranking on S rounded to 9 decimals, highest
first (equal scores share a rank: 1, 2, 2, 4); percentile = 100·(n − rank)/(n − 1), 100 for a
class of one; the bottom k = :func:`classguide.ranking.bottom_count` places — units with fewer
than k units strictly below them, unless tied for first — get an ``interview`` warning.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["DIGITS", "competition", "percentiles", "rank_classes", "score_ranks"]

#: Scores are compared rounded to this many decimals (as :func:`classguide.rank` does).
DIGITS = 9


def competition(
    values: NDArray[np.float64], below: bool = True
) -> tuple[NDArray[np.int64], NDArray[np.int64] | None]:
    """Competition rank of each value (highest first) and, if ``below``, how many values are
    strictly lower (``None`` otherwise)."""
    order = np.argsort(values)[::-1]  # descending; the order among equal values is irrelevant
    first, changes = _sorted_ranks(values[order])
    ranks = np.empty(order.size, dtype=np.int64)
    ranks[order] = first
    return ranks, (_below(changes, order) if below else None)


def _sorted_ranks(
    ordered: NDArray[Any], position: NDArray[np.int64] | None = None
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """The competition rank of each place of ``ordered`` (values sorted highest first, any
    dtype whose equality is the values'), and where a new value starts. ``position`` is
    ``arange(n)`` if the caller has one. Large fresh arrays are costly (page faults), so
    intermediate results are written in place."""
    n = ordered.size
    changes = np.empty(n, dtype=np.bool_)
    if n:
        changes[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=changes[1:])
    if position is None:
        position = np.arange(n, dtype=np.int64)
    first = np.where(changes, position, 0)
    np.maximum.accumulate(first, out=first)
    first += 1
    return first, changes


def _below(changes: NDArray[np.bool_], order: NDArray[np.int64]) -> NDArray[np.int64]:
    """How many values are strictly lower than each (``changes`` from :func:`_sorted_ranks`)."""
    n = changes.size
    ends = np.empty(n, dtype=np.bool_)
    if n:
        ends[:-1] = changes[1:]
        ends[-1] = True
    last = np.where(ends, np.arange(n, dtype=np.int64), n)[::-1]
    np.minimum.accumulate(last, out=last)
    lower = np.empty(n, dtype=np.int64)
    lower[order] = n - 1 - last[::-1]
    return lower


def _bottom_of_sorted(
    first: NDArray[np.int64], order: NDArray[np.int64], places: int
) -> NDArray[np.int64]:
    """Rows with fewer than ``places`` values strictly below them and not tied for first,
    ascending, from the sorted ranks (``first``) and where each place came from (``order``).

    In the order highest first those rows are one run at the end: from the start of the tie
    group holding place n − ``places`` (a unit there has fewer than ``places`` units below it,
    and so has every unit after it), past the group tied for first.
    """
    n = first.size
    if places <= 0 or not n:
        return np.zeros(0, dtype=np.int64)
    start = int(first[max(0, n - places)]) - 1  # that group's first place
    if start == 0:  # it is the group tied for first: those are not flagged
        later = np.flatnonzero(first > 1)
        start = int(later[0]) if later.size else n
    return np.sort(order[start:])


#: Scores rounded to :data:`DIGITS` decimals, times 10**DIGITS, are integers up to 10**11 (37
#: bits): with the row number in the low bits they sort as one 64-bit key.
_SCALE = 10.0**DIGITS
_TOP = 100 * 10**DIGITS
_ROW_BITS = 64 - _TOP.bit_length()


def score_ranks(
    score: NDArray[np.float64], places: int = 0
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """:func:`competition` ranks of the scores rounded to :data:`DIGITS` decimals, and the rows
    (ascending) at the bottom ``places``: fewer than ``places`` units strictly below them, not
    tied for first (none when ``places`` is 0).

    Scores in [0, 100] are ranked by one sort of 64-bit integers (the rounded score, scaled to
    an integer, above the row number) instead of an argsort of floats, about twice as fast.
    The scaling is exact: a score rounded to 9 decimals is q = m / 10**9 for an integer m up
    to 10**11, and rint(q·10**9) gives m back, so equal rounded scores get equal keys and
    higher ones higher keys.
    """
    rounded = np.round(score, DIGITS)
    n = rounded.size
    if not n or n >= 1 << _ROW_BITS or not (rounded.min() >= 0.0 and rounded.max() <= 100.0):
        ranks, lower = competition(rounded, places > 0)
        if lower is None:
            return ranks, np.zeros(0, dtype=np.int64)
        return ranks, np.flatnonzero((ranks > 1) & (lower < places)).astype(np.int64)
    key = np.multiply(rounded, _SCALE, out=rounded)
    np.rint(key, out=key)
    np.subtract(float(_TOP), key, out=key)  # highest score first: sort (top - m) ascending
    packed = key.astype(np.uint64)
    packed <<= np.uint64(_ROW_BITS)
    rows = np.arange(n, dtype=np.uint64)
    packed |= rows
    packed.sort()
    order = np.bitwise_and(packed, np.uint64((1 << _ROW_BITS) - 1), out=key.view(np.uint64))
    packed >>= np.uint64(_ROW_BITS)
    first, _ = _sorted_ranks(packed, rows.view(np.int64))
    ranks = np.empty(n, dtype=np.int64)
    ranks[order.view(np.int64)] = first
    return ranks, _bottom_of_sorted(first, order.view(np.int64), places)


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
    at the bottom of their class (``bottom[c](size)`` places of class ``c`` are interviewed).
    ``classes`` (each row's class code) is not read when there is one class."""
    k = bottom
    n = len(score)
    ranked = complete & ~np.isnan(score)
    if len(k) == 1 and bool(ranked.all()):
        # One class and every row ranked (the common case): no rows to gather and scatter.
        ranks, flagged = score_ranks(score, k[0](n))
        whole = np.full(n, n, dtype=np.int64)
        return ranks, whole, percentiles(ranks, n), flagged
    rank = np.zeros(n, dtype=np.int64)
    size = np.zeros(n, dtype=np.int64)
    pct = np.full(n, np.nan)
    parts: list[NDArray[np.int64]] = []
    for c in range(len(k)):
        rows = np.flatnonzero(ranked & (classes == c)) if len(k) > 1 else np.flatnonzero(ranked)
        m = int(rows.size)
        if not m:
            continue
        ranks, low = score_ranks(score[rows], k[c](m))
        rank[rows] = ranks
        size[rows] = m
        pct[rows] = percentiles(ranks, m)
        parts.append(rows[low])
    out = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
    return rank, size, pct, np.sort(out)
