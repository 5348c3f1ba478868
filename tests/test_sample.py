"""The seeded sample population: deterministic, generic, resolvable, and with every case."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import classguide as cg
from classguide.demo import example_ruleset
from classguide.plan import plan_for
from classguide.sample import SampleCase, generate_sample, observations_for, scenario_ids
from classguide.sampleprofiles import SCENARIOS, TYPE_SHARES


@pytest.fixture(scope="module")
def guide() -> cg.Guide:
    return cg.Guide(strict=True)


@pytest.fixture(scope="module")
def population(guide: cg.Guide) -> tuple[SampleCase, ...]:
    return generate_sample(guide, size=1000, seed=0)


@pytest.fixture(scope="module")
def evaluated(
    guide: cg.Guide, population: tuple[SampleCase, ...]
) -> list[tuple[SampleCase, cg.Evaluation]]:
    return [(c, guide.evaluate(c.unit, c.observations)) for c in population]


def test_scenario_shares_sum_to_one() -> None:
    assert math.isclose(math.fsum(s.share for s in SCENARIOS), 1.0)
    assert list(scenario_ids()) == [s.id for s in SCENARIOS]


def test_same_seed_same_sample_and_prefix_property(guide: cg.Guide) -> None:
    a = generate_sample(guide, size=60, seed=11)
    b = generate_sample(guide, size=60, seed=11)
    assert a == b
    assert generate_sample(guide, size=25, seed=11) == a[:25]
    assert generate_sample(guide, size=60, seed=12) != a


def test_size_zero_and_bad_sizes(guide: cg.Guide) -> None:
    assert generate_sample(guide, size=0) == ()
    for bad in (-1, 2.5, True):
        with pytest.raises(cg.ClassguideError, match="sample size"):
            generate_sample(guide, size=bad)  # type: ignore[arg-type]


def test_no_rule_sets_is_a_clear_error() -> None:
    with pytest.raises(cg.ClassguideError, match="no unit type has a rule set"):
        generate_sample(cg.Guide(autoload=False), size=3)


def test_every_unit_fits_its_type_and_resolves_to_exactly_one_rule_set(
    guide: cg.Guide, population: tuple[SampleCase, ...]
) -> None:
    ids = [c.unit.id for c in population]
    assert len(set(ids)) == len(ids)
    for case in population:
        unit_type = guide.unit_types[case.unit.unit_type]
        assert unit_type.check(case.unit) == []
        explanation = guide.explain(case.unit)  # raises when ambiguous or unmatched
        assert explanation.ruleset == case.ruleset_id
        matching = [o for o in explanation.others if o.matches]
        assert all(o.specificity < explanation.specificity for o in matching)
        assert set(case.observations) <= plan_for(guide.rulesets[case.ruleset_id]).known_keys


def test_mix_of_sectors_subtypes_and_scenarios(population: tuple[SampleCase, ...]) -> None:
    n = len(population)
    types = Counter(c.unit.unit_type for c in population)
    total = math.fsum(TYPE_SHARES.values())
    for type_id, share in TYPE_SHARES.items():
        assert abs(types[type_id] / n - share / total) <= 0.01  # low-discrepancy: near exact
    scenarios = Counter(c.scenario for c in population)
    assert set(scenarios) == set(scenario_ids())
    for sc in SCENARIOS:
        assert abs(scenarios[sc.id] / n - sc.share) < 0.05, sc.id
    tiers = Counter(c.unit.attributes["foundation"] for c in population)
    assert 0.14 < tiers["weak"] / n < 0.26
    rulesets = {c.ruleset_id for c in population}
    assert len(rulesets) >= 14  # every variant of the five sectors appears in 1,000 units


def test_the_cases_that_matter_show_up(
    guide: cg.Guide, evaluated: list[tuple[SampleCase, cg.Evaluation]]
) -> None:
    def share(scenario: str, pred: object) -> float:
        evs = [ev for c, ev in evaluated if c.scenario == scenario]
        return sum(1 for ev in evs if pred(ev)) / len(evs)  # type: ignore[operator]

    assert share("two_skins", lambda ev: ev.lag == "party") > 0.9
    assert share("party_idles", lambda ev: ev.lag == "business") > 0.9
    assert share("sound", lambda ev: ev.lag == "balanced") > 0.7
    assert share("veto", lambda ev: any(w.code == "veto" for w in ev.warnings)) > 0.95
    assert share("floor_breach", lambda ev: any(w.code == "floor" for w in ev.warnings)) > 0.95
    assert share("missing_much", lambda ev: not ev.complete and ev.grade is None) > 0.95
    assert share("missing_some", lambda ev: ev.complete) > 0.5
    assert share("lagging", lambda ev: ev.grade in ("poor", None)) > 0.9
    assert any(w.code == "coordination" for _, ev in evaluated for w in ev.warnings)
    missing = [c for c, _ in evaluated if c.scenario == "missing_some"]
    assert any(v is None for c in missing for v in c.observations.values())
    # missing is None or an absent key (never NaN, which JSON cannot carry, and never zero)
    assert not any(
        isinstance(v, float) and math.isnan(v)
        for c, _ in evaluated
        for v in c.observations.values()
    )
    absent = [
        c
        for c in missing
        if len(c.observations) < len(plan_for(guide.rulesets[c.ruleset_id]).known_keys)
    ]
    assert absent


def test_weak_units_score_lower_on_average(
    evaluated: list[tuple[SampleCase, cg.Evaluation]],
) -> None:
    def mean_party(tier: str) -> float:
        xs = [ev.party for c, ev in evaluated if c.unit.attributes["foundation"] == tier]
        return sum(x for x in xs if x is not None) / len(xs)

    assert mean_party("weak") < mean_party("standard") < mean_party("advanced")


def test_formula_inputs_give_the_drawn_ratio(population: tuple[SampleCase, ...]) -> None:
    organs = [c for c in population if c.ruleset_id == "organ-county"][:1] + [
        c for c in population if c.ruleset_id == "organ-provincial-municipal"
    ]
    with_inputs = [c for c in organs if "organ_staff" in c.observations]
    assert with_inputs
    for case in with_inputs:
        staff = case.observations["organ_staff"]
        fulltime = case.observations.get("fulltime_party_staff")
        assert isinstance(staff, float) and staff >= 100
        assert fulltime is None or (isinstance(fulltime, float) and 0 <= fulltime <= staff)


@attrs.frozen(kw_only=True)
class _Source:
    unit_types: dict[str, cg.UnitType]
    rulesets: dict[str, cg.RuleSet]

    def ruleset_for(self, unit: cg.Unit) -> cg.RuleSet:
        return next(iter(self.rulesets.values()))


def test_generic_over_a_new_unit_type_without_known_shares() -> None:
    # a plugin's own type ("community") with an attribute the profiles know nothing about
    community = cg.UnitType(
        id="community",
        name=cg.Text(zh="社区", en="community"),
        attributes=(
            cg.AttributeSpec(
                name="area", label=cg.Text(zh="区域", en="area"), values=("urban", "rural")
            ),
        ),
    )
    rs = attrs.evolve(example_ruleset(), id="community-example", unit_type="community")
    source = _Source(unit_types={"community": community}, rulesets={rs.id: rs})
    cases = generate_sample(source, size=40, seed=5)
    assert {c.unit.unit_type for c in cases} == {"community"}
    assert {c.unit.attributes["area"] for c in cases} == {"urban", "rural"}
    for case in cases:
        cg.evaluate(rs, case.unit, case.observations)


def test_observations_for_a_strong_unit_meet_every_floor() -> None:
    rs = example_ruleset()
    plan = plan_for(rs)
    sound = SCENARIOS[0]
    ok = attrs.evolve(sound, missing=0.0)
    obs = observations_for(rs, random.Random(1), party=1.5, business=1.5, scenario=ok)
    unit = cg.Unit(id="u", name="u", unit_type="organ", attributes={})
    ev = cg.evaluate(rs, unit, obs)
    # a background veto (1 %) may still fire; everything else meets its floor
    missed = [
        k for k in plan.floor_indices if ev.indicators[plan.indicators[k].id].floor_met is False
    ]
    assert all(plan.indicators[k].veto is not None for k in missed)


@settings(max_examples=40)
@given(seed=st.integers(0, 2**32), size=st.integers(1, 12))
def test_property_every_generated_unit_evaluates(guide: cg.Guide, seed: int, size: int) -> None:
    cases: Sequence[SampleCase] = generate_sample(guide, size=size, seed=seed)
    assert len(cases) == size
    for case in cases:
        ev = guide.evaluate(case.unit, case.observations)
        assert ev.ruleset_id == case.ruleset_id
        assert ev.score is None or 0.0 <= ev.score <= 100.0
