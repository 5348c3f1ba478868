"""Fake installed distributions (``importlib.metadata``) and small records for plugin tests.

A :class:`FakeDistribution` answers ``METADATA`` and ``entry_points.txt`` like an installed
wheel, so its entry points carry a real ``.dist`` with name and version; the plugin modules
they point at are written to a temporary directory by the ``plugin_modules`` fixture.
"""

from __future__ import annotations

import importlib.metadata
import pathlib
from collections.abc import Mapping

import classguide as cg

TEXT = cg.Text(zh="名称", en="name")


class FakeDistribution(importlib.metadata.Distribution):
    """An "installed" distribution with a name, a version and ``classguide`` entry points."""

    def __init__(self, name: str, version: str, entry_points: Mapping[str, str]) -> None:
        self._name = name
        self._version = version
        self._eps = dict(entry_points)

    def read_text(self, filename: str) -> str | None:
        if filename in ("METADATA", "PKG-INFO"):
            return f"Metadata-Version: 2.1\nName: {self._name}\nVersion: {self._version}\n"
        if filename == "entry_points.txt":
            lines = [f"{k} = {v}" for k, v in self._eps.items()]
            return "[classguide]\n" + "\n".join(lines) + "\n"
        return None

    def locate_file(self, path: str | pathlib.PurePath) -> pathlib.Path:
        return pathlib.Path("/nonexistent") / path


def entry_points(*dists: FakeDistribution) -> list[importlib.metadata.EntryPoint]:
    """The ``classguide`` entry points of ``dists`` (each knows its distribution)."""
    return [ep for d in dists for ep in d.entry_points if ep.group == "classguide"]


def ruleset(
    rid: str,
    unit_type: str = "organ",
    selector: Mapping[str, tuple[str, ...]] | None = None,
    *,
    version: str = "1",
) -> cg.RuleSet:
    """A small valid rule set: one Party-building and one business indicator."""
    return cg.RuleSet(
        id=rid,
        version=version,
        name=cg.Text(zh=f"规则集 {rid}", en=f"rule set {rid}"),
        unit_type=unit_type,
        selector=dict(selector or {}),
        indicators=[
            cg.Indicator(
                id="p1",
                name=TEXT,
                dimension="party",
                kind="ratio",
                weight=1.0,
                floor=0.6,
                target=1.0,
            ),
            cg.Indicator(
                id="b1",
                name=TEXT,
                dimension="business",
                kind="ratio",
                weight=1.0,
                floor=0.6,
                target=1.0,
            ),
        ],
    )


#: A unit type whose three attributes are optional, so units may leave any of them out.
THING = cg.UnitType(
    id="thing",
    name=cg.Text(zh="测试单位", en="test unit"),
    attributes=[
        cg.AttributeSpec(name=a, label=cg.Text(zh=a, en=a), values=("x", "y", "z"), required=False)
        for a in ("a", "b", "c")
    ],
)


class RecordsPlugin:
    """A plugin object contributing fixed records (unit types, rule sets, warning rules)."""

    def __init__(
        self,
        *,
        unit_types: tuple[cg.UnitType, ...] = (),
        rulesets: tuple[cg.RuleSet, ...] = (),
        rules: tuple[cg.WarningRuleSpec, ...] = (),
    ) -> None:
        self.unit_types, self.rulesets, self.rules = unit_types, rulesets, rules

    @cg.hookimpl
    def classguide_unit_types(self) -> tuple[cg.UnitType, ...]:
        return self.unit_types

    @cg.hookimpl
    def classguide_rulesets(self) -> tuple[cg.RuleSet, ...]:
        return self.rulesets

    @cg.hookimpl
    def classguide_warning_rules(self) -> tuple[cg.WarningRuleSpec, ...]:
        return self.rules


def organ(uid: str = "u1", **attributes: str) -> cg.Unit:
    """A county organ of standard foundation unless ``attributes`` say otherwise."""
    attrs = {"level": "county", "foundation": "standard", **attributes}
    return cg.Unit(id=uid, name=f"单位{uid}", unit_type="organ", attributes=attrs)
