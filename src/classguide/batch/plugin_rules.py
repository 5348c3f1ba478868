"""Plugin (extra) warning rules in the columnar path.

A plugin warning rule is a Python callable that reads a whole draft
:class:`~classguide.Evaluation`, so it cannot be vectorised from outside. For a rule set that has
such rules, each of its units is evaluated once more by :func:`classguide.evaluate` (the exact
draft the single-unit path hands the rules) and the rules run on it; their warnings join the
built-in ones in ``warning_count``, ``max_level`` and the ``warnings`` list. This costs about as
much as the single-unit path (a few hundred microseconds per unit) and only for rule sets with
plugin rules; rule sets without any stay fully columnar. Rules are never skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from classguide.batch.locks import attribute_columns, unit_at
from classguide.diagnosis import WarningRule
from classguide.evaluation import evaluate
from classguide.plan import plan_for
from classguide.results import Warning
from classguide.ruleset import RuleSet

__all__ = ["run_plugin_rules"]

F64 = NDArray[np.float64]


def _observations(
    rs: RuleSet,
    i: int,
    row: int,
    columns: Mapping[str, F64],
    inputs: Mapping[str, F64],
    wide: pa.Table,
) -> dict[str, object]:
    plan = plan_for(rs)
    kinds = {ind.id: ind.kind for ind in plan.indicators}
    obs: dict[str, object] = {}
    for name, col in inputs.items():
        v = col[i]
        if not np.isnan(v):
            obs[name] = float(v)
    for name, col in columns.items():
        v = col[i]
        if np.isnan(v):
            continue
        kind = kinds[name]
        if kind == "grade":
            obs[name] = wide.column(name)[row].as_py()
        elif kind == "boolean":
            obs[name] = bool(v)
        else:
            obs[name] = float(v)
    return obs


def run_plugin_rules(
    rs: RuleSet,
    rules: Sequence[tuple[str, WarningRule]],
    units: pa.Table,
    rows: NDArray[np.int64] | None,
    columns: Mapping[str, F64],
    inputs: Mapping[str, F64],
    wide: pa.Table,
    period: str | None,
) -> list[tuple[int, Warning]]:
    """``(row within the group, warning)`` for every warning the extra ``rules`` raise."""
    attributes = attribute_columns(units)
    n = units.num_rows if rows is None else len(rows)
    found: list[tuple[int, Warning]] = []
    for i in range(n):
        row = i if rows is None else int(rows[i])
        unit = unit_at(units, row, attributes)
        obs = _observations(rs, i, row, columns, inputs, wide)
        draft = attrs.evolve(evaluate(rs, unit, obs, period=period), warnings=())
        for name, rule in rules:
            for w in rule(rs, draft):
                found.append((i, w if w.rule != "core" else attrs.evolve(w, rule=name)))
    return found
