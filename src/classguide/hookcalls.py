"""Calling hook implementations one plugin at a time, so every result and error has an owner.

classguide calls each implementation itself (in plugin-name order) instead of ``pm.hook.x()``:
results are attributed to the plugin that gave them, a plugin that raises is named, and the
order never depends on load order. With ``CLASSGUIDE_TRACE_PLUGINS=1`` every call is logged
with its arguments and result on the logger ``classguide.plugins.trace``.
"""

from __future__ import annotations

import logging
import reprlib
import sys
from collections.abc import Mapping
from typing import Any

import attrs
import pluggy

__all__ = ["TRACE_LOGGER", "call", "enable_trace_output", "ordered_impls"]

#: Where traced hook calls go (level INFO).
TRACE_LOGGER = logging.getLogger("classguide.plugins.trace")

_repr = reprlib.Repr()
_repr.maxstring = 80
_repr.maxother = 120
_repr.maxlist = _repr.maxtuple = _repr.maxdict = 8


def enable_trace_output() -> None:
    """Make traced calls visible: INFO on the trace logger, to stderr unless logging is set up."""
    TRACE_LOGGER.setLevel(logging.INFO)
    if not TRACE_LOGGER.hasHandlers():
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("classguide trace: %(message)s"))
        TRACE_LOGGER.addHandler(handler)


def short(value: object) -> str:
    """A compact repr for trace lines: records by type and id, containers truncated."""
    rid = getattr(value, "id", None) if attrs.has(type(value)) else None
    if isinstance(rid, str):
        return f"{type(value).__name__}(id={rid!r})"
    if isinstance(value, (list, tuple)):
        items = ", ".join(short(v) for v in value[:8])
        more = ", ..." if len(value) > 8 else ""
        return f"[{items}{more}]" if isinstance(value, list) else f"({items}{more})"
    return _repr.repr(value)


def ordered_impls(pm: pluggy.PluginManager, hook: str) -> list[pluggy.HookImpl]:
    """The implementations of ``hook`` in calling order: tryfirst, then by plugin name, trylast."""
    caller = getattr(pm.hook, hook)
    return sorted(caller.get_hookimpls(), key=lambda i: (not i.tryfirst, i.trylast, i.plugin_name))


def call(hook: str, impl: pluggy.HookImpl, kwargs: Mapping[str, Any], *, trace: bool) -> Any:
    """Call one implementation with the arguments it asks for (pluggy's opt-in arguments)."""
    args = [kwargs[name] for name in impl.argnames]
    if trace:
        shown = ", ".join(f"{n}={short(kwargs[n])}" for n in impl.argnames)
        TRACE_LOGGER.info("%s(%s) [plugin %s]", hook, shown, impl.plugin_name)
    result = impl.function(*args)
    if trace:
        TRACE_LOGGER.info("  -> %s", short(result))
    return result
