"""Drawing AHP pairwise-comparison matrices, consistent or not."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import assume
from hypothesis import strategies as st

from classguide.weights import ahp

__all__ = ["SAATY_SCALE", "ahp_strategy", "consistency_ratio"]

#: Saaty's scale and its reciprocals: the values a judgement matrix may hold.
SAATY_SCALE: tuple[float, ...] = tuple(
    sorted({float(k) for k in range(1, 10)} | {1.0 / k for k in range(2, 10)})
)


def consistency_ratio(matrix: Sequence[Sequence[float]]) -> float:
    """CR of ``matrix`` as :func:`classguide.weights.ahp` computes it (Saaty's RI; 0 for n ≤ 2)."""
    return ahp(matrix).cr


@st.composite
def ahp_strategy(
    draw: st.DrawFn, min_n: int, max_n: int, consistent: bool | None
) -> tuple[tuple[float, ...], ...]:
    n = draw(st.integers(min_n, max_n))
    if consistent:
        w = draw(st.lists(st.integers(1, 9), min_size=n, max_size=n))
        return tuple(tuple(w[i] / w[j] for j in range(n)) for i in range(n))
    rows = [[1.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            rows[i][j] = draw(st.sampled_from(SAATY_SCALE))
            rows[j][i] = 1.0 / rows[i][j]
    if consistent is False:
        # an intransitive cycle: 0 ≫ 1, 1 ≫ 2, yet 2 ≫ 0
        rows[0][1], rows[1][2], rows[0][2] = 9.0, 9.0, 1.0 / 9.0
        rows[1][0], rows[2][1], rows[2][0] = 1.0 / 9.0, 1.0 / 9.0, 9.0
        assume(consistency_ratio(rows) >= 0.10)
    return tuple(tuple(r) for r in rows)
