"""The plugin author's guide (docs/plugins.md) shows a plugin that really works.

Its code blocks marked ``# file: <path>`` are written out as a project, the plugin module is
imported from there, and the guide's own test function is run against it; the ``explain``
output quoted in the guide must be what ``Guide.explain`` prints.
"""

from __future__ import annotations

import importlib
import importlib.util
import pathlib
import re
import sys

import pytest

import classguide as cg

PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "plugins.md"
BLOCK = re.compile(r"```(?:python|toml)\n# file: (\S+)\n(.*?)```", re.S)


@pytest.fixture
def project(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> pathlib.Path:
    for var in ("CLASSGUIDE_PLUGINS", "CLASSGUIDE_DISABLE_PLUGINS", "CLASSGUIDE_STRICT_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    files = BLOCK.findall(PAGE.read_text(encoding="utf-8"))
    assert {name for name, _ in files} == {
        "pyproject.toml",
        "src/classguide_community/__init__.py",
        "src/classguide_community/community.toml",
        "tests/test_plugin.py",
    }
    for name, text in files:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    for module in ("classguide_community", "guide_example_test"):
        monkeypatch.delitem(sys.modules, module, raising=False)
    return tmp_path


def test_the_guides_plugin_passes_the_guides_test(project: pathlib.Path) -> None:
    spec = importlib.util.spec_from_file_location(
        "guide_example_test", project / "tests" / "test_plugin.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["guide_example_test"] = module
    spec.loader.exec_module(module)
    module.test_plugin_loads_and_evaluates()


def test_the_quoted_explanation_is_real(project: pathlib.Path) -> None:
    plugin = importlib.import_module("classguide_community")
    guide = cg.Guide(plugins=[plugin], autoload=False, strict=True)
    unit = cg.Unit(
        id="c1",
        name="幸福社区",
        unit_type="community",
        attributes={"size": "large", "foundation": "standard"},
    )
    assert str(guide.explain(unit)) in PAGE.read_text(encoding="utf-8")
    info = next(p for p in guide.plugins if p.name == "classguide_community")
    assert info.rulesets == ("community-all", "community-large")
    assert info.warning_rules == ("community.requests",)
