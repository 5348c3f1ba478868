"""Rule sets: one sector's indicator system, the "lock" a unit's "key" opens (DESIGN §2, §3).

The records are plain data. Whole-set checks (weights summing to 1, bands without gaps, ...) live
in :mod:`classguide.validation`; reading files lives in :mod:`classguide.rulefiles`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import attrs

from classguide._records import to_dict, to_tuple
from classguide.model import Text

__all__ = [
    "DEFAULT_COORDINATION_BANDS",
    "DEFAULT_GRADE_BANDS",
    "DIMENSIONS",
    "DIRECTIONS",
    "DISCONNECTS",
    "KINDS",
    "AhpJudgement",
    "AlertSettings",
    "CompositeWeights",
    "CoordinationBand",
    "Countermeasure",
    "GradeBand",
    "Group",
    "Indicator",
    "RuleSet",
    "Source",
    "TierAdjustment",
    "Veto",
]

Dimension = Literal["party", "business", "fusion"]
Direction = Literal["higher", "lower", "band"]
Kind = Literal["ratio", "count", "boolean", "grade"]
Aggregation = Literal["arithmetic", "geometric"]
Basis = Literal["found", "secondary", "unverified", "proposal"]
Cadence = Literal["annual", "long_term"]
EvidenceKind = Literal["review", "survey"]
Line = Literal["floor", "high"]
Level = Literal["red", "orange", "yellow", "blue"]

DIMENSIONS: tuple[str, ...] = ("party", "business", "fusion")
DIRECTIONS: tuple[str, ...] = ("higher", "lower", "band")
KINDS: tuple[str, ...] = ("ratio", "count", "boolean", "grade")
#: The five disconnects (五个脱节) an indicator may evidence, as tags.
DISCONNECTS: tuple[str, ...] = ("planning", "study", "carrier", "activity", "outcome")


def _member(choices: tuple[str, ...]) -> Any:
    return attrs.validators.in_(choices)


@attrs.frozen(kw_only=True)
class Source:
    """A regulation or document indicators cite (title, issuer, year)."""

    id: str
    title: Text
    issuer: str = ""
    year: int | None = None
    url: str | None = None


@attrs.frozen(kw_only=True)
class Veto:
    """一票否决: when the indicator's floor is violated the grade is capped at ``cap``.

    ``cap`` is a grade-band id; ``None`` means the lowest grade of the rule set.
    """

    cap: str | None = None


@attrs.frozen(kw_only=True)
class Indicator:
    """One indicator (三级指标) with its scale, weight among siblings and source."""

    id: str
    name: Text
    dimension: Dimension = attrs.field(validator=_member(DIMENSIONS))
    kind: Kind = attrs.field(validator=_member(KINDS))
    weight: float
    direction: Direction = attrs.field(default="higher", validator=_member(DIRECTIONS))
    group: str | None = None
    floor: float | None = None
    target: float | None = None
    bounds: tuple[float, float] | None = None
    grades: Mapping[str, float] | None = None
    veto: Veto | None = None
    floor_level: Level | None = None
    tags: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    source: str | None = None
    article: str | None = None
    basis: Basis | None = None
    cadence: Cadence | None = None
    evidence: EvidenceKind | None = None
    line: Line | None = None
    formula: str | None = None
    unit: str | None = None
    description: Text | None = None


@attrs.frozen(kw_only=True)
class AhpJudgement:
    """A pairwise-comparison (AHP) matrix that gave a group's child weights, kept for the report.

    ``children`` orders the rows; ``cr`` and ``weights`` are what loading computed.
    """

    children: tuple[str, ...] = attrs.field(converter=to_tuple)
    matrix: tuple[tuple[float, ...], ...]
    method: str = "eigenvector"
    ri: str = "saaty"
    cr: float | None = None
    weights: tuple[float, ...] = ()


@attrs.frozen(kw_only=True)
class Group:
    """A node of the indicator tree (一级/二级指标) with its weight among its siblings."""

    id: str
    name: Text
    dimension: Dimension = attrs.field(validator=_member(DIMENSIONS))
    weight: float
    parent: str | None = None
    aggregation: Aggregation = attrs.field(
        default="arithmetic", validator=_member(("arithmetic", "geometric"))
    )
    ahp: AhpJudgement | None = None
    description: Text | None = None


@attrs.frozen(kw_only=True)
class GradeBand:
    """A grade (等次) on the composite score: ``min <= S < max`` (the top band includes 100)."""

    id: str
    name: Text
    min: float
    max: float


@attrs.frozen(kw_only=True)
class CoordinationBand:
    """A coordination band on D: ``min < D <= max`` (the lowest band includes 0)."""

    id: str
    name: Text
    min: float
    max: float


@attrs.frozen(kw_only=True)
class CompositeWeights:
    """Weights of the two sub-systems in S and T (同考核、同权重: equal by default)."""

    party: float = 0.5
    business: float = 0.5


@attrs.frozen(kw_only=True)
class AlertSettings:
    """Thresholds of the built-in warning rules (defaults in the core, values in rule files)."""

    red_at_or_below: str | None = "mild_imbalance"
    orange_at_or_below: str | None = "near_imbalance"
    lag_gap: float = 0.2
    floor_level: Level = "yellow"
    disconnect_threshold: float = 60.0
    bottom_n: int | None = None
    bottom_share: float | None = None


@attrs.frozen(kw_only=True)
class Countermeasure:
    """A recommended countermeasure for a warning category (a disconnect tag or warning code)."""

    category: str
    text: Text


@attrs.frozen(kw_only=True)
class TierAdjustment:
    """Classified guidance by foundation: a moderated target for units of one foundation tier.

    Floors and vetoes are never lowered; only the excellence line (target) may be moderated.
    """

    foundation: str
    indicator: str
    target: float


def _text(zh: str, en: str) -> Text:
    return Text(zh=zh, en=en)


#: 田深圳 et al. 2021, 地理学报 76(4), Table 1: ten bands of D in 0.1 steps.
DEFAULT_COORDINATION_BANDS: tuple[CoordinationBand, ...] = tuple(
    CoordinationBand(id=band_id, name=_text(zh, en), min=i / 10, max=(i + 1) / 10)
    for i, (band_id, zh, en) in enumerate(
        [
            ("extreme_imbalance", "极度失调", "extreme imbalance"),
            ("severe_imbalance", "严重失调", "severe imbalance"),
            ("moderate_imbalance", "中度失调", "moderate imbalance"),
            ("mild_imbalance", "轻度失调", "mild imbalance"),
            ("near_imbalance", "濒临失调", "on the verge of imbalance"),
            ("barely_coordinated", "勉强协调", "barely coordinated"),
            ("primary_coordination", "初级协调", "primary coordination"),
            ("intermediate_coordination", "中级协调", "intermediate coordination"),
            ("good_coordination", "良好协调", "good coordination"),
            ("quality_coordination", "优质协调", "high-quality coordination"),
        ]
    )
)

#: 好 / 较好 / 一般 / 差 on S (cut-offs 90 / 80 / 60, common 100-point practice).
DEFAULT_GRADE_BANDS: tuple[GradeBand, ...] = (
    GradeBand(id="good", name=_text("好", "good"), min=90.0, max=100.0),
    GradeBand(id="fairly_good", name=_text("较好", "fairly good"), min=80.0, max=90.0),
    GradeBand(id="average", name=_text("一般", "average"), min=60.0, max=80.0),
    GradeBand(id="poor", name=_text("差", "poor"), min=0.0, max=60.0),
)


@attrs.frozen(kw_only=True)
class RuleSet:
    """One sector's indicator system for one class of units.

    ``selector`` maps unit attributes to the values this rule set is the lock for (an empty
    selector matches every unit of ``unit_type``). ``groups`` and ``indicators`` form the tree:
    a node's ``parent``/``group`` names its group, top-level nodes have none; a node's
    ``dimension`` places it in the Party-building sub-system P (``party``) or the business and
    integration sub-system B (``business`` and ``fusion``).
    """

    id: str
    version: str
    name: Text
    unit_type: str
    indicators: tuple[Indicator, ...] = attrs.field(converter=to_tuple)
    groups: tuple[Group, ...] = attrs.field(default=(), converter=to_tuple)
    selector: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict, converter=to_dict)
    sources: tuple[Source, ...] = attrs.field(default=(), converter=to_tuple)
    weights: CompositeWeights = CompositeWeights()
    grades: tuple[GradeBand, ...] = attrs.field(default=DEFAULT_GRADE_BANDS, converter=to_tuple)
    coordination_bands: tuple[CoordinationBand, ...] = attrs.field(
        default=DEFAULT_COORDINATION_BANDS, converter=to_tuple
    )
    lag_threshold: float = 0.1
    completeness_threshold: float = 0.8
    pass_score: float = 60.0
    alerts: AlertSettings = AlertSettings()
    countermeasures: tuple[Countermeasure, ...] = attrs.field(default=(), converter=to_tuple)
    adjustments: tuple[TierAdjustment, ...] = attrs.field(default=(), converter=to_tuple)
    comparable_versions: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    description: Text | None = None

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator with id ``indicator_id`` (``KeyError`` naming the rule set if none)."""
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(f"rule set {self.id!r} has no indicator {indicator_id!r}")

    def grade_order(self) -> tuple[str, ...]:
        """Grade ids from best to worst (by band minimum, highest first)."""
        return tuple(b.id for b in sorted(self.grades, key=lambda b: -b.min))

    def source(self, source_id: str) -> Source | None:
        """The declared source ``source_id``, or ``None``."""
        for src in self.sources:
            if src.id == source_id:
                return src
        return None
