"""The rule-set contract suite: one base class a plugin's tests subclass.

Usage, in the plugin's ``tests/test_contract.py``::

    import pytest
    from classguide.testing import RuleSetContract

    class TestMyPluginContract(RuleSetContract):
        @pytest.fixture
        def plugin(self):
            import classguide_myplugin
            return classguide_myplugin          # or the entry-point name: "myplugin"

Fixtures you may override (the only place they are documented):

``plugin`` (required)
    The plugin object (a module or instance carrying ``@classguide.hookimpl`` functions) or the
    name of an installed plugin (entry-point name in the ``classguide`` group, or its
    distribution name).
``guide``
    The :class:`classguide.Guide` under test; by default ``Guide(plugins=[plugin],
    autoload=False, strict=True)``: only this plugin (and the core's built-in unit types).

Capabilities are declared as class attributes, never by overriding tests with a skip:

``covers_whole_unit_types = True``
    Every unit of the plugin's unit types must resolve to a rule set. Set ``False`` when the
    plugin is the lock for only some units of a type (other plugins cover the rest); ambiguity
    is still an error.
``unit_types = None``
    Ids of the unit types whose units are checked (default: those of the plugin's rule sets).
``max_examples = 50``
    Examples per property and rule set (``None``: the current hypothesis profile's value;
    the environment variable ``CLASSGUIDE_CONTRACT_EXAMPLES`` overrides both).
``missing_share = 0.5``
    Share of missing values when checking that incomplete data is never graded.

Override :meth:`RuleSetContract.observation_strategy` to give realistic observations (e.g.
when the plugin's ``classguide_check_observations`` rejects some combinations).
"""

from __future__ import annotations

from typing import Any

import attrs
from hypothesis import assume
from hypothesis import strategies as st

import classguide
from classguide.results import Evaluation
from classguide.ruleset import RuleSet
from classguide.testing import _oracle
from classguide.testing._guides import guide_for, plugin_label
from classguide.testing._machinery import ContractBase
from classguide.testing._report import ContractViolation, violation
from classguide.testing._static import RuleSetProperties

__all__ = ["ContractViolation", "RuleSetContract"]

_EPS = 1e-9


def _broken(
    key: str, guide: Any, rs: RuleSet, unit: Any, obs: Any, details: list[str]
) -> ContractViolation:
    """Property ``key`` broken by this example of ``rs`` in ``guide`` (see ``violation``)."""
    return violation(
        key, ruleset=rs, plugin=plugin_label(guide), unit=unit, observations=obs, details=details
    )


class _EvaluationProperties(ContractBase):
    """Properties of evaluations with generated units and observations."""

    # --- evaluations --------------------------------------------------------------------------

    def test_scores_bounded(self, guide: Any) -> None:
        """S, P, B, group and indicator scores in [0, 100]; C, T, D in [0, 1]."""

        def body(rs: RuleSet, data: Any) -> None:
            unit, obs = self._example(guide, rs, data, missing=0.2, boundary=0.3)
            ev = guide.evaluate(unit, obs)
            bad = [
                f"{name} = {v!r}"
                for name, v in _scores(ev)
                if v is not None and not 0.0 <= v <= 100.0
            ]
            if ev.coordination is not None:
                c = ev.coordination
                bad += [
                    f"{n} = {v!r}"
                    for n, v in (("C", c.coupling), ("T", c.development), ("D", c.degree))
                    if not 0.0 <= v <= 1.0
                ]
            if bad:
                raise _broken("bounded", guide, rs, unit, obs, bad)

        self._each(guide, body)

    def test_raising_an_indicator_never_lowers_scores(self, guide: Any) -> None:
        """Moving one indicator in its good direction never lowers S, P or B."""

        def body(rs: RuleSet, data: Any) -> None:
            unit, obs = self._example(guide, rs, data, missing=0.1, boundary=0.3)
            inputs = {
                n
                for i in rs.indicators
                if i.formula
                for n in classguide.expressions.parse_formula(i.formula).names
            }
            movable = [
                i
                for i in rs.indicators
                if i.id in obs
                and i.id not in inputs
                and _oracle.better_values(i, obs[i.id]) is not None
            ]
            assume(movable)
            ind = data.draw(st.sampled_from(movable), label="indicator raised")
            better = data.draw(_oracle.better_values(ind, obs[ind.id]), label="better value")
            before = guide.evaluate(unit, obs)
            after_obs = {**obs, ind.id: better}
            after = guide.evaluate(unit, after_obs)
            lowered = [
                f"{name}: {b:.6f} → {'missing' if a is None else f'{a:.6f}'}"
                for name, b, a in (
                    ("S", before.score, after.score),
                    ("P", before.party, after.party),
                    ("B", before.business, after.business),
                )
                if b is not None and (a is None or a < b - _EPS)
            ]
            if lowered:
                raise _broken(
                    "monotone",
                    guide,
                    rs,
                    unit,
                    obs,
                    [
                        f"raised {ind.id} ({ind.name.zh}, {ind.direction}): "
                        f"{obs[ind.id]!r} → {better!r}",
                        *lowered,
                    ],
                )

        self._each(guide, body)

    def test_incomplete_data_never_graded(self, guide: Any) -> None:
        """Below the completeness threshold there is no grade, only a data-quality warning."""

        def body(rs: RuleSet, data: Any) -> None:
            unit, obs = self._example(guide, rs, data, missing=self.missing_share, boundary=0.2)
            ev = guide.evaluate(unit, obs)
            present = {iid: not r.missing for iid, r in ev.indicators.items()}
            shares = _oracle.observed_shares(rs, present)
            short = {r: s for r, s in shares.items() if s < rs.completeness_threshold - _EPS}
            if (short or ev.party is None or ev.business is None) and (
                ev.grade is not None or not any(w.code == "incomplete" for w in ev.warnings)
            ):
                raise _broken(
                    "incomplete",
                    guide,
                    rs,
                    unit,
                    obs,
                    [
                        f"observed weight share P={shares['party']:.3f}, "
                        f"B={shares['business']:.3f}; "
                        f"threshold {rs.completeness_threshold}",
                        f"grade given: {ev.grade!r}; warnings: {[w.code for w in ev.warnings]}",
                    ],
                )

        self._each(guide, body)

    def test_every_floor_violation_warned(self, guide: Any) -> None:
        """Each indicator below its floor (above, for lower-is-better; outside a band) is warned."""

        def body(rs: RuleSet, data: Any) -> None:
            unit, obs = self._example(guide, rs, data, missing=0.1, boundary=0.5)
            ev = guide.evaluate(unit, obs)
            warned = {e.subject for w in ev.warnings for e in w.evidence}
            silent = [
                f"{ind.id} ({ind.name.zh}) = {ev.indicators[ind.id].value!r}, "
                f"floor {ind.floor!r} ({ind.direction}): no warning"
                for ind in rs.indicators
                if _oracle.violates_floor(ind, ev.indicators[ind.id].value) and ind.id not in warned
            ]
            if silent:
                raise _broken("floors", guide, rs, unit, obs, silent)

        self._each(guide, body)

    def test_veto_never_improves_grade(self, guide: Any) -> None:
        """A triggered veto caps the grade; with vetoes the grade is never better than without."""

        def body(rs: RuleSet, data: Any) -> None:
            vetoed = [
                i for i in rs.indicators if i.veto is not None and _oracle.violating_values(i)
            ]
            unit, obs = self._example(guide, rs, data, missing=0.0, boundary=0.3)
            if vetoed and data.draw(st.booleans(), label="trigger a veto"):
                ind = data.draw(st.sampled_from(vetoed), label="vetoed indicator")
                obs[ind.id] = data.draw(
                    st.sampled_from(_oracle.violating_values(ind)), label="value"
                )
            ev = guide.evaluate(unit, obs)
            plain = attrs.evolve(rs, indicators=[attrs.evolve(i, veto=None) for i in rs.indicators])
            base = classguide.evaluate(plain, unit, obs)
            order = rs.grade_order()
            problems = []
            if (
                ev.grade is not None
                and base.grade is not None
                and order.index(ev.grade) < order.index(base.grade)
            ):
                problems.append(
                    f"grade with vetoes {ev.grade!r} is better than without {base.grade!r}"
                )
            for ind in rs.indicators:
                if ind.veto is None or not _oracle.violates_floor(ind, ev.indicators[ind.id].value):
                    continue
                cap = ind.veto.cap or order[-1]
                if ev.grade is not None and order.index(ev.grade) < order.index(cap):
                    problems.append(
                        f"veto {ind.id} triggered but grade {ev.grade!r} is better than cap {cap!r}"
                    )
                if not any(
                    w.code == "veto" and any(e.subject == ind.id for e in w.evidence)
                    for w in ev.warnings
                ):
                    problems.append(f"veto {ind.id} triggered without a veto warning")
            if problems:
                raise _broken("veto", guide, rs, unit, obs, problems)

        self._each(guide, body)

    def test_deterministic_and_json_round_trip(self, guide: Any, plugin: object) -> None:
        """Same inputs, same result (any key order, a fresh Guide); JSON out and back is equal."""
        fresh = guide_for(plugin)

        def body(rs: RuleSet, data: Any) -> None:
            unit, obs = self._example(guide, rs, data, missing=0.2, boundary=0.3)
            first = guide.evaluate(unit, obs)
            problems = []
            if guide.evaluate(unit, dict(reversed(list(obs.items())))) != first:
                problems.append("a second evaluation (observations in another order) differs")
            if fresh.evaluate(unit, obs) != first:
                problems.append("an evaluation by a fresh Guide differs")
            text = classguide.to_json(first)
            back = classguide.from_json(Evaluation, text)
            if back != first or classguide.to_json(back) != text:
                problems.append(
                    "to_json → from_json(Evaluation, ...) does not give the same evaluation"
                )
            if classguide.from_json(RuleSet, classguide.to_json(rs)) != rs:
                problems.append("the rule set does not survive to_json → from_json(RuleSet, ...)")
            if problems:
                raise _broken("deterministic", guide, rs, unit, obs, problems)

        self._each(guide, body)

    def test_invalid_values_rejected(self, guide: Any) -> None:
        """A raw value invalid for its kind raises a ClassguideError naming the indicator."""

        def body(rs: RuleSet, data: Any) -> None:
            unit, obs = self._example(guide, rs, data, out_of_range=0.3, boundary=0.0)
            by_id = {i.id: i for i in rs.indicators}
            bad = sorted(
                k
                for k, v in obs.items()
                if k in by_id and not by_id[k].formula and _oracle.invalid_raw(by_id[k], v)
            )
            assume(bad)
            try:
                guide.evaluate(unit, obs)
            except classguide.ClassguideError as exc:
                if not any(k in str(exc) for k in bad):
                    raise _broken(
                        "rejects", guide, rs, unit, obs, [f"the error does not name {bad}: {exc}"]
                    ) from None
                return
            raise _broken(
                "rejects", guide, rs, unit, obs, [f"invalid value(s) for {bad} were accepted"]
            )

        self._each(guide, body)


class RuleSetContract(_EvaluationProperties, RuleSetProperties):
    """Properties every rule set a plugin contributes must have (see the module docstring)."""


def _scores(ev: Evaluation) -> list[tuple[str, float | None]]:
    out: list[tuple[str, float | None]] = [("S", ev.score), ("P", ev.party), ("B", ev.business)]
    out += [(f"group {g}", s) for g, s in ev.groups.items()]
    out += [(f"indicator {i}", r.score) for i, r in ev.indicators.items()]
    return out
