"""The batch pipeline written by hand, as the peers ``evaluate_table`` is measured against.

The same steps on the same matrix: normalise 60 indicators with the floor/target curve
(``lo → 0``, ``floor → 60``, ``target → 100``), aggregate the 3-level tree into P and B,
coupling C, development T, coordination D, the coordination band, and competition rank on
S = (P + B) / 2 within each class. No missing data, grades or warnings: that is what the
library adds on top.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

F64 = NDArray[np.float64]

FLOOR, TARGET, LO = 0.6, 0.95, 0.0
BAND_EDGES = np.arange(1, 10) / 10


def tree_matrices() -> tuple[F64, F64, F64]:
    """Weights of the benchmark tree: 60 → 12 leaf groups → 4 groups → 2 sub-systems."""
    leaf = np.zeros((60, 12))
    for k in range(60):
        leaf[k, k // 5] = 1 / 5
    mid = np.zeros((12, 4))
    for g in range(12):
        mid[g, g // 3] = 1 / 3
    top = np.zeros((4, 2))
    for g in range(4):
        top[g, g // 2] = 1 / 2
    return leaf, mid, top


def competition_rank(score: F64, cls: NDArray[np.int64]) -> NDArray[np.int64]:
    """Rank within class, highest first, equal scores sharing a rank."""
    n = len(score)
    order = np.lexsort((-score, cls))
    s, c = score[order], cls[order]
    idx = np.arange(n)
    new_class = np.r_[True, c[1:] != c[:-1]]
    new_value = new_class | np.r_[True, s[1:] != s[:-1]]
    start = np.maximum.accumulate(np.where(new_class, idx, 0))
    first = np.maximum.accumulate(np.where(new_value, idx, 0))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = first - start + 1
    return rank


def numpy_pipeline(x: F64, cls: NDArray[np.int64]) -> dict[str, Any]:
    """The straightforward NumPy version: whole-matrix operations, one step after another."""
    s = np.where(x >= FLOOR, 60 + 40 * (x - FLOOR) / (TARGET - FLOOR), 60 * (x - LO) / (FLOOR - LO))
    np.clip(s, 0, 100, out=s)
    leaf, mid, top = tree_matrices()
    pb = ((s @ leaf) @ mid) @ top
    u1, u2 = pb[:, 0] / 100, pb[:, 1] / 100
    c = 2 * np.sqrt(u1 * u2) / (u1 + u2)
    t = 0.5 * u1 + 0.5 * u2
    d = np.sqrt(c * t)
    band = np.searchsorted(BAND_EDGES, d, side="left")
    score = 0.5 * pb[:, 0] + 0.5 * pb[:, 1]
    return {"score": score, "degree": d, "band": band, "rank": competition_rank(score, cls)}


def polars_pipeline(frame: Any) -> Any:
    """The same pipeline as polars expressions (``frame``: columns x0..x59 and ``cls``)."""
    import polars as pl

    def scaled(name: str) -> Any:
        x = pl.col(name)
        return (
            pl.when(x >= FLOOR)
            .then(60 + 40 * (x - FLOOR) / (TARGET - FLOOR))
            .otherwise(60 * (x - LO) / (FLOOR - LO))
            .clip(0, 100)
        )

    leaves = [
        pl.mean_horizontal([scaled(f"x{k}") for k in range(g * 5, g * 5 + 5)]).alias(f"l{g}")
        for g in range(12)
    ]
    mids = [
        pl.mean_horizontal([pl.col(f"l{g}") for g in range(m * 3, m * 3 + 3)]).alias(f"m{m}")
        for m in range(4)
    ]
    u1 = (pl.col("m0") + pl.col("m1")) / 2 / 100
    u2 = (pl.col("m2") + pl.col("m3")) / 2 / 100
    c = 2 * (u1 * u2).sqrt() / (u1 + u2)
    t = 0.5 * u1 + 0.5 * u2
    d = (c * t).sqrt()
    return (
        frame.lazy()
        .with_columns(leaves)
        .with_columns(mids)
        .select(
            pl.col("cls"),
            ((u1 + u2) * 50).alias("score"),
            d.alias("degree"),
        )
        .with_columns(
            (pl.col("degree") * 10).ceil().clip(1, 10).cast(pl.Int8).alias("band"),
            pl.col("score").rank("min", descending=True).over("cls").alias("rank"),
        )
        .collect()
    )
