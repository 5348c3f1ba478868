"""Plugin warning rules and plugin observation checks in the columnar path.

Both are Python callables that read one unit at a time (a whole draft
:class:`~classguide.Evaluation`, or one unit's observations), so they cannot be vectorised from
outside. For a rule set that has plugin warning rules, or when a plugin implements
``classguide_check_observations``, each unit of that rule set is handed to them exactly as
:meth:`classguide.Guide.evaluate` would: the checks see the unit's observations, the rules see
the draft :func:`classguide.evaluate` makes; their warnings join the built-in ones in
``warning_count``, ``max_level`` and the ``warnings`` list, and a failed check raises. This costs
about as much as the single-unit path (a few hundred microseconds per unit), and only where such
plugins are installed; everything else stays columnar. Nothing is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs
import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from classguide.batch.locks import attribute_columns, unit_at
from classguide.diagnosis import WarningRule, run_rule
from classguide.evaluation import evaluate
from classguide.model import Unit
from classguide.plan import plan_for
from classguide.results import Warning
from classguide.ruleset import RuleSet

__all__ = ["run_plugin_rules"]

F64 = NDArray[np.float64]


def _label(table: Mapping[str, float], score: float, wide: pa.Table, name: str, row: int) -> object:
    """A grade indicator's label: from the observations' text, else the label of its score."""
    if name in wide.column_names:
        text = wide.column(name)[row].as_py()
        if isinstance(text, str) and text.strip() in table:
            return text.strip()
    return next(label for label, s in table.items() if float(s) == score)


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
            obs[name] = _label(plan.indicators[plan.index[name]].grades or {}, v, wide, name, row)
        elif kind == "boolean":
            obs[name] = bool(v)
        else:
            obs[name] = float(v)
    return obs


#: A plugin observation check: raises for a unit whose observations fail it.
Check = Callable[[Unit, RuleSet, Mapping[str, object]], None]


def run_plugin_rules(
    rs: RuleSet,
    rules: Sequence[tuple[str, WarningRule]],
    check: Check | None,
    units: pa.Table,
    rows: NDArray[np.int64] | None,
    columns: Mapping[str, F64],
    inputs: Mapping[str, F64],
    wide: pa.Table,
    period: str | None,
) -> list[tuple[int, Warning]]:
    """``(row within the group, warning)`` for every warning the plugin ``rules`` raise, after
    ``check`` (if any) has passed every unit."""
    attributes = attribute_columns(units)
    n = units.num_rows if rows is None else len(rows)
    found: list[tuple[int, Warning]] = []
    for i in range(n):
        row = i if rows is None else int(rows[i])
        unit = unit_at(units, row, attributes)
        obs = _observations(rs, i, row, columns, inputs, wide)
        if check is not None:
            check(unit, rs, obs)
        if not rules:
            continue
        draft = attrs.evolve(evaluate(rs, unit, obs, period=period), warnings=())
        for name, rule in rules:
            found += [(i, w) for w in run_rule(name, rule, rs, draft)]
    return found
