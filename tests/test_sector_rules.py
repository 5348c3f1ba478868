"""The five sector plugins and their shipped rule files (issue 6).

Every shipped rule set loads and validates; every indicator cites a declared source and has both
names; the shared conventions hold (ids, version, selector coverage, the three balances, the
five disconnect tags, countermeasures, weak-foundation adjustments that only moderate targets);
the plugins load only through the entry-point group and can be blocked by name.
"""

from __future__ import annotations

import ast
import importlib
import itertools
import math
from pathlib import Path

import pytest

import classguide as cg
from classguide.plan import plan_for
from classguide.ruleset import DISCONNECTS

ROOT = Path(__file__).resolve().parents[1]
PLUGINS = ROOT / "plugins"
SECTORS = {
    "organ": "level",
    "soe": "category",
    "university": "kind",
    "school": "stage",
    "hospital": "tier",
}
FILES = sorted(PLUGINS.glob("classguide_*/rules/*.toml"))
FILE_PARAMS = [pytest.param(p, id=p.stem) for p in FILES]


@pytest.fixture(scope="module")
def guide() -> cg.Guide:
    return cg.Guide(strict=True)


def _rulesets() -> list[cg.RuleSet]:
    return [cg.load_ruleset(p) for p in FILES]


RULESETS = _rulesets()
RS_PARAMS = [pytest.param(rs, id=rs.id) for rs in RULESETS]


def test_every_sector_ships_rule_files() -> None:
    sectors = {p.parent.parent.name.removeprefix("classguide_") for p in FILES}
    assert sectors == set(SECTORS)
    assert len(FILES) >= 14


@pytest.mark.parametrize("path", FILE_PARAMS)
def test_file_loads_validates_and_is_named_for_its_id(path: Path) -> None:
    rs = cg.load_ruleset(path)
    sector = path.parent.parent.name.removeprefix("classguide_")
    assert path.stem == rs.id
    assert rs.id.startswith(f"{sector}-")
    assert rs.unit_type == sector
    assert rs.version == "2026.1"
    unit_type = next(t for t in cg.Guide(autoload=False).unit_types.values() if t.id == sector)
    errors = [p for p in cg.validate_ruleset(rs, unit_type) if p.severity == "error"]
    assert errors == []


@pytest.mark.parametrize("rs", RS_PARAMS)
def test_every_indicator_cites_a_declared_source_and_has_both_names(rs: cg.RuleSet) -> None:
    declared = {s.id for s in rs.sources}
    for ind in rs.indicators:
        assert ind.source in declared, (rs.id, ind.id, ind.source)
        assert ind.article, (rs.id, ind.id)
        assert ind.name.zh.strip() and ind.name.en.strip(), (rs.id, ind.id)
        assert ind.basis in ("found", "secondary", "unverified", "proposal"), (rs.id, ind.id)
    for src in rs.sources:
        assert src.title.zh.strip() and src.title.en.strip(), (rs.id, src.id)


@pytest.mark.parametrize("rs", RS_PARAMS)
def test_conventions(rs: cg.RuleSet) -> None:
    assert len(rs.indicators) >= 15
    assert {i.dimension for i in rs.indicators} == {"party", "business", "fusion"}
    assert (rs.weights.party, rs.weights.business) == (0.5, 0.5)
    for ind in rs.indicators:
        assert ind.cadence in ("annual", "long_term"), ind.id
        assert ind.evidence in ("review", "survey"), ind.id
        assert ind.line in ("floor", "high"), ind.id
        assert ind.floor is not None and (ind.target is not None or ind.kind == "grade"), ind.id
    # the three balances have both sides somewhere in the rule set
    assert {i.cadence for i in rs.indicators} == {"annual", "long_term"}
    assert {i.evidence for i in rs.indicators} == {"review", "survey"}
    assert {i.line for i in rs.indicators} == {"floor", "high"}
    assert {t for i in rs.indicators for t in i.tags} == set(DISCONNECTS)
    assert any(i.veto is not None for i in rs.indicators)
    assert [g.name(lang) for g in rs.grades for lang in ("zh",)] == ["好", "较好", "一般", "差"]


@pytest.mark.parametrize("rs", RS_PARAMS)
def test_sibling_weights_sum_to_one(rs: cg.RuleSet) -> None:
    siblings: dict[str, list[float]] = {}
    for node in (*rs.groups, *rs.indicators):
        parent = node.parent if isinstance(node, cg.Group) else node.group
        root = "party" if node.dimension == "party" else "business"
        siblings.setdefault(parent or f"<{root}>", []).append(node.weight)
    for key, weights in siblings.items():
        assert math.isclose(math.fsum(weights), 1.0, abs_tol=1e-9), (rs.id, key, weights)


@pytest.mark.parametrize("rs", RS_PARAMS)
def test_countermeasures_for_every_disconnect_lag_and_coordination(rs: cg.RuleSet) -> None:
    have = {c.category for c in rs.countermeasures}
    assert {*DISCONNECTS, "lag", "coordination"} <= have
    for c in rs.countermeasures:
        assert c.text.zh.strip() and c.text.en.strip()


@pytest.mark.parametrize("rs", RS_PARAMS)
def test_weak_foundation_moderates_targets_only(rs: cg.RuleSet) -> None:
    assert rs.description is not None and "weak" in rs.description.en
    weak = [a for a in rs.adjustments if a.foundation == "weak"]
    assert weak, rs.id
    plan = plan_for(rs)
    base, moderated = plan.scales[None], plan.scales["weak"]
    for ind, b, m in zip(plan.indicators, base, moderated, strict=True):
        assert m.floor == b.floor, ind.id  # floors are never lowered
        # where the score reaches 0 (below the floor) does not move either
        assert (m.lo if b.direction == "higher" else m.hi) == (
            b.lo if b.direction == "higher" else b.hi
        ), ind.id
    vetoes = {i.id for i in rs.indicators if i.veto is not None}
    for adj in weak:
        ind = rs.indicator(adj.indicator)
        assert adj.indicator not in vetoes
        assert ind.floor is not None and ind.target is not None
        lo, hi = sorted((ind.floor, ind.target))
        assert lo <= adj.target <= hi, (rs.id, adj)


@pytest.mark.parametrize("sector", sorted(SECTORS))
def test_every_selector_value_and_tier_resolves_to_exactly_one_rule_set(
    guide: cg.Guide, sector: str
) -> None:
    attr = SECTORS[sector]
    unit_type = guide.unit_types[sector]
    values = unit_type.attribute(attr).values  # type: ignore[union-attr]
    mine = [rs for rs in guide.rulesets.values() if rs.unit_type == sector]
    for value, tier in itertools.product(values, ("weak", "standard", "advanced")):
        listing = [rs.id for rs in mine if value in rs.selector.get(attr, ())]
        assert len(listing) == 1, (sector, value, listing)
        unit = cg.Unit(
            id="u", name="u", unit_type=sector, attributes={attr: value, "foundation": tier}
        )
        assert guide.explain(unit).ruleset == listing[0]
        assert guide.ruleset_for(unit).id == listing[0]


def test_plugins_register_through_entry_points_only(guide: cg.Guide) -> None:
    bare = cg.Guide(autoload=False)
    assert dict(bare.rulesets) == {}
    names = {p.name: p for p in guide.plugins}
    for sector in SECTORS:
        info = names[sector]
        assert info.entry_point is not None
        assert info.rulesets and all(r.startswith(f"{sector}-") for r in info.rulesets)
    shipped = {p.stem for p in FILES}
    assert set(guide.rulesets) == shipped


def test_a_sector_plugin_can_be_blocked_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLASSGUIDE_DISABLE_PLUGINS", "hospital,soe")
    guide = cg.Guide()
    types = {rs.unit_type for rs in guide.rulesets.values()}
    assert types == {"organ", "university", "school"}


def test_nothing_in_the_core_imports_the_sector_plugins() -> None:
    packages = {f"classguide_{s}" for s in SECTORS}
    for path in (ROOT / "src" / "classguide").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {(node.module or "").split(".")[0]}
            else:
                continue
            assert not names & packages, (path, names)


@pytest.mark.parametrize("sector", sorted(SECTORS))
def test_plugin_returns_its_rule_files(sector: str) -> None:
    module = importlib.import_module(f"classguide_{sector}")
    files = sorted(p.name for p in (PLUGINS / f"classguide_{sector}" / "rules").glob("*.toml"))
    assert files
    ids = [rs.id for rs in module.classguide_rulesets()]
    assert ids == [Path(f).stem for f in files]
    assert module.classguide_rulesets() is module.classguide_rulesets()  # read once


def _unit(sector: str, **attrs: str) -> cg.Unit:
    return cg.Unit(id="u1", name="示例", unit_type=sector, attributes=attrs)


@pytest.mark.parametrize(
    ("staff", "fulltime", "met"),
    [(300, 3, True), (300, 6, True), (300, 2, False), (300, 7, False), (300, 4, True)],
)
def test_organ_fulltime_staff_band_oracle(
    guide: cg.Guide, staff: int, fulltime: int, met: bool
) -> None:
    # sectors.md §4 O8: 机关条例 第三十条 — full-time Party-affairs staff "一般占机关工作人员总数的
    # 1%至2%"; 300 staff are compliant with 3 to 6 full-time staff.
    unit = _unit("organ", level="provincial", foundation="standard")
    ev = guide.evaluate(unit, {"fulltime_party_staff": fulltime, "organ_staff": staff})
    result = ev.indicators["fulltime_party_staff_ratio"]
    assert result.value == pytest.approx(fulltime / staff)
    assert result.floor_met is met
    assert (result.score == 100.0) is met


@pytest.mark.parametrize(
    ("fund", "met"),
    [(2_000_000, True), (4_000_000, True), (4_100_000, False), (1_500_000, False)],
)
def test_soe_party_fund_oracle(guide: cg.Guide, fund: int, met: bool) -> None:
    # sectors.md §4 O7: 组通字〔2017〕38号 — allocation "一般按照企业上年度职工工资总额1%";
    # no new allocation once the carry-over exceeds 2% of last year's payroll. Payroll
    # 200,000,000: 2,000,000 is the standard 1%; 4,100,000 > 4,000,000 breaks the 2% line.
    unit = _unit("soe", category="commercial_competitive", foundation="standard")
    ev = guide.evaluate(unit, {"party_fund": fund, "prior_year_payroll": 200_000_000})
    assert ev.indicators["party_fund_ratio"].floor_met is met


def test_veto_caps_the_grade_of_an_otherwise_excellent_organ(guide: cg.Guide) -> None:
    rs = guide.rulesets["organ-county"]
    best: dict[str, object] = {}
    for ind in rs.indicators:
        if ind.formula:
            continue
        if ind.kind == "boolean":
            best[ind.id] = ind.direction != "lower"
        elif ind.kind == "grade":
            best[ind.id] = max(ind.grades or {}, key=lambda k: (ind.grades or {})[k])
        else:
            best[ind.id] = float(ind.target or 0.0)
    unit = _unit("organ", level="county", foundation="standard")
    assert guide.evaluate(unit, best).grade == "good"
    vetoed = guide.evaluate(unit, {**best, "leadership_discipline_case": True})
    assert vetoed.grade == "fairly_good"
    assert any(w.code == "veto" for w in vetoed.warnings)


def test_classguide_validate_plugins_glob_reports_no_errors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the acceptance command, with the pattern unexpanded as a shell without globstar leaves it
    from click.testing import CliRunner

    from classguide.cli import main

    monkeypatch.chdir(ROOT)
    result = CliRunner().invoke(main, ["validate", "plugins/**/*.toml"])
    assert result.exit_code == 0, result.output
    oks = [
        line for line in result.output.splitlines() if line.endswith("0 error(s), 0 warning(s))")
    ]
    assert len(oks) == len(FILES)
    missing = CliRunner().invoke(main, ["validate", "plugins/**/*.nothing"])
    assert missing.exit_code == 1
