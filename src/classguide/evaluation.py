"""Single-unit evaluation: the named steps of the method, in order (DESIGN §1, §3).

``evaluate`` = check inputs → scale each indicator → aggregate up the tree → P, B, S →
coupling coordination C, T, D → band and lag → grade (only when complete; vetoes cap it) →
warnings → provenance. Every step is a pure function of its inputs; the rule set is compiled
once into a :class:`Plan` and cached for as long as the rule set lives.
"""

from __future__ import annotations

import difflib
import hashlib
import math
from array import array
from collections.abc import Mapping, Sequence

import attrs

from classguide._version import __version__
from classguide.aggregation import BUSINESS, PARTY, Tree, aggregate
from classguide.coupling import band_for, coordination, lag_type
from classguide.diagnosis import WarningRule, diagnose
from classguide.errors import EvaluationInputError
from classguide.expressions import Missing
from classguide.grading import apply_vetoes, grade_for
from classguide.model import Unit
from classguide.plan import Plan, plan_for
from classguide.results import Evaluation, IndicatorResults, Provenance, Value
from classguide.ruleset import RuleSet
from classguide.scales import piecewise_score, raw_number

__all__ = ["evaluate", "inputs_hash"]

_COMPLETE_EPS = 1e-12
_INF = math.inf


def _encode_value(v: object) -> bytes:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return b"n"
    if isinstance(v, bool):
        return b"t" if v else b"f"
    if isinstance(v, (int, float)):
        return b"d" + array("d", [float(v)]).tobytes()
    if isinstance(v, str):
        return b"s" + v.encode()
    raise EvaluationInputError(
        f"observation values must be numbers, booleans, strings or None, got {v!r}"
    )


def inputs_hash(unit: Unit, observations: Mapping[str, object], period: str | None) -> str:
    """A stable SHA-256 of the unit, its observations and the period (key order does not matter).

    The digest covers, separated by ``0x1f``: the unit's id, name, type, sorted
    ``attribute=value`` pairs, parent and the period, then for each observation in key order the
    key and its value (numbers as IEEE-754 binary64, little-endian; NaN and ``None`` alike as
    missing), so another system can recompute it.
    """
    head = [
        unit.id,
        unit.name,
        unit.unit_type,
        *(f"{k}={v}" for k, v in sorted(unit.attributes.items())),
        unit.parent or "",
        period or "",
    ]
    h = hashlib.sha256("\x1f".join(head).encode())
    keys = sorted(observations)
    values = [observations[k] for k in keys]
    h.update(b"\x1f" + "\x1f".join(keys).encode())
    if all(type(v) is float and v == v for v in values):
        h.update(b"\x1f" + array("d", values).tobytes())  # type: ignore[type-var]
    else:
        h.update(b"\x1f" + b"\x1f".join(_encode_value(v) for v in values))
    return h.hexdigest()


def _check_keys(plan: Plan, observations: Mapping[str, object]) -> None:
    known = plan.known_keys
    for key in observations:
        if key not in known:
            hint = difflib.get_close_matches(str(key), sorted(known), n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            raise EvaluationInputError(
                f"observation {key!r} is not an indicator or formula input of rule set "
                f"{plan.ruleset_id!r}{extra}"
            )


def _score_indicators(
    plan: Plan, observations: Mapping[str, object], tier: str | None
) -> IndicatorResults:
    scales = plan.scales.get(tier, plan.scales[None])
    formulas = plan.formulas
    get = observations.get
    n = len(plan.indicators)
    values: list[Value] = [None] * n
    scores: list[float | None] = [None] * n
    mets: list[bool | None] = [None] * n
    reasons: list[str | None] = [None] * n
    for k, ind in enumerate(plan.indicators):
        formula = formulas[k]
        reason = "no value"
        raw: object
        if formula is None:
            raw = get(ind.id)
        else:
            computed = formula.evaluate(observations)
            if isinstance(computed, Missing):
                raw, reason = None, computed.reason
            else:
                raw = computed
        # Fast path: a plain in-range float for a ratio or count needs no further checks.
        if type(raw) is float and (
            (ind.kind == "ratio" and 0.0 <= raw <= 1.0)
            or (ind.kind == "count" and 0.0 <= raw < _INF)
        ):
            number: float | None = raw
        elif raw is None:
            number = None
        else:
            number = raw_number(ind, raw)
            if number is None:
                reason = "not a number (NaN)"
        if number is None:
            reasons[k] = reason
            continue
        scores[k], mets[k] = piecewise_score(number, scales[k])
        values[k] = raw if isinstance(raw, (bool, str)) else number
    return IndicatorResults(
        plan.tree.indicator_ids,
        plan.index,
        values,
        scores,
        mets,
        plan.tree.indicator_share,
        reasons,
    )


def _observed_share(tree: Tree, scores: Sequence[float | None], root: str) -> float:
    """Share of ``root``'s indicator weight that has a value (1.0 for an empty sub-system)."""
    total = 0.0
    missing = 0.0
    roots = tree.indicator_root
    shares = tree.indicator_share
    for k, r in enumerate(roots):
        if r == root:
            total += shares[k]
            if scores[k] is None:
                missing += shares[k]
    return 1.0 if total == 0.0 else (total - missing) / total


def evaluate(
    ruleset: RuleSet,
    unit: Unit,
    observations: Mapping[str, object],
    *,
    period: str | None = None,
    rules: Sequence[tuple[str, WarningRule]] = (),
    plugins: Mapping[str, str] | None = None,
) -> Evaluation:
    """Evaluate ``unit`` against ``ruleset`` from ``observations`` (indicator id → raw value).

    Raw values are numbers (ratios as fractions in [0, 1]), booleans, or grade labels; ``None``,
    NaN or an absent key is a missing value (never zero). Derived indicators read their
    formula's inputs from the same mapping. ``rules`` adds named warning rules (plugins'),
    ``plugins`` records plugin versions in the provenance.
    """
    if unit.unit_type != ruleset.unit_type:
        raise EvaluationInputError(
            f"unit {unit.id!r} is of type {unit.unit_type!r} but rule set {ruleset.id!r} is for "
            f"{ruleset.unit_type!r}"
        )
    plan = plan_for(ruleset)
    _check_keys(plan, observations)
    results = _score_indicators(plan, observations, unit.attributes.get("foundation"))
    tree = plan.tree
    scores = results.scores
    node_scores = aggregate(tree, scores)
    party = node_scores[tree.roots[PARTY]]
    business = node_scores[tree.roots[BUSINESS]]
    threshold = ruleset.completeness_threshold - _COMPLETE_EPS
    complete = (
        party is not None
        and business is not None
        and (
            None not in scores
            or (
                _observed_share(tree, scores, PARTY) >= threshold
                and _observed_share(tree, scores, BUSINESS) >= threshold
            )
        )
    )
    score = coord = band = lag = grade = None
    if party is not None and business is not None:
        wp, wb = ruleset.weights.party, ruleset.weights.business
        score = min(100.0, max(0.0, (wp * party + wb * business) / (wp + wb)))
        coord = coordination(party / 100.0, business / 100.0, party_weight=wp / (wp + wb))
        band = band_for(coord.degree, ruleset.coordination_bands)
        lag = lag_type(coord.party, coord.business, ruleset.lag_threshold)
        if complete:
            mets = results.floor_met
            caps = [
                plan.indicators[k].veto.cap  # type: ignore[union-attr]
                for k in plan.veto_indices
                if mets[k] is False
            ]
            grade = apply_vetoes(grade_for(score, ruleset.grades), caps, plan.grade_order)
    draft = Evaluation(
        unit=unit,
        ruleset_id=ruleset.id,
        ruleset_version=ruleset.version,
        period=period,
        indicators=results,
        groups={gid: node_scores[k] for k, gid in enumerate(tree.group_ids)},
        party=party,
        business=business,
        score=score,
        coordination=coord,
        band=band,
        lag=lag,
        grade=grade,
        complete=complete,
        warnings=(),
        provenance=Provenance(
            library_version=__version__,
            ruleset_id=ruleset.id,
            ruleset_version=ruleset.version,
            ruleset_hash=plan.ruleset_hash,
            inputs_hash=inputs_hash(unit, observations, period),
            plugins=plugins or {},
        ),
    )
    return attrs.evolve(draft, warnings=diagnose(ruleset, draft, rules))
