"""The plugin under test: find it (object or installed name) and build a Guide of it alone."""

from __future__ import annotations

import contextlib
import importlib.metadata
import weakref
from typing import Any

from classguide.errors import PluginError

__all__ = ["guide_for", "load_plugin", "plugin_label"]

_LABELS: weakref.WeakKeyDictionary[Any, str] = weakref.WeakKeyDictionary()


def _canonical(name: str) -> str:
    return name.lower().replace("_", "-").replace(".", "-")


def load_plugin(name: str) -> tuple[object, str]:
    """The installed plugin called ``name`` and a label naming its distribution and version.

    ``name`` is an entry-point name of the ``classguide`` group or a distribution name (with or
    without the ``classguide-`` prefix).
    """
    eps = sorted(importlib.metadata.entry_points(group="classguide"), key=lambda e: e.name)
    wanted = _canonical(name)
    for ep in eps:
        dist = ep.dist.name if ep.dist is not None else ""
        if wanted in (_canonical(ep.name), _canonical(dist), _canonical(f"classguide-{ep.name}")):
            version = ep.dist.version if ep.dist is not None else "?"
            label = f"plugin {ep.name!r} (distribution {dist or '?'} {version}, {ep.value})"
            try:
                return ep.load(), label
            except Exception as exc:
                raise PluginError(f"{label} could not be imported: {exc!r}") from exc
    known = ", ".join(f"{ep.name} ({ep.dist.name if ep.dist else '?'})" for ep in eps)
    raise PluginError(
        f"no installed plugin called {name!r} in the entry-point group 'classguide'; "
        f"installed: {known or 'none'} — install it (pip install -e .) or pass the module"
    )


def guide_for(plugin: object) -> Any:
    """``Guide(plugins=[plugin], autoload=False, strict=True)``, ``plugin`` loaded if a name."""
    from classguide import Guide  # type: ignore[attr-defined,unused-ignore]

    if isinstance(plugin, str):
        obj, label = load_plugin(plugin)
    else:
        obj = plugin
        label = f"plugin {getattr(plugin, '__name__', type(plugin).__name__)}"
    guide = Guide(plugins=[obj], autoload=False, strict=True)
    with contextlib.suppress(TypeError):  # a Guide that cannot be weakly referenced
        _LABELS[guide] = label
    return guide


def plugin_label(guide: Any) -> str:
    """How failure messages name the plugin a guide was built for."""
    try:
        return _LABELS.get(guide, "the plugin under test")
    except TypeError:  # pragma: no cover
        return "the plugin under test"
