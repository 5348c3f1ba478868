"""``classguide demo``: runs through the CLI, exits 0, one row / record per generated unit."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import classguide as cg
from classguide.cli import main
from classguide.demo import run_demo
from classguide.demoreport import csv_rows
from classguide.sample import SampleCase
from classguide.spreadsheet import write_csv


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_demo_cli_writes_one_row_and_record_per_unit(tmp_path: Path) -> None:
    out = tmp_path / "demo-out"
    result = CliRunner().invoke(main, ["demo", "--size", "80", "--seed", "3", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "classguide 演示：80 个样本单位" in result.output
    for sector in ("机关", "国有企业", "中小学校", "公立医院"):
        assert sector in result.output
    assert "等次" in result.output and "协调等级" in result.output and "滞后类型" in result.output
    assert str(out.resolve()) in result.output
    rows = _csv(out / "results.csv")
    records = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert len(rows) == len(records) == 80
    assert [r["unit_id"] for r in rows] == [r["evaluation"]["unit"]["id"] for r in records]
    assert len({r["unit_id"] for r in rows}) == 80
    first = records[0]
    assert set(first) == {"scenario", "scenario_name", "observations", "evaluation"}
    assert first["evaluation"]["provenance"]["ruleset_id"] == rows[0]["ruleset_id"]


def test_demo_is_deterministic_per_seed_and_english(tmp_path: Path) -> None:
    runner = CliRunner()
    a, b = tmp_path / "a", tmp_path / "b"
    for out in (a, b):
        args = ["demo", "--size", "30", "--seed", "9", "--out", str(out), "--lang", "en"]
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        assert "classguide demo: 30 sample units (seed 9)" in result.output
    assert (a / "results.csv").read_bytes() == (b / "results.csv").read_bytes()
    rows = _csv(a / "results.csv")
    assert all(r["grade_name"] in ("good", "fairly good", "average", "poor", "") for r in rows)


def test_demo_falls_back_to_the_example_rule_set_without_sector_plugins(tmp_path: Path) -> None:
    env = {"CLASSGUIDE_DISABLE_PLUGINS": "organ,soe,university,school,hospital"}
    result = CliRunner().invoke(main, ["demo", "--size", "12", "--out", str(tmp_path)], env=env)
    assert result.exit_code == 0, result.output
    assert "example-organ" in result.output and "没有可用的行业插件" in result.output
    rows = _csv(tmp_path / "results.csv")
    assert len(rows) == 12 and {r["ruleset_id"] for r in rows} == {"example-organ"}


def test_run_demo_returns_what_it_did(tmp_path: Path) -> None:
    lines: list[str] = []
    run = run_demo(size=25, seed=1, out=tmp_path, lang="en", echo=lines.append)
    assert not run.fallback and len(run.cases) == len(run.evaluations) == 25
    assert run.files == {"csv": tmp_path / "results.csv", "json": tmp_path / "results.json"}
    assert run.seconds >= 0.0
    assert any(line.startswith("■ ") for line in lines)


def test_demo_rejects_a_size_below_one(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["demo", "--size", "0", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "--size" in result.output


@pytest.mark.parametrize("name", ["=1+2", "+SUM(A1)", "-3", "@cmd", "\tx"])
def test_csv_cells_from_data_cannot_become_formulas(tmp_path: Path, name: str) -> None:
    guide = cg.Guide()
    unit = cg.Unit(
        id=name,
        name=name,
        unit_type="organ",
        attributes={"level": "county", "foundation": "standard"},
    )
    case = SampleCase(unit=unit, scenario="sound", ruleset_id="organ-county", observations={})
    ev = guide.evaluate(unit, {})
    rows = csv_rows([(case, ev)], guide.rulesets, ["foundation", "level"], "zh")
    assert rows[0][:2] == [name, name]  # raw in memory, protected when written
    path = tmp_path / "x.csv"
    write_csv(path, ["id", "name"], [rows[0][:2]])
    (row,) = _csv(path)
    assert row["id"] == "'" + name and row["name"] == "'" + name
