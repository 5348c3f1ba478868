"""Hypothesis strategies for classguide's records: units, observations, rule sets, AHP matrices.

Every strategy is written out explicitly (``st.composite``), never inferred with ``st.builds``,
which ignores the records' validators and the whole-set rules of :func:`validate_ruleset`.
Arguments are checked when the strategy is *built*, so a wrong call fails at once with
:class:`StrategyArgumentError` (a :class:`~classguide.ClassguideError` and hypothesis'
``InvalidArgument``), not in the middle of a test run.

>>> from classguide.testing import strategies as cgst
>>> from hypothesis import given
>>> @given(cgst.rulesets(unit_type="organ", max_indicators=6))
... def test_my_property(ruleset): ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from hypothesis import errors as hypothesis_errors
from hypothesis import strategies as st

from classguide.errors import ClassguideError
from classguide.expressions import Expression, parse_formula
from classguide.model import Unit, UnitType
from classguide.ruleset import DIRECTIONS, KINDS, RuleSet
from classguide.testing._ahp import ahp_strategy
from classguide.testing._observations import observations_strategy
from classguide.testing._rulesets import (
    DEFECTS,
    Defective,
    RuleSetOptions,
    draw_defective,
    draw_ruleset,
)
from classguide.unittypes import BUILTIN_UNIT_TYPES

__all__ = [
    "DEFECTS",
    "Defective",
    "StrategyArgumentError",
    "ahp_matrices",
    "broken_rulesets",
    "observations",
    "rulesets",
    "units",
]

MISSING_FORMS = ("absent", "none", "nan")


class StrategyArgumentError(ClassguideError, hypothesis_errors.InvalidArgument):
    """A strategy was called with arguments it cannot honour (raised when it is built)."""


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise StrategyArgumentError(message)


def _share(name: str, value: object) -> float:
    _check(
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and 0.0 <= float(value) <= 1.0,
        f"{name} must be a share in [0, 1], got {value!r}",
    )
    return float(value)  # type: ignore[arg-type]


def _unit_type(value: object, argument: str = "unit_type") -> UnitType:
    if isinstance(value, UnitType):
        return value
    known = {t.id: t for t in BUILTIN_UNIT_TYPES}
    _check(
        isinstance(value, str) and value in known,
        f"{argument} must be a UnitType or a built-in unit-type id ({', '.join(known)}), "
        f"got {value!r}; pass the UnitType record for a plugin's own type",
    )
    return known[value]  # type: ignore[index]


def _subset(name: str, value: Iterable[str], allowed: Sequence[str]) -> tuple[str, ...]:
    _check(not isinstance(value, str), f"{name} must be a sequence of strings, got {value!r}")
    chosen = tuple(value)
    bad = [v for v in chosen if v not in allowed]
    _check(not bad, f"{name}: unknown value(s) {bad!r}; expected some of {', '.join(allowed)}")
    _check(bool(chosen), f"{name} must not be empty")
    return chosen


def _where(ut: UnitType, where: Mapping[str, Iterable[str]] | None) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for name, values in (where or {}).items():
        spec = ut.attribute(name)
        _check(
            spec is not None,
            f"where: unit type {ut.id!r} has no attribute {name!r}; it has "
            f"{', '.join(a.name for a in ut.attributes) or '(none)'}",
        )
        assert spec is not None
        out[name] = _subset(f"where[{name!r}]", values, spec.values)
    return out


# --- units --------------------------------------------------------------------------------------


@st.composite
def _units(draw: st.DrawFn, ut: UnitType, where: dict[str, tuple[str, ...]], ids: str) -> Unit:
    attributes: dict[str, str] = {}
    for spec in ut.attributes:
        values = where.get(spec.name, spec.values)
        if not spec.required and spec.name not in where and draw(st.booleans()):
            continue
        attributes[spec.name] = draw(st.sampled_from(values))
    number = draw(st.integers(1, 999))
    return Unit(
        id=f"{ids}{number:03d}",
        name=f"{ut.name.zh}{number}",
        unit_type=ut.id,
        attributes=attributes,
    )


def units(
    unit_type: UnitType | str,
    *,
    where: Mapping[str, Iterable[str]] | None = None,
    id_prefix: str = "unit-",
) -> st.SearchStrategy[Unit]:
    """Units of ``unit_type`` whose every attribute (``foundation`` included) is valid.

    ``unit_type`` is a :class:`UnitType` (a plugin's own) or a built-in id (``"organ"``,
    ``"soe"``, ``"university"``, ``"school"``, ``"hospital"``). ``where`` restricts attributes
    to some of their values, e.g. ``where=ruleset.selector`` gives units a rule set is the lock
    for, ``where={"foundation": ["weak"]}`` only weak-foundation units. Optional attributes are
    sometimes left out. Shrinks towards each attribute's first value.
    """
    ut = _unit_type(unit_type)
    _check(isinstance(id_prefix, str) and bool(id_prefix), "id_prefix must be a non-empty string")
    return _units(ut, _where(ut, where), id_prefix)


# --- observations -------------------------------------------------------------------------------


def observations(
    ruleset: RuleSet,
    *,
    unit: Unit | None = None,
    missing: float = 0.0,
    out_of_range: float = 0.0,
    boundary: float = 0.2,
    missing_as: Iterable[str] = MISSING_FORMS,
) -> st.SearchStrategy[dict[str, object]]:
    """Observations (indicator id → raw value) for ``ruleset``, as a host system would pass them.

    Valid raw values per kind: ratios in [0, 1], counts ≥ 0 (integers), booleans, grade labels
    from the indicator's table; derived indicators get their formula's inputs instead (non-negative
    integers chosen so that the formula's value fits the indicator's kind). Each value is, with
    these probabilities:

    * ``missing``: missing, written as an absent key, ``None`` or NaN (``missing_as``);
    * ``out_of_range``: invalid for its kind (a ratio of 85, a negative count, a boolean 2, an
      unknown grade label) — evaluation must then raise ``EvaluationInputError``;
    * ``boundary``: exactly at (or one step beside) the floor, the target, a bound, or the
      target moderated for ``unit``'s foundation tier;
    * otherwise an ordinary valid value.
    """
    _check(isinstance(ruleset, RuleSet), f"ruleset must be a RuleSet, got {type(ruleset)!r}")
    shares = (
        _share("missing", missing),
        _share("out_of_range", out_of_range),
        _share("boundary", boundary),
    )
    _check(
        sum(shares) <= 1.0 + 1e-12,
        f"missing + out_of_range + boundary must not exceed 1, got {sum(shares)!r}",
    )
    forms = _subset("missing_as", missing_as, MISSING_FORMS)
    _check(unit is None or isinstance(unit, Unit), f"unit must be a Unit or None, got {unit!r}")
    formulas: dict[str, Expression] = {}
    for ind in ruleset.indicators:
        if ind.formula:
            formulas[ind.id] = parse_formula(ind.formula)
    tier = None if unit is None else unit.attributes.get("foundation")
    targets: dict[str, list[float]] = {}
    for adj in ruleset.adjustments:
        if tier is None or adj.foundation == tier:
            targets.setdefault(adj.indicator, []).append(adj.target)
    return observations_strategy(ruleset, formulas, targets, shares, forms)


# --- rule sets ----------------------------------------------------------------------------------


def _options(
    unit_type: UnitType | str | Sequence[UnitType | str] | None,
    selector: Mapping[str, Iterable[str]] | None,
    min_indicators: int,
    max_indicators: int,
    max_depth: int,
    kinds: Iterable[str],
    directions: Iterable[str],
    flags: dict[str, bool],
) -> RuleSetOptions:
    if unit_type is None:
        types = BUILTIN_UNIT_TYPES
    elif isinstance(unit_type, (str, UnitType)):
        types = (_unit_type(unit_type),)
    else:
        types = tuple(_unit_type(t) for t in unit_type)
        _check(bool(types), "unit_type must not be an empty sequence")
    for name, value in (("min_indicators", min_indicators), ("max_indicators", max_indicators)):
        _check(
            isinstance(value, int) and not isinstance(value, bool) and value >= 2,
            f"{name} must be an integer >= 2 (one indicator per sub-system at least), "
            f"got {value!r}",
        )
    _check(
        min_indicators <= max_indicators,
        f"min_indicators ({min_indicators}) must not exceed max_indicators ({max_indicators})",
    )
    _check(max_depth in (1, 2, 3), f"max_depth must be 1, 2 or 3, got {max_depth!r}")
    for name, flag in flags.items():
        _check(isinstance(flag, bool), f"{name} must be True or False, got {flag!r}")
    sel: dict[str, tuple[str, ...]] | None = None
    if selector is not None:
        _check(len(types) == 1, "selector needs exactly one unit_type")
        sel = _where(types[0], selector)
    return RuleSetOptions(
        unit_types=types,
        selector=sel,
        min_indicators=min_indicators,
        max_indicators=max_indicators,
        max_depth=max_depth,
        kinds=_subset("kinds", kinds, KINDS),
        directions=_subset("directions", directions, DIRECTIONS),
        **flags,
    )


@st.composite
def _rulesets(draw: st.DrawFn, opts: RuleSetOptions) -> RuleSet:
    return draw_ruleset(draw, opts)


def rulesets(
    *,
    unit_type: UnitType | str | Sequence[UnitType | str] | None = None,
    selector: Mapping[str, Iterable[str]] | None = None,
    min_indicators: int = 2,
    max_indicators: int = 12,
    max_depth: int = 3,
    kinds: Iterable[str] = KINDS,
    directions: Iterable[str] = DIRECTIONS,
    vetoes: bool = True,
    tags: bool = True,
    adjustments: bool = True,
    geometric: bool = True,
    custom_bands: bool = True,
    equal_weights: bool = True,
) -> st.SearchStrategy[RuleSet]:
    """Valid random rule sets: they pass :func:`classguide.validate_ruleset` without errors.

    Each has both sub-systems, each a tree of one to ``max_depth`` levels with between
    ``min_indicators`` and ``max_indicators`` indicators in all; sibling weights sum to 1;
    floors and targets agree with their direction; grade and coordination bands cover their
    range (the defaults, or drawn when ``custom_bands``); every indicator cites a declared source
    and has names in both languages. ``vetoes``, ``tags`` (the five disconnects),
    ``adjustments`` (targets moderated for weak/standard foundation) and ``geometric`` group
    aggregation are drawn sometimes when enabled. ``unit_type`` is one type (or id), several,
    or ``None`` for any built-in type; ``selector`` fixes the selector (otherwise drawn: empty,
    or some values of one attribute). ``equal_weights=False`` also draws unequal P/B weights.
    """
    flags = {
        "vetoes": vetoes,
        "tags": tags,
        "adjustments": adjustments,
        "geometric": geometric,
        "custom_bands": custom_bands,
        "equal_weights": equal_weights,
    }
    opts = _options(
        unit_type, selector, min_indicators, max_indicators, max_depth, kinds, directions, flags
    )
    return _rulesets(opts)


@st.composite
def _broken(draw: st.DrawFn, opts: RuleSetOptions, defects: tuple[str, ...]) -> Defective:
    return draw_defective(draw, opts, draw(st.sampled_from(defects)))


def broken_rulesets(
    defect: str | Iterable[str] | None = None,
    *,
    unit_type: UnitType | str | Sequence[UnitType | str] | None = None,
    max_indicators: int = 8,
    max_depth: int = 3,
) -> st.SearchStrategy[Defective]:
    """Rule sets with exactly one planted defect, as :class:`Defective` (rule set, defect, path).

    ``defect`` is one of :data:`DEFECTS` (or several, or ``None`` for any): ``weights_sum``,
    ``weight_not_positive``, ``missing_source``, ``unknown_source``, ``floor_above_target``,
    ``duplicate_id``, ``empty_dimension``, ``grade_gap``. ``Defective.path`` is the rule-set path
    validation is expected to name (``indicators[2].source``).
    """
    if defect is None:
        chosen = tuple(DEFECTS)
    elif isinstance(defect, str):
        chosen = _subset("defect", [defect], tuple(DEFECTS))
    else:
        chosen = _subset("defect", defect, tuple(DEFECTS))
    flags = {
        "vetoes": True,
        "tags": True,
        "adjustments": True,
        "geometric": True,
        "custom_bands": True,
        "equal_weights": True,
    }
    opts = _options(unit_type, None, 2, max_indicators, max_depth, KINDS, DIRECTIONS, flags)
    return _broken(opts, chosen)


# --- AHP matrices -------------------------------------------------------------------------------


def ahp_matrices(
    *, min_n: int = 1, max_n: int = 9, consistent: bool | None = True
) -> st.SearchStrategy[tuple[tuple[float, ...], ...]]:
    """Positive reciprocal pairwise-comparison matrices of size ``min_n``..``max_n``.

    ``consistent=True``: perfectly consistent (``a_ij = w_i / w_j`` for integer weights 1..9,
    so CR = 0 and the weights are recoverable); ``False``: inconsistent (CR ≥ 0.10 with
    Saaty's RI; needs ``max_n >= 3``); ``None``: any entries from Saaty's 1/9..9 scale.
    """
    for name, value in (("min_n", min_n), ("max_n", max_n)):
        _check(
            isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 10,
            f"{name} must be an integer in 1..10, got {value!r}",
        )
    _check(min_n <= max_n, f"min_n ({min_n}) must not exceed max_n ({max_n})")
    _check(consistent in (True, False, None), "consistent must be True, False or None")
    if consistent is False:
        _check(max_n >= 3, "an inconsistent matrix needs n >= 3 (n <= 2 always has CR = 0)")
        min_n = max(min_n, 3)
    return ahp_strategy(min_n, max_n, consistent)
