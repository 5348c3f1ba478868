"""Grades (等次) on the composite score, and veto capping (一票否决).

Grade bands are the rule set's configuration: each band holds ``min <= S < max`` and the top
band also holds its ``max`` (100). A triggered veto caps the grade at the veto's ``cap`` band (the
lowest band when none is named): the result is the worse of the computed grade and the cap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from classguide.errors import ClassguideError
from classguide.ruleset import GradeBand

__all__ = ["apply_vetoes", "grade_for", "worse_grade"]


def grade_for(score: float, bands: Sequence[GradeBand]) -> str:
    """The id of the grade band holding ``score``."""
    ordered = sorted(bands, key=lambda b: -b.min)
    if ordered and ordered[0].min <= score <= ordered[0].max:
        return ordered[0].id
    for band in ordered[1:]:
        if band.min <= score < band.max:
            return band.id
    raise ClassguideError(f"composite score {score!r} falls in no grade band")


def worse_grade(a: str, b: str, order: Sequence[str]) -> str:
    """The worse of grades ``a`` and ``b``, given ``order`` from best to worst."""
    return a if order.index(a) >= order.index(b) else b


def apply_vetoes(grade: str, caps: Iterable[str | None], order: Sequence[str]) -> str:
    """Cap ``grade`` by every triggered veto's cap (``None`` caps at the lowest grade)."""
    result = grade
    for cap in caps:
        result = worse_grade(result, order[-1] if cap is None else cap, order)
    return result
