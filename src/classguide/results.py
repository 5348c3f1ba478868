"""What an evaluation produces: indicator results, coordination, warnings, the evaluation."""

from __future__ import annotations

import enum
from collections.abc import Iterator, Mapping, Sequence

import attrs

from classguide._records import to_dict, to_tuple
from classguide.model import Text, Unit

__all__ = [
    "Coordination",
    "Evaluation",
    "Evidence",
    "IndicatorResult",
    "IndicatorResults",
    "Provenance",
    "Warning",
    "WarningLevel",
]


class WarningLevel(enum.IntEnum):
    """Early-warning levels, red > orange > yellow > blue (一级 … 四级).

    Comparisons follow severity: ``WarningLevel.RED > WarningLevel.BLUE``. The JSON form is the
    lower-case name (``"red"``).
    """

    BLUE = 1
    YELLOW = 2
    ORANGE = 3
    RED = 4

    @property
    def label(self) -> Text:
        """The level's name in Chinese and English."""
        return _LEVEL_LABELS[self]

    @classmethod
    def parse(cls, name: str) -> WarningLevel:
        """The level called ``name`` (``"red"``, ``"orange"``, ``"yellow"`` or ``"blue"``)."""
        try:
            return cls[name.upper()]
        except KeyError:
            raise ValueError(
                f"unknown warning level {name!r}; expected red, orange, yellow or blue"
            ) from None


_LEVEL_LABELS = {
    WarningLevel.RED: Text(zh="红色（一级）", en="red (level 1)"),
    WarningLevel.ORANGE: Text(zh="橙色（二级）", en="orange (level 2)"),
    WarningLevel.YELLOW: Text(zh="黄色（三级）", en="yellow (level 3)"),
    WarningLevel.BLUE: Text(zh="蓝色（四级）", en="blue (level 4)"),
}

Value = float | bool | str | None


@attrs.frozen(kw_only=True)
class Evidence:
    """What triggered a warning: the subject (indicator, D, ...), its value and the threshold."""

    subject: str
    value: Value = None
    threshold: Value = None
    relation: str = ""


@attrs.frozen(kw_only=True)
class Warning:
    """One early warning: level, code, bilingual message, evidence and countermeasures."""

    level: WarningLevel
    code: str
    message: Text
    evidence: tuple[Evidence, ...] = attrs.field(default=(), converter=to_tuple)
    countermeasures: tuple[Text, ...] = attrs.field(default=(), converter=to_tuple)
    predicted: bool = False
    rule: str = "core"


def warning_sort_key(w: Warning) -> tuple[int, str, str, tuple[str, ...], bool, str, str]:
    """Most severe first, then by code, rule, evidence subjects, ``predicted`` and message.

    The key is total over what a warning says, so the order never depends on the order in which
    rules ran (or plugins loaded).
    """
    subjects = tuple([e.subject for e in w.evidence])
    return (-int(w.level), w.code, w.rule, subjects, w.predicted, w.message.zh, w.message.en)


@attrs.frozen(kw_only=True)
class IndicatorResult:
    """One indicator's outcome: raw ``value``, ``score`` in [0, 100] (``None`` when missing).

    ``floor_met`` is ``None`` when the value is missing or the indicator has no floor;
    ``missing_reason`` says why a value is missing; ``weight`` is the indicator's share of its
    sub-system (the product of weights up the tree).
    """

    id: str
    value: Value
    score: float | None
    floor_met: bool | None
    weight: float
    missing_reason: str | None = None

    @property
    def missing(self) -> bool:
        """Whether the indicator had no usable value."""
        return self.score is None


class IndicatorResults(Mapping[str, IndicatorResult]):
    """Indicator id → :class:`IndicatorResult`, kept as columns and built on access.

    Evaluations hold one of these instead of a dict so that evaluating a unit does not pay for
    sixty records nobody reads; it behaves as a read-only mapping and compares equal to a dict
    with the same items.
    """

    __slots__ = ("_cache", "_ids", "_index", "_met", "_reasons", "_scores", "_values", "_weights")

    def __init__(
        self,
        ids: Sequence[str],
        index: Mapping[str, int],
        values: Sequence[Value],
        scores: Sequence[float | None],
        floor_met: Sequence[bool | None],
        weights: Sequence[float],
        reasons: Sequence[str | None],
    ) -> None:
        self._ids = ids
        self._index = index
        self._values = values
        self._scores = scores
        self._met = floor_met
        self._weights = weights
        self._reasons = reasons
        self._cache: dict[str, IndicatorResult] = {}

    def __getitem__(self, key: str) -> IndicatorResult:
        hit = self._cache.get(key)
        if hit is None:
            k = self._index[key]
            hit = IndicatorResult(
                id=key,
                value=self._values[k],
                score=self._scores[k],
                floor_met=self._met[k],
                weight=self._weights[k],
                missing_reason=self._reasons[k],
            )
            self._cache[key] = hit
        return hit

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __repr__(self) -> str:
        return f"IndicatorResults({dict(self.items())!r})"

    @property
    def scores(self) -> Sequence[float | None]:
        """Scores in the rule set's indicator order (id order)."""
        return self._scores

    @property
    def floor_met(self) -> Sequence[bool | None]:
        """Floor results in the rule set's indicator order (id order)."""
        return self._met


@attrs.frozen(kw_only=True)
class Coordination:
    """Coupling coordination of the two sub-systems (inputs U1, U2 in [0, 1]).

    ``coupling`` C = 2·√(U1·U2)/(U1+U2) (0 when both are 0), ``development`` T = α·U1 + β·U2,
    ``degree`` D = √(C·T).
    """

    party: float
    business: float
    coupling: float
    development: float
    degree: float


@attrs.frozen(kw_only=True)
class Provenance:
    """What was assessed and with what, so an office can prove and reproduce a result."""

    library_version: str
    ruleset_id: str
    ruleset_version: str
    ruleset_hash: str
    inputs_hash: str
    plugins: Mapping[str, str] = attrs.field(factory=dict, converter=to_dict)


@attrs.frozen(kw_only=True)
class Evaluation:
    """The assessment of one unit by one rule set for one period.

    ``party``, ``business`` and ``score`` are in [0, 100] (``None`` only when a whole
    sub-system has no data); ``grade`` is ``None`` when the evaluation is incomplete;
    ``lag`` is ``"party"``, ``"business"`` or ``"balanced"``; ``warnings`` are most severe first.
    ``rank``, ``class_size`` and ``percentile`` are set by :func:`classguide.rank`.
    """

    unit: Unit
    ruleset_id: str
    ruleset_version: str
    period: str | None
    indicators: Mapping[str, IndicatorResult]
    groups: Mapping[str, float | None]
    party: float | None
    business: float | None
    score: float | None
    coordination: Coordination | None
    band: str | None
    lag: str | None
    grade: str | None
    complete: bool
    warnings: tuple[Warning, ...]
    provenance: Provenance
    rank: int | None = None
    class_size: int | None = None
    percentile: float | None = None

    @property
    def max_level(self) -> WarningLevel | None:
        """The most severe warning level, or ``None`` without warnings."""
        return self.warnings[0].level if self.warnings else None
