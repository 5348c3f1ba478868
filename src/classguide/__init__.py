"""classguide: classified guidance (分类指导) of Party-building work and its integration with
business work — one key for one lock.

The public API is what this module re-exports; everything else may move.
"""

from classguide._version import __version__
from classguide.converter import from_json, to_json
from classguide.countermeasures import COUNTERMEASURE_GROUPS
from classguide.coupling import band_for, coordination, lag_type
from classguide.diagnosis import LAG_LABELS, WarningRule, diagnose
from classguide.disconnects import DISCONNECT_LABELS, disconnect_scores
from classguide.errors import (
    AmbiguousRuleSetError,
    ClassguideError,
    ConversionError,
    EvaluationInputError,
    ExpressionError,
    HistoryError,
    InputError,
    NoRuleSetError,
    PeriodError,
    PluginConflictError,
    PluginError,
    PluginWarning,
    Problem,
    RankingError,
    RuleSetError,
    RuleSetMismatchError,
    ScaffoldError,
    SelectionError,
    WarningRuleError,
    WeightsError,
)
from classguide.evaluation import evaluate
from classguide.guide import Guide
from classguide.hookspecs import WarningRuleSpec, hookimpl
from classguide.model import AttributeSpec, Text, Unit, UnitType
from classguide.plugininfo import PluginFailure, PluginInfo
from classguide.populations import evaluate_table
from classguide.ranking import rank
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
from classguide.trends import (
    Period,
    parse_period,
    period_key,
    trend_run,
    trend_warnings,
    with_trends,
)
from classguide.validation import validate_ruleset
from classguide.weights import AhpResult, ahp, combine, critic, entropy

__all__ = [
    "COUNTERMEASURE_GROUPS",
    "DISCONNECT_LABELS",
    "LAG_LABELS",
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
    "HistoryError",
    "Indicator",
    "IndicatorResult",
    "InputError",
    "NoRuleSetError",
    "Period",
    "PeriodError",
    "PluginConflictError",
    "PluginError",
    "PluginFailure",
    "PluginInfo",
    "PluginWarning",
    "Problem",
    "Provenance",
    "RankingError",
    "RuleSet",
    "RuleSetCandidate",
    "RuleSetError",
    "RuleSetMismatchError",
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
    "WarningRule",
    "WarningRuleError",
    "WarningRuleSpec",
    "WeightsError",
    "__version__",
    "ahp",
    "band_for",
    "check_ruleset_file",
    "combine",
    "coordination",
    "critic",
    "diagnose",
    "disconnect_scores",
    "dumps_ruleset",
    "entropy",
    "evaluate",
    "evaluate_table",
    "from_json",
    "generate_sample",
    "hookimpl",
    "lag_type",
    "load_ruleset",
    "loads_ruleset",
    "parse_period",
    "period_key",
    "rank",
    "to_json",
    "trend_run",
    "trend_warnings",
    "validate_ruleset",
    "with_trends",
]
