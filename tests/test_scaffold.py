"""``classguide new-plugin``: what it writes, what it refuses, and — tested the way authors use
it — that the scaffold installs, passes its contract suite, and fails it, naming the rule-set
path, once its rule set is broken. The subprocess tests install into a ``--target`` directory
outside the repository (no network, no build isolation), so the test environment is untouched.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import classguide as cg
from classguide.cli import main
from classguide.scaffold import NewUnitType, parse_attribute, plan_scaffold, write_scaffold

FILES = {
    "pyproject.toml",
    "README.md",
    "src/classguide_{m}/__init__.py",
    "src/classguide_{m}/rulesets/{n}.toml",
    "tests/test_contract.py",
}


def _files(name: str) -> set[str]:
    return {f.format(m=name.replace("-", "_"), n=name) for f in FILES}


def test_scaffold_files_for_a_builtin_type(tmp_path: Path) -> None:
    scaffold = plan_scaffold("health", out=tmp_path, unit_type="hospital")
    assert set(scaffold.files) == _files("health")
    assert scaffold.root == tmp_path / "classguide-health"
    pyproject = scaffold.files["pyproject.toml"]
    assert 'name = "classguide-health"' in pyproject
    assert '[project.entry-points.classguide]\nhealth = "classguide_health"' in pyproject
    assert 'build-backend = "hatchling.build"' in pyproject
    init = scaffold.files["src/classguide_health/__init__.py"]
    assert "@hookimpl\ndef classguide_rulesets()" in init
    assert "classguide_unit_types" not in init
    test = scaffold.files["tests/test_contract.py"]
    assert "class TestHealthContract(RuleSetContract):" in test


def test_scaffolded_ruleset_validates(tmp_path: Path) -> None:
    written = write_scaffold(plan_scaffold("health", out=tmp_path, unit_type="hospital"))
    (toml,) = [p for p in written if p.parent.name == "rulesets"]
    assert [str(p) for p in cg.check_ruleset_file(toml) if p.severity == "error"] == []
    rs = cg.load_ruleset(toml)
    assert rs.unit_type == "hospital"
    assert all(i.source and i.name.en for i in rs.indicators)


def test_scaffold_with_a_new_unit_type(tmp_path: Path) -> None:
    new = NewUnitType(id="community", attributes={"kind": ("urban", "rural")})
    scaffold = plan_scaffold("community-party", out=tmp_path, new_unit_type=new)
    assert set(scaffold.files) == _files("community-party")
    init = scaffold.files["src/classguide_community_party/__init__.py"]
    assert 'id="community"' in init
    assert 'values=("urban", "rural")' in init
    assert 'name="foundation"' in init
    toml = scaffold.files["src/classguide_community_party/rulesets/community-party.toml"]
    assert 'unit_type = "community"' in toml
    compile(init, "__init__.py", "exec")  # the generated module is valid Python


def test_existing_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "classguide-health").mkdir()
    (tmp_path / "classguide-health" / "mine.txt").write_text("keep me")
    result = CliRunner().invoke(main, ["new-plugin", "health", "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "already exists; nothing was written" in result.output
    assert [p.name for p in (tmp_path / "classguide-health").iterdir()] == ["mine.txt"]


def test_cli_scaffolds_and_says_what_next(tmp_path: Path) -> None:
    args = ["new-plugin", "health", "--unit-type", "hospital", "--out", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    assert "pytest --classguide-plugin=health" in result.output
    assert (tmp_path / "classguide-health" / "tests" / "test_contract.py").is_file()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["new-plugin", "Health!"], "plugin name 'Health!'"),
        (["new-plugin", "classguide-health"], "without the classguide- prefix"),
        (["new-plugin", "x", "--unit-type", "ministry"], "not built in"),
        (["new-plugin", "x", "--attribute", "kind=a,b"], "give --new-unit-type too"),
        (["new-plugin", "x", "--new-unit-type", "organ"], "is built in"),
        (["new-plugin", "x", "--new-unit-type", "c", "--attribute", "kind"], "NAME=VALUE1"),
        (["new-plugin", "x", "--new-unit-type", "c", "--attribute", "foundation=a"], "added"),
    ],
)
def test_cli_rejects_bad_requests(tmp_path: Path, args: list[str], fragment: str) -> None:
    result = CliRunner().invoke(main, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert fragment in result.output
    assert list(tmp_path.iterdir()) == []


def test_parse_attribute() -> None:
    assert parse_attribute("kind = urban, rural") == ("kind", ("urban", "rural"))
    with pytest.raises(cg.ScaffoldError, match="distinct"):
        parse_attribute("kind=a,a")


# --- the way authors use it: install, run its tests, break it ---------------------------------

_EXAMPLES = {"CLASSGUIDE_CONTRACT_EXAMPLES": "10"}


def _install(source: Path, target: Path) -> None:
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
    cmd += ["--no-build-isolation", "--target", str(target), str(source)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def _pytest(cwd: Path, target: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **_EXAMPLES, "PYTHONPATH": str(target)}
    env.pop("PYTEST_ADDOPTS", None)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args]
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def scaffold(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("authors")
    new = NewUnitType(id="kitdemo_unit", attributes={"kind": ("urban", "rural")})
    write_scaffold(plan_scaffold("kitdemo", out=out, new_unit_type=new))
    return out / "classguide-kitdemo"


@pytest.fixture(scope="module")
def installed(scaffold: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    _install(scaffold, target)
    return target


def test_scaffold_installs_and_its_suite_passes(scaffold: Path, installed: Path) -> None:
    assert (installed / "classguide_kitdemo" / "rulesets" / "kitdemo.toml").is_file()
    done = _pytest(scaffold, installed)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "passed" in done.stdout
    assert "failed" not in done.stdout


def test_pytest_option_runs_the_contract_on_an_installed_plugin(
    installed: Path, tmp_path: Path
) -> None:
    done = _pytest(tmp_path, installed, "--classguide-plugin=kitdemo")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "11 passed" in done.stdout
    unknown = _pytest(tmp_path, installed, "--classguide-plugin=nope")
    assert unknown.returncode == 1
    assert "no installed plugin called 'nope'" in unknown.stdout
    assert "kitdemo (classguide-kitdemo)" in unknown.stdout


_BREAKS = {
    # sibling weights of group 'organisation' no longer sum to 1
    "weights": (
        "weight = 0.5\nfloor = 0.9",
        "weight = 0.7\nfloor = 0.9",
        "indicators[0].weight",
    ),
    # organisational_life cites no source
    "source": (
        'source = "branch-regulation"\narticle = "第二十一条"\n',
        "",
        "indicators[0].source",
    ),
    # tasks_completed: floor above target for a higher-is-better ratio
    "floor": (
        "floor = 0.85\ntarget = 1.0",
        "floor = 1.0\ntarget = 0.9",
        "indicators[4].floor",
    ),
}


@pytest.mark.parametrize("defect", sorted(_BREAKS))
def test_broken_ruleset_fails_the_suite_naming_the_path(
    defect: str, scaffold: Path, tmp_path: Path
) -> None:
    old, new, path = _BREAKS[defect]
    broken = tmp_path / "classguide-kitdemo"
    subprocess.run(["cp", "-r", str(scaffold), str(broken)], check=True)
    toml = broken / "src" / "classguide_kitdemo" / "rulesets" / "kitdemo.toml"
    text = toml.read_text(encoding="utf-8")
    assert text.count(old) == 1
    toml.write_text(text.replace(old, new), encoding="utf-8")
    target = tmp_path / "site"
    _install(broken, target)
    done = _pytest(broken, target)
    assert done.returncode == 1, done.stdout + done.stderr
    assert path in done.stdout, done.stdout
    assert "classguide contract broken" in done.stdout
    assert "kitdemo-kitdemo-unit v0.1" in done.stdout
