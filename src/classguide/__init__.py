"""classguide: classified guidance (分类指导) of Party-building work and its integration with
business work — one key for one lock.

The public API is what this module re-exports; everything else may move.
"""

from classguide._version import __version__
from classguide.converter import from_json, to_json
from classguide.coupling import band_for, coordination, lag_type
from classguide.errors import (
    AmbiguousRuleSetError,
    ClassguideError,
    ConversionError,
    EvaluationInputError,
    ExpressionError,
    InputError,
    NoRuleSetError,
    PluginConflictError,
    PluginError,
    PluginWarning,
    Problem,
    RuleSetError,
    ScaffoldError,
    SelectionError,
    WeightsError,
)
from classguide.evaluation import evaluate
from classguide.guide import Guide
from classguide.hookspecs import WarningRuleSpec, hookimpl
from classguide.model import AttributeSpec, Text, Unit, UnitType
from classguide.plugininfo import PluginFailure, PluginInfo
from classguide.results import (
    Coordination,
    Evaluation,
    Evidence,
    IndicatorResult,
    Provenance,
    Warning,
    WarningLevel,
)
from classguide.rulefiles import check_ruleset_file, dumps_ruleset, load_ruleset, loads_ruleset
from classguide.ruleset import (
    AhpJudgement,
    AlertSettings,
    CompositeWeights,
    CoordinationBand,
    Countermeasure,
    GradeBand,
    Group,
    Indicator,
    RuleSet,
    Source,
    TierAdjustment,
    Veto,
)
from classguide.sample import SampleCase, generate_sample
from classguide.selection import Explanation, RuleSetCandidate
from classguide.validation import validate_ruleset
from classguide.weights import AhpResult, ahp, combine, critic, entropy

__all__ = [
    "AhpJudgement",
    "AhpResult",
    "AlertSettings",
    "AmbiguousRuleSetError",
    "AttributeSpec",
    "ClassguideError",
    "CompositeWeights",
    "ConversionError",
    "Coordination",
    "CoordinationBand",
    "Countermeasure",
    "Evaluation",
    "EvaluationInputError",
    "Evidence",
    "Explanation",
    "ExpressionError",
    "GradeBand",
    "Group",
    "Guide",
    "Indicator",
    "IndicatorResult",
    "InputError",
    "NoRuleSetError",
    "PluginConflictError",
    "PluginError",
    "PluginFailure",
    "PluginInfo",
    "PluginWarning",
    "Problem",
    "Provenance",
    "RuleSet",
    "RuleSetCandidate",
    "RuleSetError",
    "SampleCase",
    "ScaffoldError",
    "SelectionError",
    "Source",
    "Text",
    "TierAdjustment",
    "Unit",
    "UnitType",
    "Veto",
    "Warning",
    "WarningLevel",
    "WarningRuleSpec",
    "WeightsError",
    "__version__",
    "ahp",
    "band_for",
    "check_ruleset_file",
    "combine",
    "coordination",
    "critic",
    "dumps_ruleset",
    "entropy",
    "evaluate",
    "from_json",
    "generate_sample",
    "hookimpl",
    "lag_type",
    "load_ruleset",
    "loads_ruleset",
    "to_json",
    "validate_ruleset",
]
