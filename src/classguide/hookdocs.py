"""The hook reference page, generated from the hookspec docstrings.

Run ``python -m classguide.hookdocs > docs/hooks.md``; a test fails when the committed page is
stale, when a hook is missing from it, or when a hook's docstring lacks a parameter, its return
value or a complete example.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from classguide import hookspecs

__all__ = ["hook_names", "render", "render_hook", "signature"]

_ROLE = re.compile(r":(?:class|func|meth|mod|exc|attr):`(?:~)?([^`<]*?)(?:\s*<[^>]*>)?`")
_FIELD = re.compile(r"^:(param (\w+)|returns):\s*(.*)$")
_PROLOGUE = """# Hook reference

<!-- Generated from src/classguide/hookspecs.py by `python -m classguide.hookdocs`.
     Do not edit by hand: change the docstrings and regenerate. -->

Plugins implement these hooks with `classguide.hookimpl` (see the
[plugin author's guide](plugins.md)). Every hook is named `classguide_*`; an implementation
may take any subset of a hook's arguments, by name and without default values. Registration
hooks are called once, when a `Guide` is built; `classguide_resolve_ruleset` once per unit key;
`classguide_check_observations` on every evaluation.
"""


def hook_names() -> list[str]:
    """Every hook specified in :mod:`classguide.hookspecs`, in the order they are defined."""
    names = [n for n in dir(hookspecs) if n.startswith("classguide_")]
    return sorted(names, key=lambda n: _hook(n).__code__.co_firstlineno)


def _hook(name: str) -> Callable[..., Any]:
    hook: Callable[..., Any] = getattr(hookspecs, name)
    return hook


def signature(name: str) -> str:
    """``name(arg1, arg2)``: the hook with its argument names, as the page's heading."""
    return f"{name}({', '.join(inspect.signature(_hook(name)).parameters)})"


def _annotated(name: str) -> str:
    """``def name(arg: Type, ...) -> Return: ...`` as written in the specification."""
    spec = inspect.signature(_hook(name))
    args = ", ".join(f"{p.name}: {p.annotation}" for p in spec.parameters.values())
    return f"def {name}({args}) -> {spec.return_annotation}: ..."


def _inline(text: str) -> str:
    text = _ROLE.sub(lambda m: f"`{m.group(1).strip()}`", text)
    return text.replace("``", "`")


def _blocks(doc: str) -> Iterator[tuple[str, list[str]]]:
    """``("text"|"field"|"version"|"example", lines)`` blocks of a cleaned docstring."""
    lines = doc.splitlines()
    k = 0
    while k < len(lines):
        line = lines[k]
        if line.strip() == "Example::":
            k += 1
            code = []
            while k < len(lines) and (not lines[k].strip() or lines[k].startswith("    ")):
                code.append(lines[k][4:])
                k += 1
            yield "example", code
            continue
        if _FIELD.match(line):
            field = [line]
            k += 1
            while k < len(lines) and lines[k].startswith("    "):
                field.append(lines[k].strip())
                k += 1
            yield "field", field
            continue
        if line.startswith(".. versionadded::"):
            yield "version", [line.split("::", 1)[1].strip()]
        elif line.strip():
            para = [line.strip()]
            while k + 1 < len(lines) and lines[k + 1].strip() and not _starts_block(lines[k + 1]):
                k += 1
                para.append(lines[k].strip())
            yield "text", para
        k += 1


def _starts_block(line: str) -> bool:
    return bool(_FIELD.match(line)) or line.startswith("..") or line.strip() == "Example::"


def render_hook(name: str) -> str:
    """The markdown section of hook ``name``."""
    hook = _hook(name)
    doc = inspect.getdoc(hook) or ""
    out = [f"## `{signature(name)}`", "", "```python", _annotated(name), "```", ""]
    params: list[str] = []
    for kind, lines in _blocks(doc):
        if kind == "text":
            out += [_inline(" ".join(lines)), ""]
        elif kind == "field":
            match = _FIELD.match(lines[0])
            assert match is not None
            text = _inline(" ".join([match.group(3), *lines[1:]]).strip())
            if match.group(2):
                params.append(f"- `{match.group(2)}` — {text}")
            else:
                out += ["**Parameters:**", "", *params, ""] if params else []
                params = []
                out += [f"**Returns:** {text}", ""]
        elif kind == "version":
            out += [f"*Added in version {lines[0]}.*", ""]
        else:
            while lines and not lines[-1].strip():
                lines.pop()
            while lines and not lines[0].strip():
                lines.pop(0)
            out += ["Example:", "", "```python", *lines, "```", ""]
    return "\n".join(out)


def _render_record() -> str:
    cls = hookspecs.WarningRuleSpec
    doc = (inspect.getdoc(cls) or "").split("\n\n")
    out = ["## The `WarningRuleSpec` record", ""]
    out += [_inline(" ".join(p.split())) + "\n" for p in doc]
    out += ["| field | type | default |", "|---|---|---|"]
    for field in attrs.fields(cls):
        default = "required" if field.default is attrs.NOTHING else f"`{field.default!r}`"
        shown = str(field.type).replace("EarlyWarning", "Warning").replace("|", "\\|")
        out.append(f"| `{field.name}` | `{shown}` | {default} |")
    return "\n".join(out) + "\n"


def render() -> str:
    """The whole hook reference page (markdown)."""
    sections = [_PROLOGUE, *(render_hook(n) for n in hook_names()), _render_record()]
    return "\n".join(sections).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover - exercised through the docs test
    print(render(), end="")
