"""Shared helpers for the rule-file and validation tests: the rule files we ship, example data."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import classguide as cg
from classguide.demo import example_units

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src" / "classguide" / "examples" / "example_organ.toml"


def shipped_rule_files() -> list[Path]:
    """Every rule file shipped: the core's examples and the sector plugins' rules."""
    patterns = ["src/classguide/examples/*", "plugins/*/rules/*", "plugins/*/*/rules/*"]
    found = {
        p
        for pattern in patterns
        for p in ROOT.glob(pattern)
        if p.suffix.lower() in cg.rulefiles.FORMATS
    }
    return sorted(found)


def example_data() -> dict[str, Any]:
    """The example rule set as plain data (a fresh deep copy each call)."""
    return copy.deepcopy(json.loads(cg.to_json(cg.load_ruleset(EXAMPLE))))


def example() -> cg.RuleSet:
    return cg.load_ruleset(EXAMPLE)


def evaluates_examples(ruleset: cg.RuleSet) -> None:
    """The example units evaluate: a result, or an error naming a bad observation."""
    ids = {i.id for i in ruleset.indicators}
    for unit, observations in example_units():
        unit = cg.Unit(
            id=unit.id, name=unit.name, unit_type=ruleset.unit_type, attributes=unit.attributes
        )
        try:
            cg.evaluate(ruleset, unit, {k: v for k, v in observations.items() if k in ids})
        except cg.EvaluationInputError:
            continue
