"""A deterministic, seeded sample population of units and their observations.

The generator is generic: it reads a guide's unit types and rule sets (any object with
``unit_types``, ``rulesets`` and ``ruleset_for``, such as :class:`classguide.Guide`) and never
imports a plugin. For unit ``i`` of a sample with seed ``s``:

1. its unit type comes from a low-discrepancy sequence over the type shares
   (:data:`~classguide.sampleprofiles.TYPE_SHARES`), so every prefix of the sample has close to
   the intended mix and a sample of size ``n`` is the first ``n`` units of any larger one;
2. its attributes and scenario (:data:`~classguide.sampleprofiles.SCENARIOS`) are drawn from a
   random generator seeded with ``(s, i)`` only;
3. two latent qualities (Party building and business, about score / 100) come from the scenario,
   shifted by sector, subtype and foundation tier, plus noise per indicator;
4. each indicator's value is the value its own scale (floor, target, bounds, the unit's tier)
   turns into that quality's score — read backwards; fusion indicators take 0.4 of the Party
   quality and 0.6 of the business quality; scenarios then force floor violations, a veto, or
   missing values (``None`` or an absent key, never zero).

Derived indicators of the form ``a / b`` (or a bare name) get raw inputs that give the drawn
value; other formulas' inputs are left out, so those indicators are missing.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from typing import Protocol

import attrs

from classguide._records import to_dict
from classguide.errors import ClassguideError, SelectionError
from classguide.model import Unit, UnitType
from classguide.plan import plan_for
from classguide.results import Value
from classguide.ruleset import Indicator, RuleSet
from classguide.sampleprofiles import (
    ATTRIBUTE_SHARES,
    FOUNDATION_SHARES,
    SCENARIOS,
    SHIFTS,
    TYPE_SHARES,
    Scenario,
    unit_name,
)
from classguide.scales import Scale

__all__ = ["SampleCase", "SampleSource", "generate_sample", "observations_for", "scenario_ids"]

_GOLDEN = 0.6180339887498949
_FUSION_PARTY_SHARE = 0.4
_NOISE = 0.07
_BACKGROUND_VETO = 0.01
_BACKGROUND_MISSING = 0.005
_RETRIES = 50


class SampleSource(Protocol):
    """What the generator needs from a guide: unit types, rule sets and selection."""

    @property
    def unit_types(self) -> Mapping[str, UnitType]: ...

    @property
    def rulesets(self) -> Mapping[str, RuleSet]: ...

    def ruleset_for(self, unit: Unit) -> RuleSet: ...


@attrs.frozen(kw_only=True)
class SampleCase:
    """One generated unit: the unit, its scenario id, its rule set and its observations."""

    unit: Unit
    scenario: str
    ruleset_id: str
    observations: Mapping[str, Value] = attrs.field(converter=to_dict)


def _pick(rng: random.Random, shares: Mapping[str, float]) -> str:
    total = math.fsum(shares.values())
    x = rng.random() * total
    acc = 0.0
    for key, share in shares.items():
        acc += share
        if x < acc:
            return key
    return next(reversed(list(shares)))


def _type_shares(source: SampleSource) -> dict[str, float]:
    assessed = {rs.unit_type for rs in source.rulesets.values()}
    types = sorted(t for t in source.unit_types if t in assessed)
    if not types:
        raise ClassguideError(
            "cannot generate a sample: no unit type has a rule set (install a sector plugin or "
            "give a source with rule sets)"
        )
    return {t: TYPE_SHARES.get(t, 0.1) for t in types}


def _type_for(i: int, offset: float, shares: Mapping[str, float]) -> str:
    u = (offset + i * _GOLDEN) % 1.0
    total = math.fsum(shares.values())
    acc = 0.0
    for key, share in shares.items():
        acc += share / total
        if u < acc:
            return key
    return next(reversed(list(shares)))


def _attributes(rng: random.Random, utype: UnitType) -> dict[str, str]:
    attrs_: dict[str, str] = {}
    for spec in utype.attributes:
        if spec.name == "foundation":
            shares = {v: FOUNDATION_SHARES.get(v, 0.0) for v in spec.values}
        else:
            known = ATTRIBUTE_SHARES.get((utype.id, spec.name), {})
            shares = {v: known.get(v, 0.0 if known else 1.0) for v in spec.values}
        if math.fsum(shares.values()) <= 0.0:
            shares = dict.fromkeys(spec.values, 1.0)
        attrs_[spec.name] = _pick(rng, shares)
    return attrs_


def _shift(unit_type: str, attributes: Mapping[str, str]) -> tuple[float, float]:
    dp, db = SHIFTS.get((unit_type,), (0.0, 0.0))
    for name, value in attributes.items():
        key = ("foundation", value) if name == "foundation" else (unit_type, name, value)
        p, b = SHIFTS.get(key, (0.0, 0.0))
        dp, db = dp + p, db + b
    return dp, db


def _invert(scale: Scale, s: float) -> float:
    """A value whose score on ``scale`` is about ``s`` (the scale read backwards)."""
    p, f, t, lo, hi = scale.pass_score, scale.floor, scale.target, scale.lo, scale.hi
    if scale.direction == "lower":
        if f is None:
            return hi - (hi - t) * s / 100.0
        if s >= p:
            return t if t >= f else f - (f - t) * (s - p) / (100.0 - p)
        return hi - (hi - f) * s / p
    if f is None:
        return lo + (t - lo) * s / 100.0
    if s >= p:
        return t if t <= f else f + (t - f) * (s - p) / (100.0 - p)
    return lo + (f - lo) * s / p


def _integral(ind: Indicator) -> bool:
    numbers = [ind.floor, ind.target, *(ind.bounds or ())]
    return all(x is None or float(x).is_integer() for x in numbers)


def _number(ind: Indicator, scale: Scale, s: float, rng: random.Random) -> float:
    if scale.direction == "band" and scale.floor is not None:
        if s >= scale.pass_score:
            x = rng.uniform(scale.floor, scale.target)
        elif rng.random() < 0.6:
            x = scale.lo + (scale.floor - scale.lo) * s / 100.0
        else:
            x = scale.hi - (scale.hi - scale.target) * s / 100.0
    elif ind.kind == "count" and scale.direction == "lower" and scale.target == 0.0:
        # incidents: most units have none; weak ones have one or more
        x = 0.0 if s >= 45.0 else max(1.0, _invert(scale, s))
    else:
        x = _invert(scale, s)
    if ind.kind == "ratio":
        return round(min(1.0, max(0.0, x)), 4)
    x = max(0.0, x)
    return float(round(x)) if _integral(ind) else round(x, 3)


def _value(ind: Indicator, scale: Scale, s: float, rng: random.Random) -> Value:
    if ind.kind == "boolean":
        if scale.direction == "lower":
            return s < 0.4 * scale.pass_score
        return s >= scale.pass_score
    if ind.kind == "grade":
        table = ind.grades or {}
        return min(table, key=lambda label: (abs(table[label] - s), -table[label]))
    return _number(ind, scale, s, rng)


def _violation(ind: Indicator, scale: Scale, rng: random.Random) -> Value:
    """A value that misses ``ind``'s floor."""
    if ind.kind == "boolean":
        return scale.direction == "lower"
    if ind.kind == "grade":
        table = ind.grades or {}
        floor = ind.floor if ind.floor is not None else scale.pass_score
        below = [label for label, score in table.items() if score < floor]
        pool = below or list(table)
        return max(pool, key=lambda label: table[label])
    if ind.kind == "count" and scale.direction == "lower" and scale.floor is not None:
        return float(math.floor(scale.floor) + 1 + rng.randrange(2))
    return _number(ind, scale, rng.uniform(10.0, 50.0), rng)


def _fill_formula(
    tree: tuple[object, ...], value: Value, obs: dict[str, Value], rng: random.Random
) -> None:
    if tree[0] == "name":
        obs.setdefault(str(tree[1]), value)
        return
    left, right = (tree[1], tree[2]) if tree[0] == "/" else (None, None)
    if not (
        isinstance(left, tuple)
        and isinstance(right, tuple)
        and left[0] == "name"
        and right[0] == "name"
        and isinstance(value, float)
    ):
        return  # not a ratio of two inputs: leave the inputs out (the indicator is missing)
    den = obs.get(str(right[1]))
    if not isinstance(den, float) or den <= 0.0:
        den = float(rng.randint(100, 5000))
        obs[str(right[1])] = den
    obs.setdefault(str(left[1]), float(round(value * den)))


def observations_for(
    ruleset: RuleSet,
    rng: random.Random,
    *,
    party: float,
    business: float,
    scenario: Scenario,
    foundation: str | None = None,
) -> dict[str, Value]:
    """Observations for one unit of ``ruleset`` with latent qualities ``party`` and ``business``.

    The scenario's forced floor violations, veto and missing share are applied; ``foundation``
    picks the tier's scales (moderated targets).
    """
    plan = plan_for(ruleset)
    scales = plan.scales.get(foundation, plan.scales[None])
    indicators = plan.indicators
    values: list[Value] = []
    for ind, scale in zip(indicators, scales, strict=True):
        if ind.dimension == "party":
            q = party
        elif ind.dimension == "fusion":
            q = _FUSION_PARTY_SHARE * party + (1 - _FUSION_PARTY_SHARE) * business
        else:
            q = business
        s = min(100.0, max(0.0, 100.0 * (q + rng.gauss(0.0, _NOISE))))
        values.append(_value(ind, scale, s, rng))
    vetoes = [k for k, ind in enumerate(indicators) if ind.veto is not None]
    for k in vetoes:
        values[k] = _value(indicators[k], scales[k], 100.0, rng)
        if rng.random() < _BACKGROUND_VETO:
            values[k] = _violation(indicators[k], scales[k], rng)
    if scenario.veto and vetoes:
        k = rng.choice(vetoes)
        values[k] = _violation(indicators[k], scales[k], rng)
    lo, hi = scenario.floor_breaches
    candidates = [
        k for k, ind in enumerate(indicators) if ind.floor is not None and ind.veto is None
    ]
    for k in rng.sample(candidates, min(len(candidates), rng.randint(lo, hi))):
        values[k] = _violation(indicators[k], scales[k], rng)
    missing_share = max(scenario.missing, _BACKGROUND_MISSING)
    obs: dict[str, Value] = {}
    for k, ind in enumerate(indicators):
        missing = rng.random() < missing_share
        formula = plan.formulas[k]
        if formula is not None:
            if not missing:
                _fill_formula(formula.tree, values[k], obs, rng)
            continue
        if missing:
            if rng.random() < 0.5:
                obs[ind.id] = None  # half the missing values are explicit, half absent
            continue
        obs[ind.id] = values[k]
    return obs


def _case(source: SampleSource, i: int, seed: int, unit_type: str) -> SampleCase:
    rng = random.Random(f"classguide-sample:{seed}:{i}")
    utype = source.unit_types[unit_type]
    attributes: dict[str, str] = {}
    ruleset: RuleSet | None = None
    for _ in range(_RETRIES):
        attributes = _attributes(rng, utype)
        unit = Unit(
            id=f"{unit_type}-{i + 1:05d}",
            name=unit_name(unit_type, attributes, i + 1),
            unit_type=unit_type,
            attributes=attributes,
        )
        try:
            ruleset = source.ruleset_for(unit)
            break
        except SelectionError:
            continue
    if ruleset is None:
        raise ClassguideError(
            f"cannot generate a sample unit of type {unit_type!r}: no attribute combination "
            f"tried resolved to a rule set (last tried {attributes!r})"
        )
    scenario_shares = {sc.id: sc.share for sc in SCENARIOS}
    chosen = _pick(rng, scenario_shares)
    scenario = next(sc for sc in SCENARIOS if sc.id == chosen)
    dp, db = _shift(unit_type, attributes)
    party = rng.gauss(scenario.party + dp, scenario.spread)
    business = rng.gauss(scenario.business + db, scenario.spread)
    obs = observations_for(
        ruleset,
        rng,
        party=party,
        business=business,
        scenario=scenario,
        foundation=attributes.get("foundation"),
    )
    return SampleCase(unit=unit, scenario=scenario.id, ruleset_id=ruleset.id, observations=obs)


def generate_sample(
    source: SampleSource, *, size: int = 1000, seed: int = 0
) -> tuple[SampleCase, ...]:
    """``size`` sample units with observations, the same for the same source, size and seed.

    Only unit types that have at least one rule set are sampled. Raises
    :class:`~classguide.ClassguideError` when there is none, or when ``size`` is negative.
    """
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        raise ClassguideError(f"sample size must be a non-negative integer, got {size!r}")
    shares = _type_shares(source)
    offset = random.Random(f"classguide-sample:{seed}").random()
    return tuple(_case(source, i, seed, _type_for(i, offset, shares)) for i in range(size))


def scenario_ids() -> Sequence[str]:
    """The scenario ids, in the documented order."""
    return tuple(sc.id for sc in SCENARIOS)
