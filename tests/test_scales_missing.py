"""Regression: NaN is a missing value for every indicator kind, grades included.

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
