"""The columnar path against the single-unit path: same numbers, grades, bands, lags, warnings."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import attrs
import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import classguide as cg
from batch_strategies import batch_rulesets, populations
from classguide.batch import evaluate_columns, evaluate_table
from classguide.demo import example_ruleset, example_units
from fake_plugins import TEXT, RecordsPlugin, ruleset

Population = Sequence[tuple[cg.Unit, dict[str, object]]]


def units_table(pop: Population) -> pa.Table:
    attrs_ = sorted({a for u, _ in pop for a in u.attributes})
    return pa.table(
        {
            "unit_id": [u.id for u, _ in pop],
            "name": [u.name for u, _ in pop],
            "unit_type": [u.unit_type for u, _ in pop],
            **{a: pa.array([u.attributes.get(a) for u, _ in pop], pa.string()) for a in attrs_},
        }
    )


def wide_table(pop: Population, rulesets: Sequence[cg.RuleSet]) -> pa.Table:
    kinds: dict[str, str] = {}
    for rs in rulesets:
        for ind in rs.indicators:
            if ind.formula is None:
                kinds[ind.id] = ind.kind
            else:
                kinds.update(done="count", planned="count")
    cols: dict[str, pa.Array] = {"unit_id": pa.array([u.id for u, _ in pop])}
    for key, kind in sorted(kinds.items()):
        values = [obs.get(key) for _, obs in pop]
        typ = {"boolean": pa.bool_(), "grade": pa.string()}.get(kind, pa.float64())
        cols[key] = pa.array(values, typ, from_pandas=False)
    return pa.table(cols)


def long_table(pop: Population) -> pa.Table:
    rows = [(u.id, k, v) for u, obs in pop for k, v in obs.items() if v is not None]
    text = [
        None
        if isinstance(v, float) and math.isnan(v)
        else ("true" if v is True else "false" if v is False else str(v))
        for _, _, v in rows
    ]
    return pa.table(
        {
            "unit_id": [r[0] for r in rows],
            "indicator_id": [r[1] for r in rows],
            "value": pa.array(text, pa.string()),
        }
    )


#: Warnings whose first evidence names what they are about (an indicator, the lagging side).
SUBJECTS = ("veto", "floor", "lag")
PLACES = ("rank", "class_size", "percentile")


def warning_set(ev: cg.Evaluation) -> Counter[tuple[str, str, str]]:
    return Counter(
        (w.level.name.lower(), w.code, w.evidence[0].subject if w.code in SUBJECTS else "")
        for w in ev.warnings
    )


def assert_same(table: pa.Table, evs: Sequence[cg.Evaluation]) -> None:
    rows = table.to_pylist()
    assert len(rows) == len(evs)
    for row, ev in zip(rows, evs, strict=True):
        assert row["unit_id"] == ev.unit.id
        assert (row["ruleset_id"], row["ruleset_version"]) == (ev.ruleset_id, ev.ruleset_version)
        coord = ev.coordination
        expected = {
            "party": ev.party,
            "business": ev.business,
            "score": ev.score,
            "coupling": None if coord is None else coord.coupling,
            "development": None if coord is None else coord.development,
            "degree": None if coord is None else coord.degree,
        }
        for name, want in expected.items():
            got = row[name]
            assert (got is None) == (want is None), (name, got, want)
            if want is not None:
                assert abs(got - want) <= 1e-9, (name, got, want)
        assert (row["band"], row["lag"], row["grade"], row["complete"]) == (
            ev.band,
            ev.lag,
            ev.grade,
            ev.complete,
        )
        assert row["warning_count"] == len(ev.warnings)
        want_level = None if ev.max_level is None else ev.max_level.name.lower()
        assert row["max_level"] == want_level
        got_set = Counter(
            (w["level"], w["code"], w["subject"] if w["code"] in SUBJECTS else "")
            for w in row["warnings"]
        )
        assert got_set == warning_set(ev)
        assert tuple(row[k] for k in PLACES) == tuple(getattr(ev, k) for k in PLACES)
        for iid, res in ev.indicators.items():
            got = row[f"score.{iid}"]
            assert (got is None) == (res.score is None)
            if res.score is not None:
                assert abs(got - res.score) <= 1e-9


@settings(max_examples=150, deadline=None)
@given(st.data())
def test_table_equals_single_unit_path(data: st.DataObject) -> None:
    rs = data.draw(batch_rulesets())
    pop = data.draw(populations(rs))
    evs = cg.rank([cg.evaluate(rs, u, obs, period="2025") for u, obs in pop], rulesets=[rs])
    table = evaluate_table(
        rs,
        units_table(pop),
        wide_table(pop, [rs]),
        period="2025",
        indicator_scores=True,
        warnings=True,
        block=data.draw(st.sampled_from([3, 7, 4096])),
    )
    assert_same(table, evs)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_long_table_equals_wide_table(data: st.DataObject) -> None:
    rs = data.draw(batch_rulesets())
    pop = data.draw(populations(rs))
    wide = evaluate_table(rs, units_table(pop), wide_table(pop, [rs]), warnings=True)
    long = evaluate_table(rs, units_table(pop), long_table(pop), warnings=True)
    assert long.equals(wide)


def renamed(rs: cg.RuleSet, prefix: str) -> cg.RuleSet:
    """``rs`` with every indicator id prefixed (two rule sets sharing one wide table)."""
    return attrs.evolve(
        rs,
        version="2",
        indicators=tuple(attrs.evolve(i, id=prefix + i.id) for i in rs.indicators),
        adjustments=tuple(attrs.evolve(a, indicator=prefix + a.indicator) for a in rs.adjustments),
    )


class TwoLocks:
    """A stand-in for a Guide: county units get one rule set, municipal units another."""

    def __init__(self, county: cg.RuleSet, municipal: cg.RuleSet) -> None:
        self.county = county
        self.municipal = municipal
        self.calls = 0

    def ruleset_for(self, unit: cg.Unit) -> cg.RuleSet:
        self.calls += 1
        return self.county if unit.attributes["level"] == "county" else self.municipal


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_units_grouped_by_lock_and_ranked_within_it(data: st.DataObject) -> None:
    a = data.draw(batch_rulesets(rid="county"))
    b = renamed(data.draw(batch_rulesets(rid="municipal")), "m")
    guide = TwoLocks(a, b)
    pop_a = data.draw(populations(a))
    pop_b = data.draw(populations(b))
    pop = [(u, o) for u, o in pop_a if u.attributes["level"] == "county"]
    pop += [
        (attrs.evolve(u, id=f"m{u.id}"), o)
        for u, o in pop_b
        if u.attributes["level"] == "municipal"
    ]
    if not pop:
        return
    evs = cg.rank([cg.evaluate(guide.ruleset_for(u), u, o) for u, o in pop], rulesets=[a, b])
    guide.calls = 0
    table = evaluate_table(
        guide, units_table(pop), wide_table(pop, [a, b]), indicator_scores=False, warnings=True
    )
    # One resolution per (type, attributes) combination, not per unit.
    combos = {u.key() for u, _ in pop}
    assert guide.calls == len(combos)
    rows = table.to_pylist()
    for row, ev in zip(rows, evs, strict=True):
        assert row["ruleset_id"] == ev.ruleset_id
        assert row["grade"] == ev.grade and row["band"] == ev.band and row["lag"] == ev.lag
        assert row["score"] is None or abs(row["score"] - ev.score) <= 1e-9  # type: ignore[operator]
        assert row["warning_count"] == len(ev.warnings)
        assert tuple(row[k] for k in PLACES) == tuple(getattr(ev, k) for k in PLACES)


def test_example_units_pandas_and_polars_inputs_agree() -> None:
    pd = pytest.importorskip("pandas")
    pl = pytest.importorskip("polars")
    rs = example_ruleset()
    pop = example_units()
    units = units_table(pop)
    wide = wide_table(pop, [rs])
    base = evaluate_table(rs, units, wide)
    assert evaluate_table(rs, units.to_pandas(), wide.to_pandas()).equals(base)
    assert evaluate_table(rs, pl.from_arrow(units), pl.from_arrow(wide)).equals(base)
    assert base.column_names[:3] == ["unit_id", "ruleset_id", "ruleset_version"]
    evs = [cg.evaluate(rs, u, o) for u, o in pop]
    assert base.column("grade").to_pylist() == [ev.grade for ev in evs]
    del pd


def test_columns_engine_blocks_do_not_change_results() -> None:
    rs = example_ruleset()
    rng = np.random.default_rng(1)
    n = 1000
    cols = {i.id: rng.uniform(0, 1, n) for i in rs.indicators if i.kind == "ratio"}
    cols["study_hours"] = rng.uniform(0, 60, n)
    cols["discipline_cases"] = rng.integers(0, 3, n).astype(float)
    cols["joint_planning"] = rng.integers(0, 2, n).astype(float)
    cols["joint_assessment"] = rng.choice([0.0, 60.0, 80.0, 100.0, np.nan], n)
    one = evaluate_columns(rs, cols, n, block=n)
    many = evaluate_columns(rs, cols, n, block=37)
    for name in ("party", "business", "score", "degree"):
        assert np.array_equal(getattr(one, name), getattr(many, name), equal_nan=True)
    for name in ("grade", "band", "lag", "complete", "warning_count", "max_level"):
        assert np.array_equal(getattr(one, name), getattr(many, name))


def drawn_columns(
    data: st.DataObject,
) -> tuple[cg.RuleSet, dict[str, np.ndarray], dict[str, np.ndarray], int]:
    """A random rule set and population as the engine takes them: value columns, formula
    inputs and the number of units."""
    from classguide.batch.tables import prepare

    rs = data.draw(batch_rulesets())
    pop = data.draw(populations(rs))
    wide = wide_table(pop, [rs]).drop_columns(["unit_id"])
    columns, inputs = prepare(rs, wide, None, False, [u.id for u, _ in pop])
    return rs, columns, inputs, len(pop)


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_columns_fast_path_agrees_with_the_exact_path(data: st.DataObject) -> None:
    # The fast path's tree (children summed in cache; a weight shared by all siblings applied
    # once to their sum; nothing zeroed per block) against the exact path's node_scores, on
    # rule sets with equal and unequal sibling weights and missing values.
    rs, columns, inputs, n = drawn_columns(data)
    block = data.draw(st.sampled_from([2, 5, 4096]))
    fast = evaluate_columns(rs, columns, n, inputs=inputs, block=block, keep_scores=True)
    exact = evaluate_columns(rs, columns, n, inputs=inputs, exact=True, keep_scores=True)
    assert fast.group_scores is not None and exact.group_scores is not None
    pairs = [(getattr(fast, f), getattr(exact, f)) for f in ("party", "business", "score")]
    for a, b in [*pairs, *zip(fast.group_scores, exact.group_scores, strict=True)]:
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-9)
    for name in ("grade", "band", "lag", "complete", "warning_count", "max_level"):
        assert np.array_equal(getattr(fast, name), getattr(exact, name))


def test_out_of_range_ratio_names_unit_and_indicator() -> None:
    rs = example_ruleset()
    pop = example_units()
    wide = wide_table(pop, [rs])
    values = wide.column("tasks_completed").to_pylist()
    values[2] = 85.0
    wide = wide.set_column(
        wide.column_names.index("tasks_completed"), "tasks_completed", pa.array(values)
    )
    with pytest.raises(cg.EvaluationInputError, match=r"unit 'u3'.*'tasks_completed'.*0\.85"):
        evaluate_table(rs, units_table(pop), wide)


def test_table_problems_are_input_errors() -> None:
    rs = example_ruleset()
    pop = example_units()
    units = units_table(pop)
    wide = wide_table(pop, [rs])
    with pytest.raises(cg.InputError, match="missing column"):
        evaluate_table(rs, units.drop_columns(["unit_type"]), wide)
    dup = pa.concat_tables([units, units.slice(0, 1)])
    with pytest.raises(cg.InputError, match="duplicate unit_id 'u1'"):
        evaluate_table(rs, dup, wide)
    extra = wide.append_column("nonsense", pa.array([1.0] * wide.num_rows))
    with pytest.raises(cg.InputError, match="'nonsense' is not an indicator"):
        evaluate_table(rs, units, extra)
    stranger = pa.table({"unit_id": ["zz"], "indicator_id": ["study_hours"], "value": ["3"]})
    with pytest.raises(cg.InputError, match="'zz' does not exist"):
        evaluate_table(rs, units, stranger)
    labels = wide.set_column(
        wide.column_names.index("joint_assessment"),
        "joint_assessment",
        pa.array(["好", "优", None, None, None]),
    )
    with pytest.raises(cg.InputError, match="unknown grade label"):
        evaluate_table(rs, units, labels)


# --- through a Guide: plugin rule sets, plugin warning rules and observation checks ------------


def low_party(ruleset: cg.RuleSet, draft: cg.Evaluation) -> list[cg.Warning]:
    """A plugin rule: orange when P < 50."""
    if draft.party is not None and draft.party < 50:
        return [cg.Warning(level=cg.WarningLevel.ORANGE, code="test.low_party", message=TEXT)]
    return []


class Checker:
    """A plugin observation check that refuses p1 = 0.999 (and counts its calls)."""

    def __init__(self) -> None:
        self.calls = 0

    @cg.hookimpl
    def classguide_check_observations(self, unit, observations):  # type: ignore[no-untyped-def]
        self.calls += 1
        return ["p1 = 0.999 is implausible"] if observations.get("p1") == 0.999 else []


def plugin_guide(checker: Checker | None = None) -> cg.Guide:
    spec = cg.WarningRuleSpec(id="test.low_party", name=TEXT, rule=low_party)
    county = attrs.evolve(ruleset("county", selector={"level": ("county",)}))
    county = attrs.evolve(county, alerts=cg.AlertSettings(bottom_n=2))
    records = RecordsPlugin(rulesets=(county, ruleset("other")), rules=(spec,))
    return cg.Guide(plugins=[records] + ([checker] if checker else []), autoload=False, strict=True)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_guide_table_equals_guide_evaluate_with_plugin_rules(data: st.DataObject) -> None:
    guide = plugin_guide()
    n = data.draw(st.integers(1, 12))
    pop = []
    for k in range(n):
        unit = cg.Unit(
            id=f"u{k}",
            name=f"=单位{k}",
            unit_type="organ",
            attributes={
                "level": data.draw(st.sampled_from(["county", "municipal"])),
                "foundation": data.draw(st.sampled_from(["weak", "standard"])),
            },
        )
        obs = {
            key: data.draw(st.one_of(st.none(), st.floats(0.0, 1.0), st.sampled_from([0.6, 1.0])))
            for key in ("p1", "b1")
        }
        pop.append((unit, {k2: v for k2, v in obs.items() if v is not None}))
    evs = cg.rank(
        [guide.evaluate(u, o, period="2025") for u, o in pop], rulesets=guide.rulesets.values()
    )
    table = guide.evaluate_table(
        units_table(pop),
        wide_table(pop, list(guide.rulesets.values())),
        period="2025",
        indicator_scores=True,
        warnings=True,
    )
    assert_same(table, evs)


def test_guide_table_runs_observation_checks_per_unit() -> None:
    checker = Checker()
    guide = plugin_guide(checker)
    pop = [
        (cg.Unit(id=f"u{k}", name="单位", unit_type="organ", attributes={"level": "county",
                 "foundation": "weak"}), {"p1": 0.5, "b1": 0.7})
        for k in range(5)
    ]  # fmt: skip
    guide.evaluate_table(units_table(pop), wide_table(pop, list(guide.rulesets.values())))
    assert checker.calls == 5
    pop[3] = (pop[3][0], {"p1": 0.999, "b1": 0.7})
    with pytest.raises(cg.EvaluationInputError, match="implausible"):
        guide.evaluate_table(units_table(pop), wide_table(pop, list(guide.rulesets.values())))


def test_duplicate_ids_are_reported_before_an_engine_error() -> None:
    # The duplicate-id check runs beside the evaluation; its finding still comes first.
    rs = example_ruleset()
    pop = example_units()
    units = units_table(pop)
    dup = pa.concat_tables([units, units.slice(0, 1)])
    wide = wide_table(pop, [rs])
    bad = wide.set_column(
        wide.column_names.index("tasks_completed"),
        "tasks_completed",
        pa.array([85.0] * wide.num_rows),  # a percentage where a ratio is needed
    )
    with pytest.raises(cg.EvaluationInputError, match="outside"):
        evaluate_table(rs, units, bad)
    with pytest.raises(cg.InputError, match="duplicate unit_id 'u1'"):
        evaluate_table(rs, dup, bad)


def test_plugin_checks_never_see_a_table_with_duplicate_ids() -> None:
    checker = Checker()
    guide = plugin_guide(checker)
    unit = cg.Unit(id="u0", name="单位", unit_type="organ",
                   attributes={"level": "county", "foundation": "weak"})  # fmt: skip
    pop = [(unit, {"p1": 0.5, "b1": 0.7}), (unit, {"p1": 0.5, "b1": 0.7})]
    with pytest.raises(cg.InputError, match="duplicate unit_id 'u0'"):
        guide.evaluate_table(units_table(pop), wide_table(pop, list(guide.rulesets.values()))[:1])
    assert checker.calls == 0


def test_guide_table_unit_that_fits_no_type_is_reported() -> None:
    guide = plugin_guide()
    pop = [
        (cg.Unit(id="a", name="甲", unit_type="organ", attributes={"level": "county",
                 "foundation": "weak"}), {"p1": 0.5}),
        (cg.Unit(id="b", name="乙", unit_type="organ", attributes={"level": "galactic",
                 "foundation": "weak"}), {"p1": 0.5}),
    ]  # fmt: skip
    with pytest.raises(cg.InputError, match=r"(?s)1 unit\(s\) like 'b'.*galactic"):
        guide.evaluate_table(units_table(pop), wide_table(pop, list(guide.rulesets.values())))


# --- the kit's strategies and the shipped sector plugins ---------------------------------------


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_table_equals_single_unit_path_on_the_kits_rule_sets(data: st.DataObject) -> None:
    from classguide.testing import strategies as cgst

    rs = data.draw(cgst.rulesets(unit_type="organ", equal_weights=False))
    units = data.draw(
        st.lists(cgst.units("organ"), min_size=1, max_size=10, unique_by=lambda u: u.id)
    )
    pop = [(u, data.draw(cgst.observations(rs, unit=u, missing=0.15, boundary=0.3))) for u in units]
    evs = cg.rank([cg.evaluate(rs, u, o) for u, o in pop], rulesets=[rs])
    table = evaluate_table(
        rs, units_table(pop), long_table(pop), indicator_scores=True, warnings=True
    )
    assert_same(table, evs)


def test_sector_plugins_sample_population_equals_guide_evaluate() -> None:
    from classguide.sample import generate_sample

    guide = cg.Guide()
    if len(guide.rulesets) < 5:
        pytest.skip("the sector plugins are not installed")
    cases = generate_sample(guide, size=400, seed=3)
    pop = [(c.unit, dict(c.observations)) for c in cases]
    evs = cg.rank(
        [guide.evaluate(u, o, period="2025") for u, o in pop], rulesets=guide.rulesets.values()
    )
    table = guide.evaluate_table(
        units_table(pop), long_table(pop), period="2025", indicator_scores=True, warnings=True
    )
    assert_same(table, evs)
    assert len(set(table.column("ruleset_id").to_pylist())) >= 5
