"""Whole-set validation: every check fires on a rule set that breaks it, and only there."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import classguide as cg
from classguide.cli import main
from classguide.validation import STRUCTURAL
from rulefile_cases import EXAMPLE, evaluates_examples, example, example_data, shipped_rule_files

Edit = Callable[[dict[str, Any]], None]


def problems_after(edit: Edit) -> list[cg.Problem]:
    data = example_data()
    edit(data)
    return cg.validate_ruleset(cg.converter.structure(data, cg.RuleSet))


def ind(data: dict[str, Any], iid: str) -> dict[str, Any]:
    return next(i for i in data["indicators"] if i["id"] == iid)


def test_the_example_is_clean() -> None:
    assert cg.validate_ruleset(example()) == []


def _set(path: str, value: object) -> Edit:
    """An edit setting ``indicator_id.key`` (or a top-level key) to ``value``."""

    def edit(data: dict[str, Any]) -> None:
        if "." in path:
            iid, key = path.split(".")
            ind(data, iid)[key] = value
        else:
            data[path] = value

    return edit


def _do(*edits: Edit) -> Edit:
    def edit(data: dict[str, Any]) -> None:
        for e in edits:
            e(data)

    return edit


def _dup_indicator(data: dict[str, Any]) -> None:
    data["indicators"].append(dict(data["indicators"][0]))


def _dup_group_indicator(data: dict[str, Any]) -> None:
    ind(data, "study_hours")["id"] = "education"


def _cycle(data: dict[str, Any]) -> None:
    data["groups"][0]["parent"] = "education"
    data["groups"][1]["parent"] = "organisation"


def _drop_party(data: dict[str, Any]) -> None:
    data["indicators"] = [i for i in data["indicators"] if i["dimension"] != "party"]
    data["groups"] = [g for g in data["groups"] if g["dimension"] != "party"]


def _grade_gap(data: dict[str, Any]) -> None:
    data["grades"][0]["min"] = 91


def _grade_overlap(data: dict[str, Any]) -> None:
    data["grades"][1]["max"] = 95


def _coordination_short(data: dict[str, Any]) -> None:
    data["coordination_bands"] = data["coordination_bands"][:-1]


def _adjust(indicator: str, target: float, foundation: str = "weak") -> Edit:
    def edit(data: dict[str, Any]) -> None:
        data["adjustments"].append(
            {"foundation": foundation, "indicator": indicator, "target": target}
        )

    return edit


CASES: list[tuple[str, Edit, str, str]] = [
    ("duplicate indicator id", _dup_indicator, "indicators[8].id", "duplicate-id"),
    ("group and indicator share an id", _dup_group_indicator, "indicators[2].id", "duplicate-id"),
    ("empty id", _set("study_hours.id", " "), "indicators[2].id", "empty-id"),
    ("unknown group", _set("study_hours.group", "nope"), "indicators[2].group", "unknown-parent"),
    ("cycle", _cycle, "groups[0].parent", "cycle"),
    (
        "party indicator under a business group",
        _set("study_hours.group", "performance"),
        "indicators[2].dimension",
        "dimension-mismatch",
    ),
    ("zero weight", _set("study_hours.weight", 0.0), "indicators[2].weight", "weight-not-positive"),
    (
        "weights not summing to 1",
        _set("study_hours.weight", 0.5),
        "indicators[2].weight",
        "weights-sum",
    ),
    (
        "composite weights",
        _set("weights", {"party": 0.6, "business": 0.6}),
        "weights",
        "weights-sum",
    ),
    (
        "negative composite weight",
        _set("weights", {"party": -0.5, "business": 1.5}),
        "weights.party",
        "composite-weight",
    ),
    ("no party indicator", _drop_party, "indicators", "missing-dimension"),
    (
        "higher with floor above target",
        _set("tasks_completed.target", 0.8),
        "indicators[4].floor",
        "floor-target",
    ),
    (
        "lower with floor below target",
        _set("discipline_cases.target", 1.0),
        "indicators[3].floor",
        "floor-target",
    ),
    ("ratio given in percent", _set("tasks_completed.floor", 85.0), "indicators[4].floor", "range"),
    ("boolean floor not 0/1", _set("joint_planning.floor", 0.5), "indicators[6].floor", "range"),
    ("negative count", _set("study_hours.floor", -1.0), "indicators[2].floor", "range"),
    (
        "grade indicator without grades",
        _set("joint_assessment.grades", None),
        "indicators[7].grades",
        "grades-missing",
    ),
    (
        "grade score out of range",
        _set("joint_assessment.grades", {"好": 120}),
        "indicators[7].grades['好']",
        "grade-score",
    ),
    (
        "grades on a ratio",
        _set("tasks_completed.grades", {"好": 100}),
        "indicators[4].grades",
        "grades-kind",
    ),
    (
        "grade indicator lower",
        _set("joint_assessment.direction", "lower"),
        "indicators[7].direction",
        "direction",
    ),
    ("bounds reversed", _set("discipline_cases.bounds", [3, 0]), "indicators[3].bounds", "bounds"),
    (
        "floor outside bounds",
        _set("discipline_cases.bounds", [1, 3]),
        "indicators[3].bounds",
        "bounds",
    ),
    (
        "count band without bounds",
        _set("study_hours.direction", "band"),
        "indicators[2].bounds",
        "bounds",
    ),
    (
        "band without target",
        _do(_set("tasks_completed.direction", "band"), _set("tasks_completed.target", None)),
        "indicators[4].floor",
        "floor-target",
    ),
    (
        "veto cap unknown",
        _set("discipline_cases.veto", {"cap": "worst"}),
        "indicators[3].veto.cap",
        "veto-cap",
    ),
    (
        "veto without floor",
        _do(_set("study_hours.veto", {}), _set("study_hours.floor", None)),
        "indicators[2].veto",
        "veto-floor",
    ),
    ("unknown tag", _set("study_hours.tags", ["studies"]), "indicators[2].tags", "tag"),
    (
        "undeclared source",
        _set("study_hours.source", "nope"),
        "indicators[2].source",
        "unknown-source",
    ),
    (
        "formula does not parse",
        _set("tasks_completed.formula", "done / "),
        "indicators[4].formula",
        "formula",
    ),
    (
        "formula reads an indicator",
        _set("tasks_completed.formula", "study_hours / 48"),
        "indicators[4].formula",
        "formula-input",
    ),
    (
        "formula on a boolean",
        _set("joint_planning.formula", "a / b"),
        "indicators[6].kind",
        "formula",
    ),
    ("grade gap", _grade_gap, "grades[0].min", "bands"),
    ("grade overlap", _grade_overlap, "grades[0].min", "bands"),
    ("coordination bands short of 1", _coordination_short, "coordination_bands[8].max", "bands"),
    ("no grade bands", _set("grades", []), "grades", "bands"),
    (
        "alert band unknown",
        _set("alerts", {"red_at_or_below": "awful"}),
        "alerts.red_at_or_below",
        "alert-band",
    ),
    ("lag threshold out of range", _set("lag_threshold", 1.5), "lag_threshold", "range"),
    ("pass score 100", _set("pass_score", 100.0), "pass_score", "range"),
    (
        "adjustment of unknown indicator",
        _adjust("nope", 0.9),
        "adjustments[0].indicator",
        "adjustment-indicator",
    ),
    (
        "adjustment lowers the floor",
        _adjust("tasks_completed", 0.8),
        "adjustments[0].target",
        "adjustment",
    ),
    ("adjustment above target", _adjust("study_hours", 50), "adjustments[0].target", "adjustment"),
    (
        "adjustment of a boolean",
        _adjust("joint_planning", 1),
        "adjustments[0].indicator",
        "adjustment",
    ),
    (
        "adjustment tier unknown",
        _adjust("study_hours", 40, "strong"),
        "adjustments[0].foundation",
        "adjustment",
    ),
    (
        "duplicate adjustment",
        _do(_adjust("study_hours", 40), _adjust("study_hours", 44)),
        "adjustments[1]",
        "duplicate-adjustment",
    ),
    (
        "selector attribute unknown",
        _set("selector", {"tier": ["3"]}),
        "selector['tier']",
        "selector",
    ),
    (
        "selector value unknown",
        _set("selector", {"level": ["village"]}),
        "selector['level'][0]",
        "selector",
    ),
    ("selector empty", _set("selector", {"level": []}), "selector['level']", "selector"),
]


@pytest.mark.parametrize(
    ("edit", "path", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_error(edit: Edit, path: str, code: str) -> None:
    problems = problems_after(edit)
    found = [(p.path, p.code) for p in problems if p.severity == "error"]
    assert (path, code) in found, problems
    assert all(p.message for p in problems)


WARNINGS: list[tuple[str, Edit, str, str]] = [
    (
        "unequal composite",
        _set("weights", {"party": 0.4, "business": 0.6}),
        "weights",
        "unequal-composite",
    ),
    (
        "no English name",
        _set("study_hours.name", {"zh": "学时"}),
        "indicators[2].name.en",
        "no-english",
    ),
    ("rule set without English name", _set("name", {"zh": "示例"}), "name.en", "no-english"),
    ("no source", _set("study_hours.source", None), "indicators[2].source", "no-source"),
]


@pytest.mark.parametrize(
    ("edit", "path", "code"), [c[1:] for c in WARNINGS], ids=[c[0] for c in WARNINGS]
)
def test_each_warning(edit: Edit, path: str, code: str) -> None:
    problems = problems_after(edit)
    assert [(p.path, p.code, p.severity) for p in problems] == [(path, code, "warning")]


def test_errors_come_before_warnings() -> None:
    problems = problems_after(_do(_set("study_hours.name", {"zh": "学时"}), _grade_gap))
    assert [p.severity for p in problems] == ["error", "warning"]


def test_selector_checked_against_a_given_unit_type() -> None:
    rs = cg.converter.structure({**example_data(), "selector": {"grade": ["a"]}}, cg.RuleSet)
    custom = cg.UnitType(
        id="organ",
        name=cg.Text(zh="机关"),
        attributes=(cg.AttributeSpec(name="grade", label=cg.Text(zh="级"), values=("a", "b")),),
    )
    assert cg.validate_ruleset(rs, unit_type=custom) == []
    other = cg.UnitType(id="soe", name=cg.Text(zh="国企"))
    codes = {p.code for p in cg.validate_ruleset(rs, unit_type=other)}
    assert codes == {"selector", "unit-type"}


def test_check_file_uses_the_given_unit_types(tmp_path: Path) -> None:
    data = {**example_data(), "unit_type": "community", "selector": {"size": ["huge"]}}
    path = tmp_path / "community.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    assert cg.check_ruleset_file(path) == []
    community = cg.UnitType(
        id="community",
        name=cg.Text(zh="社区"),
        attributes=(cg.AttributeSpec(name="size", label=cg.Text(zh="规模"), values=("small",)),),
    )
    (problem,) = cg.check_ruleset_file(path, unit_types={"community": community})
    assert (problem.path, problem.code) == ("selector['size'][0]", "selector")
    assert problem.line == next(
        k + 1 for k, line in enumerate(path.read_text("utf-8").splitlines()) if '"huge"' in line
    )


def test_unknown_unit_type_skips_selector_checks() -> None:
    rs = cg.converter.structure(
        {**example_data(), "unit_type": "community", "selector": {"size": ["big"]}}, cg.RuleSet
    )
    assert cg.validate_ruleset(rs) == []


@pytest.mark.parametrize(
    ("edit", "path", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_structural_errors_refuse_to_load(edit: Edit, path: str, code: str) -> None:
    data = example_data()
    edit(data)
    text = json.dumps(data, ensure_ascii=False)
    if code in STRUCTURAL:
        with pytest.raises(cg.RuleSetError) as info:
            cg.loads_ruleset(text, format="json")
        assert code in {p.code for p in info.value.problems}
    else:
        loaded = cg.loads_ruleset(text, format="json")
        evaluates_examples(loaded)  # the engine copes with what is not structural
        with pytest.raises(cg.RuleSetError):
            cg.loads_ruleset(text, format="json", validate=True)


@pytest.mark.parametrize("path", shipped_rule_files(), ids=lambda p: p.name)
def test_shipped_rule_files_have_no_errors(path: Path) -> None:
    problems = cg.check_ruleset_file(path)
    assert [str(p) for p in problems if p.severity == "error"] == []


# --- the command ---------------------------------------------------------------------------------


def test_validate_command_ok() -> None:
    result = CliRunner().invoke(main, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0
    assert f"{EXAMPLE}: OK (0 error(s), 0 warning(s))" in result.output


def test_validate_command_reports_file_line_path(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    text = EXAMPLE.read_text("utf-8").replace(
        'source = "organ-regulation"\nbasis = "proposal"\ntags = ["study"]',
        'source = "nope"\nbasis = "proposal"\ntags = ["study"]',
    )
    bad.write_text(text, "utf-8")
    line = next(k + 1 for k, s in enumerate(text.splitlines()) if s == 'source = "nope"')
    result = CliRunner().invoke(main, ["validate", str(bad), str(EXAMPLE)])
    assert result.exit_code == 1
    assert f"{bad}:{line}: error: indicators[2].source: source 'nope'" in result.output
    assert "[unknown-source]" in result.output
    assert f"{bad}: FAILED (1 error(s), 0 warning(s))" in result.output
    assert f"{EXAMPLE}: OK" in result.output


def test_validate_command_json(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: [", "utf-8")
    result = CliRunner().invoke(main, ["validate", "--json", str(bad), str(EXAMPLE)])
    assert result.exit_code == 1
    reports = json.loads(result.output)
    assert [(r["file"], r["ok"], r["errors"]) for r in reports] == [
        (str(bad), False, 1),
        (str(EXAMPLE), True, 0),
    ]
    (problem,) = reports[0]["problems"]
    assert problem["code"] == "load"
    assert "not valid YAML" in problem["message"]


def test_validate_command_warnings_do_not_fail(tmp_path: Path) -> None:
    data = example_data()
    data["weights"] = {"party": 0.4, "business": 0.6}
    path = tmp_path / "w.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), "utf-8")
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 0
    assert "warning: weights: composite weights are party 0.4" in result.output


def test_validate_command_needs_a_file() -> None:
    assert CliRunner().invoke(main, ["validate"]).exit_code == 2
