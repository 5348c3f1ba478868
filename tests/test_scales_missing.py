"""Regressions in reading raw values: NaN is missing for every kind; infinity is rejected.

Found by ``classguide.testing.strategies.observations(missing_as=("nan",))``: a grade indicator
given NaN raised "expected a grade label" instead of being marked missing.
"""

from __future__ import annotations

import math

from classguide import Indicator, Text
from classguide.scales import raw_number


def test_nan_grade_is_missing() -> None:
    ind = Indicator(
        id="joint_assessment",
        name=Text(zh="同考核等次", en="joint assessment grade"),
        dimension="fusion",
        kind="grade",
        weight=1.0,
        grades={"好": 100.0, "差": 20.0},
    )
    assert raw_number(ind, math.nan) is None
    assert raw_number(ind, "好") == 100.0


def test_infinite_count_is_rejected() -> None:
    """Found by the contract suite: an infinite count slipped through evaluation's fast path."""
    import pytest

    from classguide import EvaluationInputError, evaluate
    from classguide.demo import example_ruleset, example_units

    unit, obs = example_units()[0]
    with pytest.raises(EvaluationInputError, match="study_hours"):
        evaluate(example_ruleset(), unit, {**obs, "study_hours": math.inf})
