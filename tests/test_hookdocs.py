"""The hook reference stays honest: every hook documented, with an example that really works.

``docs/hooks.md`` must equal what ``python -m classguide.hookdocs`` prints; every hook must have
a docstring with a summary, ``:param:`` for each argument, ``:returns:``, ``versionadded`` and a
complete example — which is imported as a plugin module and loaded by a strict guide.
"""

from __future__ import annotations

import importlib.util
import inspect
import pathlib
import re
import sys

import pytest

import classguide as cg
from classguide import hookdocs, hookspecs
from classguide.loader import HOOK_ARGS

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"
HOOKS = hookdocs.hook_names()


def example(hook: str) -> str:
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    _, _, tail = doc.partition("Example::\n")
    lines = tail.splitlines()
    return "\n".join(line[4:] for line in lines if line.startswith("    ") or not line.strip())


def test_every_hook_is_known_to_the_loader() -> None:
    assert (
        set(HOOKS)
        == set(HOOK_ARGS)
        == {
            "classguide_unit_types",
            "classguide_rulesets",
            "classguide_resolve_ruleset",
            "classguide_warning_rules",
            "classguide_countermeasures",
            "classguide_check_observations",
        }
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_docstring_follows_the_template(hook: str) -> None:
    function = getattr(hookspecs, hook)
    doc = inspect.getdoc(function)
    assert doc, f"{hook} has no docstring"
    summary = doc.splitlines()[0]
    assert summary.endswith("."), f"{hook}: the first line must be a one-sentence summary"
    for arg in inspect.signature(function).parameters:
        assert f":param {arg}:" in doc, f"{hook}: argument {arg!r} is not documented"
    if not inspect.signature(function).parameters:
        assert "This hook takes no arguments." in doc
    assert ":returns:" in doc, f"{hook}: the return value is not documented"
    assert ".. versionadded::" in doc
    assert f"def {hook}(" in example(hook), f"{hook}: the example must implement the hook"
    assert "@hookimpl" in example(hook)
    hints = inspect.signature(function)
    assert hints.return_annotation is not inspect.Signature.empty
    assert all(p.annotation is not p.empty for p in hints.parameters.values())


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_example_is_a_working_plugin(hook: str, tmp_path, monkeypatch) -> None:
    for var in ("CLASSGUIDE_PLUGINS", "CLASSGUIDE_DISABLE_PLUGINS", "CLASSGUIDE_STRICT_PLUGINS"):
        monkeypatch.delenv(var, raising=False)
    path = tmp_path / f"example_{hook}.py"
    path.write_text(example(hook), encoding="utf-8")
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, path.stem, module)
    spec.loader.exec_module(module)
    guide = cg.Guide(plugins=[module], autoload=False, strict=True)
    (info,) = [p for p in guide.plugins if not p.builtin]
    assert info.hooks == (hook,)


def test_committed_reference_is_up_to_date() -> None:
    committed = (DOCS / "hooks.md").read_text(encoding="utf-8")
    assert committed == hookdocs.render(), (
        "docs/hooks.md is stale: run `python -m classguide.hookdocs > docs/hooks.md`"
    )


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_is_in_the_reference_with_its_signature(hook: str) -> None:
    page = (DOCS / "hooks.md").read_text(encoding="utf-8")
    args = ", ".join(HOOK_ARGS[hook])
    assert f"## `{hook}({args})`" in page
    section = page.split(f"## `{hook}(", 1)[1].split("\n## ", 1)[0]
    assert "Example:" in section and "```python" in section
    for arg in HOOK_ARGS[hook]:
        assert re.search(rf"^- `{arg}` — \S", section, re.M), f"{hook}: {arg} not described"


def test_reference_and_guide_are_in_the_docs_nav() -> None:
    nav = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
    assert "hooks.md" in nav and "plugins.md" in nav
