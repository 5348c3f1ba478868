"""The plugin-author kit: hypothesis strategies and the rule-set contract suite.

``classguide.testing.strategies`` generates units, observations, rule sets and AHP matrices;
``classguide.testing.RuleSetContract`` is the one base class a plugin's tests subclass to prove
its rule sets behave. Both need the ``test`` extra (pytest and hypothesis).
"""

from __future__ import annotations

from classguide.testing import strategies
from classguide.testing.strategies import StrategyArgumentError

__all__ = ["StrategyArgumentError", "strategies"]
