"""``classguide plugins`` in process (click's runner) with fake installed distributions.

The same command against real pip-installed distributions, in subprocesses, is in
``test_installed_plugins.py``.
"""

from __future__ import annotations

import json
import sys
import textwrap

import pytest
from click.testing import CliRunner

from classguide import loader
from classguide.cli import main
from fake_plugins import FakeDistribution, entry_points

PLUGIN = """
from classguide import hookimpl
from fake_plugins import ruleset

@hookimpl
def classguide_rulesets():
    return [ruleset("listed")]
"""


@pytest.fixture(autouse=True)
def installed(tmp_path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    for var in (loader.ENV_ONLY, loader.ENV_DISABLE, loader.ENV_STRICT, loader.ENV_TRACE):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "listed_plugin.py").write_text(textwrap.dedent(PLUGIN), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    dists = (
        FakeDistribution("classguide-listed", "1.4", {"listed": "listed_plugin"}),
        FakeDistribution("classguide-gone", "0.9", {"gone": "gone_plugin_missing"}),
    )
    monkeypatch.setattr(loader, "entry_points_in_group", lambda: entry_points(*dists))
    yield
    sys.modules.pop("listed_plugin", None)


def test_json_listing() -> None:
    result = CliRunner().invoke(main, ["plugins", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"plugins", "failures", "notes"}
    (plugin,) = data["plugins"]
    assert plugin == {
        "name": "listed",
        "distribution": "classguide-listed",
        "version": "1.4",
        "entry_point": "listed_plugin",
        "module": plugin["module"],
        "builtin": False,
        "hooks": ["classguide_rulesets"],
        "unit_types": [],
        "rulesets": ["listed"],
        "warning_rules": [],
    }
    assert plugin["module"].endswith("listed_plugin.py")
    (failure,) = data["failures"]
    assert failure["name"] == "gone" and failure["stage"] == "import"
    assert failure["distribution"] == "classguide-gone" and failure["version"] == "0.9"


def test_all_adds_the_core_and_text_lists_failures() -> None:
    data = json.loads(CliRunner().invoke(main, ["plugins", "--json", "--all"]).stdout)
    assert [p["name"] for p in data["plugins"]] == ["core", "listed"]
    result = CliRunner().invoke(main, ["plugins"])
    assert "listed  classguide-listed 1.4" in result.stdout
    assert "rule sets:   listed" in result.stdout
    assert "[import] plugin 'gone' from distribution classguide-gone 0.9" in result.stdout
    assert "[built-in]" not in result.stdout and "插件 plugins: 1" in result.stdout


def test_strict_exits_1_with_the_message_on_stderr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(loader.ENV_STRICT, "1")
    result = CliRunner().invoke(main, ["plugins", "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "classguide-gone 0.9" in result.stderr
