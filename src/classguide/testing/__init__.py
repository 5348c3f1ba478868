"""The plugin-author kit: hypothesis strategies and the rule-set contract suite.

``classguide.testing.strategies`` generates units, observations, rule sets and AHP matrices;
:class:`RuleSetContract` is the one base class a plugin's tests subclass to prove its rule sets
behave. Both need the ``test`` extra (pytest and hypothesis).
"""

from __future__ import annotations

from classguide.testing import strategies
from classguide.testing._guides import guide_for, load_plugin
from classguide.testing._report import PROPERTIES, ContractViolation
from classguide.testing.contract import RuleSetContract
from classguide.testing.strategies import StrategyArgumentError

__all__ = [
    "PROPERTIES",
    "ContractViolation",
    "RuleSetContract",
    "StrategyArgumentError",
    "guide_for",
    "load_plugin",
    "strategies",
]
