"""Real distributions, really installed: the loader and ``classguide plugins`` end to end.

The four fixture projects under ``tests/fixtures/`` (a working plugin, one failing on import,
one with a misspelled hook, one duplicating the working plugin's rule-set id) are built and
installed by pip into a temporary ``--target`` directory (offline, with the build backend from
our ``test`` extra), and every check runs in a subprocess with that directory on PYTHONPATH, so
the test environment itself is never changed.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
from typing import Any

import pytest

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
CLI = "from classguide.cli import main; main()"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> pathlib.Path:
    target = tmp_path_factory.mktemp("site")
    projects = sorted(str(p) for p in FIXTURES.iterdir() if (p / "pyproject.toml").exists())
    assert len(projects) == 4
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "--target",
            str(target),
            *projects,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return target


def run(site: pathlib.Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CLASSGUIDE_")}
    environ["PYTHONPATH"] = os.pathsep.join([str(site), environ.get("PYTHONPATH", "")])
    environ.update(env)
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, env=environ, check=False
    )


def listing(site: pathlib.Path, **env: str) -> dict[str, Any]:
    done = run(site, "-c", CLI, "plugins", "--json", **env)
    assert done.returncode == 0, done.stderr
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def by_name(items: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        out.setdefault(item["name"], []).append(item)
    return out


def test_plugins_json_lists_the_plugins_and_every_failure(site: pathlib.Path) -> None:
    data = listing(site)
    plugins = by_name(data["plugins"])
    assert "core" not in plugins  # built-ins only with --all
    (good,) = plugins["fixture_good"]
    assert good["distribution"] == "classguide-fixture-good"
    assert good["version"] == "1.0.0"
    assert good["entry_point"] == "classguide_fixture_good"
    assert good["module"].startswith(str(site))
    assert good["hooks"] == [
        "classguide_rulesets",
        "classguide_unit_types",
        "classguide_warning_rules",
    ]
    assert good["unit_types"] == ["fixture_unit"] and good["warning_rules"] == ["fixture.seen"]
    assert good["rulesets"] == []  # its rule-set id is disputed by fixture_dup: neither is used
    failures = by_name(data["failures"])
    (broken,) = failures["fixture_broken"]
    assert broken["stage"] == "import"
    assert broken["distribution"] == "classguide-fixture-broken" and broken["version"] == "0.1.0"
    assert "classguide_fixture_missing_dependency" in broken["cause"]
    assert "CLASSGUIDE_DISABLE_PLUGINS=fixture_broken" in broken["hint"]
    (typo,) = failures["fixture_typo"]
    assert typo["stage"] == "register" and typo["version"] == "0.2.0"
    assert "'classguide_rulset'" in typo["cause"]
    assert "did you mean 'classguide_rulesets'?" in typo["hint"]
    dups = failures["fixture_dup"] + failures["fixture_good"]
    assert {d["stage"] for d in dups} == {"conflict"}
    for dup in dups:
        assert "classguide-fixture-dup 0.3.0 and classguide-fixture-good 1.0.0" in dup["cause"]
        assert "CLASSGUIDE_DISABLE_PLUGINS=fixture_dup" in dup["hint"]
    assert data["notes"] == []


def test_plugins_all_includes_the_core(site: pathlib.Path) -> None:
    done = run(site, "-c", CLI, "plugins", "--json", "--all", CLASSGUIDE_PLUGINS="")
    (core,) = json.loads(done.stdout)["plugins"]
    assert core["name"] == "core" and core["builtin"] is True
    assert core["unit_types"] == ["hospital", "organ", "school", "soe", "university"]


def test_plugins_text_output_names_distribution_and_remedy(site: pathlib.Path) -> None:
    done = run(site, "-c", CLI, "plugins")
    assert done.returncode == 0
    out = done.stdout
    assert "fixture_good  classguide-fixture-good 1.0.0" in out
    assert "加载失败 load failures: 4" in out
    assert "[import] plugin 'fixture_broken' from distribution classguide-fixture-broken" in out
    assert "what to do:" in out
    assert done.stderr == ""  # failures are listed once, not also warned


def test_load_only_named_plugins(site: pathlib.Path) -> None:
    data = listing(site, CLASSGUIDE_PLUGINS="fixture_good")
    assert [p["name"] for p in data["plugins"]] == ["fixture_good"]
    assert data["plugins"][0]["rulesets"] == ["fixture-good"]
    assert data["failures"] == []
    data = listing(site, CLASSGUIDE_PLUGINS="classguide-fixture-typo")  # a distribution name
    assert [f["name"] for f in data["failures"]] == ["fixture_typo"]
    assert listing(site, CLASSGUIDE_PLUGINS="") == {"plugins": [], "failures": [], "notes": []}


def test_disable_plugins_and_unknown_names_warn(site: pathlib.Path) -> None:
    data = listing(
        site, CLASSGUIDE_DISABLE_PLUGINS="fixture_broken,classguide-fixture-typo,fixture_dupe"
    )
    assert {f["name"] for f in data["failures"]} == {"fixture_dup", "fixture_good"}
    (note,) = data["notes"]
    assert "'fixture_dupe'" in note and "did you mean 'fixture-dup'?" in note
    data = listing(site, CLASSGUIDE_DISABLE_PLUGINS="fixture_broken,fixture_typo,fixture_dup")
    assert data["failures"] == [] and data["notes"] == []
    assert by_name(data["plugins"])["fixture_good"][0]["rulesets"] == ["fixture-good"]


def test_strict_mode_fails_naming_every_distribution(site: pathlib.Path) -> None:
    done = run(site, "-c", CLI, "plugins", "--json", CLASSGUIDE_STRICT_PLUGINS="1")
    assert done.returncode == 1
    assert done.stdout == ""
    for part in (
        "strict mode",
        "classguide-fixture-broken 0.1.0",
        "classguide-fixture-typo 0.2.0",
        "classguide-fixture-dup 0.3.0",
        "what to do",
    ):
        assert part in done.stderr
    selected = run(
        site,
        "-c",
        CLI,
        "plugins",
        CLASSGUIDE_STRICT_PLUGINS="1",
        CLASSGUIDE_PLUGINS="fixture_good",
    )
    assert selected.returncode == 0, selected.stderr


def test_python_api_warns_and_evaluates_with_provenance(site: pathlib.Path) -> None:
    script = """
import json, warnings
import classguide as cg
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    guide = cg.Guide()
unit = cg.Unit(id="f1", name="f", unit_type="fixture_unit", attributes={"size": "small"})
ev = guide.evaluate(unit, {"p1": 0.9, "b1": 0.8})
print(json.dumps({
    "warnings": [str(w.message) for w in caught if w.category is cg.PluginWarning],
    "provenance": dict(ev.provenance.plugins),
    "codes": [w.code for w in ev.warnings],
    "rules": [w.rule for w in ev.warnings if w.code == "fixture.seen"],
}))
"""
    done = run(site, "-c", script, CLASSGUIDE_DISABLE_PLUGINS="fixture_dup")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["provenance"] == {"classguide-fixture-good": "1.0.0"}
    assert out["rules"] == ["fixture.seen"]
    assert len(out["warnings"]) == 2
    assert any("classguide-fixture-broken 0.1.0" in w for w in out["warnings"])
    assert any("classguide-fixture-typo 0.2.0" in w for w in out["warnings"])
