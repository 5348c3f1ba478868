"""Finding, importing and registering plugins, one at a time, with failures reported not raised.

classguide does not use pluggy's ``load_setuptools_entrypoints``: that loader stops at the first
plugin that fails to import, skips a second distribution using the same entry-point name without
a word, and never checks hook names. Here every entry point of the group ``classguide`` is
imported and validated on its own; a failure becomes a :class:`PluginFailure` naming the
distribution, its version, the entry point, the cause and what to do, and the other plugins
still load. :class:`~classguide.Guide` turns failures into warnings, or raises in strict mode.

Environment knobs (names are entry-point names; distribution names are accepted too):

``CLASSGUIDE_PLUGINS=a,b``
    load only these installed plugins (empty: load none);
``CLASSGUIDE_DISABLE_PLUGINS=x,y``
    do not load these (the core's default plugin cannot be disabled);
``CLASSGUIDE_STRICT_PLUGINS=1``
    raise :class:`~classguide.PluginError` on any load failure;
``CLASSGUIDE_TRACE_PLUGINS=1``
    log every hook call with its arguments and results (logger ``classguide.plugins.trace``).
"""

from __future__ import annotations

import difflib
import functools
import importlib.metadata
import inspect
import re
import types
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import pluggy

from classguide import hookspecs
from classguide.plugininfo import CORE_PLUGIN, PluginFailure, PluginOrigin

__all__ = [
    "ENV_DISABLE",
    "ENV_ONLY",
    "ENV_STRICT",
    "ENV_TRACE",
    "HOOK_ARGS",
    "PluginSettings",
    "check_hookimpls",
    "entry_points_in_group",
    "given_origins",
    "load_entry_point",
    "new_plugin_manager",
    "register",
    "select_entry_points",
]

ENV_ONLY = "CLASSGUIDE_PLUGINS"
ENV_DISABLE = "CLASSGUIDE_DISABLE_PLUGINS"
ENV_STRICT = "CLASSGUIDE_STRICT_PLUGINS"
ENV_TRACE = "CLASSGUIDE_TRACE_PLUGINS"

#: Every hook name and the arguments its specification takes.
HOOK_ARGS: Mapping[str, tuple[str, ...]] = {
    name: tuple(inspect.signature(getattr(hookspecs, name)).parameters)
    for name in sorted(dir(hookspecs))
    if name.startswith("classguide_")
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}


def _flag(environ: Mapping[str, str], name: str, notes: list[str]) -> bool:
    value = environ.get(name, "").strip().lower()
    if value in _TRUE:
        return True
    if value not in _FALSE:
        notes.append(f"{name}={environ[name]!r} is not understood; expected 1 or 0 (read as 0)")
    return False


def _names(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(n.strip() for n in value.split(",") if n.strip())


def normalize(name: str) -> str:
    """A distribution or plugin name compared the way packaging does (``A_b.c`` → ``a-b-c``)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@attrs.frozen(kw_only=True)
class PluginSettings:
    """Which installed plugins to load and how: read from the environment knobs.

    ``only`` is ``None`` when every plugin may load; ``notes`` are problems with the knobs
    themselves (issued as warnings by the guide).
    """

    only: tuple[str, ...] | None = None
    disabled: tuple[str, ...] = ()
    strict: bool = False
    trace: bool = False
    notes: tuple[str, ...] = ()

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], *, strict: bool | None) -> PluginSettings:
        """The settings in ``environ``; an explicit ``strict`` overrides the environment."""
        notes: list[str] = []
        env_strict = _flag(environ, ENV_STRICT, notes)
        return cls(
            only=_names(environ.get(ENV_ONLY)),
            disabled=_names(environ.get(ENV_DISABLE)) or (),
            strict=env_strict if strict is None else strict,
            trace=_flag(environ, ENV_TRACE, notes),
            notes=tuple(notes),
        )


def entry_points_in_group() -> list[importlib.metadata.EntryPoint]:
    """Every installed entry point of the group ``classguide``."""
    return list(importlib.metadata.entry_points(group=hookspecs.PROJECT))


def _origin(ep: importlib.metadata.EntryPoint) -> PluginOrigin:
    dist = getattr(ep, "dist", None)
    name = version = None
    if dist is not None:
        name = dist.metadata["Name"] or None
        version = dist.version
    return PluginOrigin(name=ep.name, distribution=name, version=version, entry_point=ep.value)


def _matches(origin: PluginOrigin, wanted: set[str]) -> bool:
    return normalize(origin.name) in wanted or (
        origin.distribution is not None and normalize(origin.distribution) in wanted
    )


def _unknown(names: Iterable[str], known: set[str], variable: str) -> list[str]:
    notes = []
    for name in names:
        if normalize(name) == CORE_PLUGIN:
            if variable == ENV_DISABLE:
                notes.append(
                    f"{variable}: {CORE_PLUGIN!r} is the core's default plugin and cannot be "
                    "disabled; ignored"
                )
            continue
        if normalize(name) not in known:
            hint = difflib.get_close_matches(normalize(name), sorted(known), n=1)
            extra = f"; did you mean {hint[0]!r}?" if hint else ""
            listing = ", ".join(sorted(known)) or "(none installed)"
            notes.append(
                f"{variable}: no installed plugin or distribution is called {name!r}{extra} "
                f"(installed: {listing})"
            )
    return notes


Selected = list[tuple[importlib.metadata.EntryPoint, PluginOrigin]]


def select_entry_points(
    eps: Iterable[importlib.metadata.EntryPoint], settings: PluginSettings
) -> tuple[Selected, list[PluginFailure], list[str]]:
    """The entry points to load (ordered by name), name conflicts, and notes on unknown names."""
    by_name: dict[str, Selected] = {}
    for ep in eps:
        origin = _origin(ep)
        same = by_name.setdefault(ep.name, [])
        if not any(o.distribution == origin.distribution for _, o in same):
            same.append((ep, origin))
    known = {normalize(n) for n in by_name} | {
        normalize(o.distribution) for group in by_name.values() for _, o in group if o.distribution
    }
    notes = _unknown(settings.only or (), known, ENV_ONLY)
    notes += _unknown(settings.disabled, known, ENV_DISABLE)
    only = None if settings.only is None else {normalize(n) for n in settings.only}
    disabled = {normalize(n) for n in settings.disabled}
    selected: Selected = []
    failures: list[PluginFailure] = []
    for name in sorted(by_name):
        group = by_name[name]
        wanted = [
            (ep, o)
            for ep, o in group
            if (only is None or _matches(o, only)) and not _matches(o, disabled)
        ]
        if not wanted:
            continue
        if name == CORE_PLUGIN:
            failures += [
                PluginFailure.of(
                    o,
                    stage="select",
                    cause=f"the entry-point name {CORE_PLUGIN!r} is reserved for the core",
                    hint="rename the entry point in the plugin's pyproject.toml "
                    "([project.entry-points.classguide])",
                )
                for _, o in wanted
            ]
            continue
        if len(wanted) > 1:
            dists = " and ".join(f"{o.distribution} {o.version}" for _, o in wanted)
            failures += [
                PluginFailure.of(
                    o,
                    stage="conflict",
                    cause=f"entry-point name {name!r} is used by {len(wanted)} distributions: "
                    f"{dists}; none of them is loaded",
                    hint="uninstall one of them, or rename one entry point; until then select "
                    f"one by distribution name with {ENV_ONLY} or {ENV_DISABLE}",
                )
                for _, o in wanted
            ]
            continue
        selected.append(wanted[0])
    return selected, failures, notes


def load_entry_point(
    ep: importlib.metadata.EntryPoint, origin: PluginOrigin
) -> tuple[object | None, PluginFailure | None]:
    """Import one entry point: ``(plugin, None)``, or ``(None, failure)`` if the import raised."""
    try:
        return ep.load(), None
    except Exception as exc:
        missing = isinstance(exc, ModuleNotFoundError)
        cause = f"importing {ep.value!r} failed: {type(exc).__name__}: {exc}"
        if missing:
            hint = (
                f"install what the plugin needs (pip install --force-reinstall "
                f"{origin.distribution or ep.name}), or skip it: {ENV_DISABLE}={ep.name}"
            )
        else:
            hint = (
                "this is a defect in the plugin: report it to its authors, upgrade or "
                f"uninstall {origin.distribution or ep.name}, or skip it: {ENV_DISABLE}={ep.name}"
            )
        return None, PluginFailure.of(origin, stage="import", cause=cause, hint=hint)


@functools.lru_cache(maxsize=256)
def _distribution_of(module: str) -> tuple[str | None, str | None]:
    top = module.split(".", 1)[0]
    try:
        dist = importlib.metadata.distribution(top)
    except importlib.metadata.PackageNotFoundError:
        return None, None
    return dist.metadata["Name"] or top, dist.version


def _module_name(plugin: object) -> str:
    if isinstance(plugin, types.ModuleType):
        return plugin.__name__
    cls = plugin if isinstance(plugin, type) else type(plugin)
    return f"{cls.__module__}.{cls.__qualname__}"


def given_origins(plugins: Sequence[object]) -> list[PluginOrigin]:
    """Origins for plugin objects given to ``Guide(plugins=...)``, names made unique by order."""
    out: list[PluginOrigin] = []
    seen: dict[str, int] = {}
    for plugin in plugins:
        base = _module_name(plugin)
        seen[base] = seen.get(base, 0) + 1
        name = base if seen[base] == 1 else f"{base}#{seen[base]}"
        dist, version = _distribution_of(base)
        out.append(PluginOrigin(name=name, distribution=dist, version=version))
    return out


def new_plugin_manager() -> pluggy.PluginManager:
    """A plugin manager that knows classguide's hook specifications and nothing else."""
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    return pm


def _signature_problems(hook: str, function: Any) -> list[str]:
    try:
        params = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return [f"{hook}: cannot read the function's signature"]
    problems = []
    spec = HOOK_ARGS[hook]
    allowed = ", ".join(spec) or "no arguments"
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD, p.KEYWORD_ONLY):
            problems.append(
                f"{hook}: argument {p.name!r} must be a plain named argument "
                f"(no *args, **kwargs or keyword-only); the hook passes {allowed}"
            )
        elif p.name not in spec:
            problems.append(f"{hook}: unknown argument {p.name!r}; the hook passes {allowed}")
        elif p.default is not p.empty:
            problems.append(
                f"{hook}: argument {p.name!r} has a default value ({p.default!r}); remove it — "
                "hook arguments are always passed and defaults would be silently ignored"
            )
    return problems


def check_hookimpls(
    pm: pluggy.PluginManager, plugin: object, origin: PluginOrigin
) -> list[PluginFailure]:
    """What is wrong with ``plugin``'s hook implementations (checked before registering it)."""
    problems: list[tuple[str, str]] = []
    for attr in dir(plugin):
        opts = pm.parse_hookimpl_opts(plugin, attr)
        if opts is None:
            if attr in HOOK_ARGS and callable(getattr(plugin, attr, None)):
                problems.append(
                    (
                        f"defines {attr}() without the @hookimpl marker, so it would never "
                        "be called",
                        "decorate it: `from classguide import hookimpl` then `@hookimpl`",
                    )
                )
            continue
        hook = opts.get("specname") or attr
        if hook not in HOOK_ARGS:
            close = difflib.get_close_matches(hook, list(HOOK_ARGS), n=1, cutoff=0.6)
            guess = f"did you mean {close[0]!r}? " if close else ""
            problems.append(
                (
                    f"implements unknown hook {hook!r}",
                    f"{guess}rename the function to one of: {', '.join(HOOK_ARGS)}",
                )
            )
            continue
        if opts.get("wrapper") or opts.get("hookwrapper") or opts.get("historic"):
            problems.append((f"{hook}: wrappers are not supported", "remove wrapper=/hookwrapper="))
        problems += [
            (p, "make the function's arguments a subset of the hook's, without defaults")
            for p in _signature_problems(hook, getattr(plugin, attr))
        ]
    return [PluginFailure.of(origin, stage="register", cause=c, hint=h) for c, h in problems]


def register(pm: pluggy.PluginManager, plugin: object, origin: PluginOrigin) -> list[PluginFailure]:
    """Check and register ``plugin`` under ``origin.name``; nothing is registered on failure."""
    failures = check_hookimpls(pm, plugin, origin)
    if failures:
        return failures
    try:
        pm.register(plugin, name=origin.name)
    except Exception as exc:
        if pm.has_plugin(origin.name):  # older pluggy may register partially
            pm.unregister(name=origin.name)
        return [
            PluginFailure.of(
                origin,
                stage="register",
                cause=f"registering failed: {type(exc).__name__}: {exc}",
                hint="give each plugin object once, and check its hook functions",
            )
        ]
    return []
