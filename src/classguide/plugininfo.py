"""Records describing plugins: where one came from, what it contributed, why one failed to load.

These are what ``classguide plugins`` prints and what :class:`~classguide.Guide` exposes as
``guide.plugins`` and ``guide.failures``.
"""

from __future__ import annotations

import attrs

from classguide._records import to_tuple

__all__ = ["CORE_PLUGIN", "PluginFailure", "PluginInfo", "PluginOrigin"]

#: The registered name of the core's default plugin (cannot be blocked).
CORE_PLUGIN = "core"


@attrs.frozen(kw_only=True)
class PluginOrigin:
    """Where a plugin comes from.

    ``name`` is the name it is registered under: the entry-point name for an installed plugin,
    the module or class name for a plugin object given to ``Guide(plugins=...)``.
    ``entry_point`` is the entry point's value (``"module:attr"``), ``None`` for given objects;
    ``shared`` is set when the distribution ships other loaded plugins too.
    """

    name: str
    distribution: str | None = None
    version: str | None = None
    entry_point: str | None = None
    builtin: bool = False
    shared: bool = False

    def describe(self) -> str:
        """``plugin 'x' from classguide-x 1.2 (entry point x = module)`` or similar."""
        parts = [f"plugin {self.name!r}"]
        if self.distribution:
            parts.append(f"from distribution {self.distribution} {self.version or '(no version)'}")
        if self.entry_point:
            parts.append(f"(entry point {self.name} = {self.entry_point})")
        elif not self.distribution:
            parts.append("(given to Guide, not installed)")
        return " ".join(parts)

    @property
    def provenance_key(self) -> str:
        """How evaluations and messages name this plugin: its distribution, else its name.

        When one distribution ships several loaded plugins (``shared``), ``distribution:name``.
        """
        if not self.distribution:
            return self.name
        return f"{self.distribution}:{self.name}" if self.shared else self.distribution


@attrs.frozen(kw_only=True)
class PluginInfo:
    """A loaded plugin: its origin, module file, the hooks it implements and what it added."""

    name: str
    distribution: str | None
    version: str | None
    entry_point: str | None
    module: str | None
    builtin: bool
    hooks: tuple[str, ...] = attrs.field(converter=to_tuple)
    unit_types: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    rulesets: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)
    warning_rules: tuple[str, ...] = attrs.field(default=(), converter=to_tuple)


@attrs.frozen(kw_only=True)
class PluginFailure:
    """A plugin (or one of its contributions) that could not be loaded, and what to do.

    ``stage`` is one of ``select`` (a name conflict among entry points), ``import``,
    ``register`` (hook validation), ``hooks`` (a registration hook raised or returned the wrong
    thing), ``contribution`` (one invalid record, withheld) and ``conflict`` (an id contributed
    twice; neither is used).
    """

    name: str
    distribution: str | None
    version: str | None
    entry_point: str | None
    stage: str
    cause: str
    hint: str

    @classmethod
    def of(cls, origin: PluginOrigin, *, stage: str, cause: str, hint: str) -> PluginFailure:
        """A failure of the plugin ``origin``."""
        return cls(
            name=origin.name,
            distribution=origin.distribution,
            version=origin.version,
            entry_point=origin.entry_point,
            stage=stage,
            cause=cause,
            hint=hint,
        )

    @property
    def origin(self) -> PluginOrigin:
        """The failed plugin's origin."""
        return PluginOrigin(
            name=self.name,
            distribution=self.distribution,
            version=self.version,
            entry_point=self.entry_point,
        )

    def __str__(self) -> str:
        return f"{self.origin.describe()}: {self.cause}\n  what to do: {self.hint}"
