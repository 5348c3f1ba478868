"""``classguide plugins``: what is loaded, from which distribution, and what failed to load.

The JSON form (``--json``) is ``{"plugins": [...], "failures": [...], "notes": [...]}`` with one
object per :class:`~classguide.PluginInfo` and :class:`~classguide.PluginFailure`, and the
problems found in the environment knobs as strings; the core's default plugin is listed only
with ``--all``.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from classguide.converter import to_json, unstructure
from classguide.errors import PluginError, PluginWarning
from classguide.guide import Guide
from classguide.plugininfo import PluginInfo

__all__ = ["listing", "run_plugins"]


def listing(guide: Guide, *, include_builtin: bool = False) -> dict[str, Any]:
    """The guide's plugins and failures as plain data (what ``--json`` prints)."""
    plugins = [p for p in guide.plugins if include_builtin or not p.builtin]
    return {
        "plugins": [unstructure(p) for p in plugins],
        "failures": [unstructure(f) for f in guide.failures],
        "notes": list(guide.notes),
    }


def _lines(info: PluginInfo) -> list[str]:
    title = f"{info.name}  {info.distribution or '(not installed)'} {info.version or ''}".rstrip()
    lines = [f"  {title}{'  [built-in]' if info.builtin else ''}"]
    if info.entry_point:
        lines.append(f"    entry point: {info.name} = {info.entry_point}")
    lines.append(f"    module:      {info.module or '(unknown)'}")
    lines.append(f"    hooks:       {', '.join(info.hooks) or '(none)'}")
    for label, ids in (
        ("unit types", info.unit_types),
        ("rule sets", info.rulesets),
        ("warning rules", info.warning_rules),
    ):
        if ids:
            lines.append(f"    {label + ':':<12} {', '.join(ids)}")
    return lines


def run_plugins(
    *,
    as_json: bool,
    show_all: bool,
    echo: Callable[[str], object],
    echo_err: Callable[[str], object],
) -> int:
    """List the plugins a default ``Guide()`` loads; the exit code (1 in strict mode on failure)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", PluginWarning)  # failures are listed below
            guide = Guide()
    except PluginError as exc:
        echo_err(str(exc))
        return 1
    data = listing(guide, include_builtin=show_all)
    if as_json:
        echo(to_json(data, indent=2))
        return 0
    shown = [p for p in guide.plugins if show_all or not p.builtin]
    echo(f"插件 plugins: {len(shown)}")
    for info in shown:
        for line in _lines(info):
            echo(line)
    if guide.failures:
        echo(f"加载失败 load failures: {len(guide.failures)}")
        for failure in guide.failures:
            text = str(failure).replace("\n", "\n    ")
            echo(f"  [{failure.stage}] {text}")
    if guide.notes:
        echo(f"注意 notes: {len(guide.notes)}")
        for note in guide.notes:
            echo(f"  {note}")
    return 0
