"""``classguide new-plugin NAME``: a standalone plugin distribution with a passing test suite.

The scaffold is a folder ``classguide-NAME`` holding ``pyproject.toml`` (hatchling, the
``classguide`` entry point ``NAME``), ``src/classguide_NAME/__init__.py`` (the hookimpls),
``src/classguide_NAME/rulesets/NAME.toml`` (an example rule set), ``tests/test_contract.py``
(a :class:`~classguide.testing.RuleSetContract` subclass) and a ``README.md``. Templates are
package data under ``classguide/templates/plugin``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from string import Template

import attrs

from classguide._version import __version__
from classguide.errors import ScaffoldError
from classguide.unittypes import BUILTIN_UNIT_TYPES

__all__ = [
    "NewUnitType",
    "PluginScaffold",
    "describe",
    "parse_attribute",
    "plan_scaffold",
    "write_scaffold",
]

_NAME = re.compile(r"^[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*$")
_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")
_VALUE = re.compile(r"^[A-Za-z0-9_.-]+$")


@attrs.frozen(kw_only=True)
class NewUnitType:
    """A unit type the scaffolded plugin registers: its id and attributes (name → values).

    ``foundation`` (weak / standard / advanced) is always added.
    """

    id: str
    attributes: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    zh: str = ""
    en: str = ""


@attrs.frozen(kw_only=True)
class PluginScaffold:
    """What :func:`write_scaffold` writes: the folder and each file's text by relative path."""

    root: Path
    files: Mapping[str, str]


def parse_attribute(text: str) -> tuple[str, tuple[str, ...]]:
    """``"kind=urban,rural"`` → ``("kind", ("urban", "rural"))``, checked."""
    name, sep, values = text.partition("=")
    name = name.strip()
    items = tuple(v.strip() for v in values.split(",") if v.strip())
    if not sep or not _IDENT.match(name) or not items:
        raise ScaffoldError(
            f"attribute {text!r}: expected NAME=VALUE1,VALUE2 with a lower-case NAME "
            f"(letters, digits, _), e.g. kind=urban,rural"
        )
    if name == "foundation":
        raise ScaffoldError("attribute 'foundation' is added to every unit type; do not give it")
    bad = [v for v in items if not _VALUE.match(v)]
    if bad or len(set(items)) != len(items):
        raise ScaffoldError(
            f"attribute {name!r}: values must be distinct words (letters, digits, _ . -), "
            f"got {list(items)}"
        )
    return name, items


def _check_name(name: str) -> str:
    if not _NAME.match(name):
        raise ScaffoldError(
            f"plugin name {name!r}: use lower-case letters and digits, words joined by - or _ "
            f"(e.g. health or community-party); the distribution will be classguide-NAME"
        )
    if name.startswith("classguide"):
        raise ScaffoldError(
            f"plugin name {name!r}: give the name without the classguide- prefix "
            f"(it is added: classguide-{name.removeprefix('classguide').lstrip('-_') or 'NAME'})"
        )
    return name


def _template(name: str) -> Template:
    path = resources.files("classguide").joinpath("templates").joinpath("plugin").joinpath(name)
    return Template(path.read_text(encoding="utf-8"))


def _unit_type_code(new: NewUnitType) -> str:
    specs = "".join(
        _template("attribute_spec.tmpl").substitute(
            attribute=attr,
            values=", ".join(f'"{v}"' for v in values) + ("," if len(values) == 1 else ""),
        )
        for attr, values in new.attributes.items()
    )
    return "\n" + _template("unit_type_hook.tmpl").substitute(
        unit_type=new.id,
        unit_type_zh=new.zh or new.id,
        unit_type_en=new.en or new.id,
        attribute_specs=specs,
    )


def plan_scaffold(
    name: str,
    *,
    out: Path | str = ".",
    unit_type: str = "organ",
    new_unit_type: NewUnitType | None = None,
    title_zh: str | None = None,
    title_en: str | None = None,
) -> PluginScaffold:
    """Render every file of the scaffold for plugin ``name`` (nothing is written).

    ``unit_type`` is a built-in unit type the rule set is for; ``new_unit_type`` instead makes
    the plugin register a new type (and the rule set is for it).
    """
    name = _check_name(name)
    module = "classguide_" + name.replace("-", "_")
    builtin = {t.id: t for t in BUILTIN_UNIT_TYPES}
    if new_unit_type is not None:
        if not _IDENT.match(new_unit_type.id):
            raise ScaffoldError(
                f"new unit type {new_unit_type.id!r}: use a lower-case id (letters, digits, _)"
            )
        if new_unit_type.id in builtin:
            raise ScaffoldError(
                f"unit type {new_unit_type.id!r} is built in; use --unit-type "
                f"{new_unit_type.id} instead of declaring it again"
            )
        type_id = new_unit_type.id
        hook = _unit_type_code(new_unit_type)
        imports = "AttributeSpec, RuleSet, Text, UnitType, hookimpl"
    else:
        if unit_type not in builtin:
            raise ScaffoldError(
                f"unit type {unit_type!r} is not built in ({', '.join(builtin)}); "
                f"to add a new type use --new-unit-type ID --attribute NAME=V1,V2"
            )
        type_id, hook, imports = unit_type, "", "RuleSet, hookimpl"
    major, minor = (int(x) for x in __version__.split(".")[:2])
    values = {
        "name": name,
        "dist": f"classguide-{name}",
        "module": module,
        "class_name": "".join(w.capitalize() for w in re.split(r"[-_]", name)),
        "unit_type": type_id,
        "ruleset_id": f"{name}-{type_id}".replace("_", "-"),
        "ruleset_file": f"{name}.toml",
        "title_zh": title_zh or f"{name} 党建与业务融合评价（示例）",
        "title_en": title_en or f"{name}: Party building and business integration (example)",
        "classguide_min": f"{major}.{minor}",
        "classguide_next": f"{major + 1}" if major else f"0.{minor + 1}",
        "imports": imports,
        "unit_type_hook": hook,
    }
    files = {
        "pyproject.toml": "pyproject.toml.tmpl",
        "README.md": "README.md.tmpl",
        f"src/{module}/__init__.py": "__init__.py.tmpl",
        f"src/{module}/rulesets/{name}.toml": "ruleset.toml.tmpl",
        "tests/test_contract.py": "test_contract.py.tmpl",
    }
    root = Path(out) / f"classguide-{name}"
    return PluginScaffold(
        root=root, files={rel: _template(t).substitute(values) for rel, t in files.items()}
    )


def write_scaffold(scaffold: PluginScaffold) -> list[Path]:
    """Write ``scaffold`` into a new folder; refuses to touch an existing one."""
    if scaffold.root.exists():
        raise ScaffoldError(
            f"{scaffold.root} already exists; nothing was written (choose another name or "
            f"--out DIR, or remove the folder)"
        )
    written = []
    for rel, text in sorted(scaffold.files.items()):
        path = scaffold.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def describe(written: Sequence[Path], scaffold: PluginScaffold, name: str) -> list[str]:
    """The lines ``classguide new-plugin`` prints: what was made and what to do next."""
    lines = [f"created {scaffold.root}/ ({len(written)} files):"]
    lines += [f"  {p.relative_to(scaffold.root)}" for p in written]
    lines += [
        "next:",
        f"  cd {scaffold.root}",
        '  pip install -e ".[test]"',
        "  pytest",
        f"  pytest --classguide-plugin={name}",
    ]
    return lines
