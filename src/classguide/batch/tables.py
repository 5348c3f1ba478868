"""``evaluate_table``: a whole population in one call, one NumPy pass per rule set.

Units are grouped by the lock they resolve to (:mod:`classguide.batch.locks`), each group's
observation columns are gathered once and evaluated by :func:`~classguide.batch.engine.
evaluate_columns`, and the results come back as one pyarrow Table in the units' order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, runtime_checkable

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from classguide.batch.engine import DEFAULT_BLOCK, ColumnResult, evaluate_columns
from classguide.batch.ids import duplicate_ids
from classguide.batch.inputs import (
    UNIT_COLUMNS,
    as_arrow,
    is_long,
    is_text,
    numeric_input,
    pivot_long,
    raw_column,
)
from classguide.batch.locks import Locks, resolve_locks
from classguide.batch.output import Assembler
from classguide.batch.plugin_rules import Check, run_plugin_rules
from classguide.diagnosis import WarningRule
from classguide.errors import EvaluationInputError, InputError
from classguide.model import Unit
from classguide.ruleset import RuleSet
from classguide.unittypes import BUILTIN_UNIT_TYPES

__all__ = [
    "Columns",
    "Rules",
    "Source",
    "evaluate_groups",
    "evaluate_table",
    "prepare",
    "source_of",
]

NamedRules = Sequence[tuple[str, WarningRule]]
#: Extra (plugin) warning rules: one sequence for every rule set, or a function of the rule set.
Rules = NamedRules | Callable[[RuleSet], NamedRules]


@runtime_checkable
class _Resolves(Protocol):
    def ruleset_for(self, unit: Unit) -> RuleSet: ...


@attrs.frozen(kw_only=True)
class Source:
    """Where locks, plugin rules and plugin checks come from (a Guide, or one rule set)."""

    resolve: Callable[[Unit], RuleSet]
    rules_for: Callable[[RuleSet], NamedRules]
    check: Check | None = None


def source_of(source: object, rules: Rules = ()) -> Source:
    """The :class:`Source` of a :class:`~classguide.Guide`, a single :class:`RuleSet`, or any
    object with ``ruleset_for(unit)``; ``rules`` are extra warning rules on top."""

    def extra(rs: RuleSet) -> NamedRules:
        return tuple(rules(rs) if callable(rules) else rules)

    parts = getattr(source, "_batch_parts", None)
    if parts is not None:
        resolve, own, check = parts()
        return Source(resolve=resolve, rules_for=lambda rs: (*own(rs), *extra(rs)), check=check)
    if isinstance(source, RuleSet):
        rs = source

        unit_type = {t.id: t for t in BUILTIN_UNIT_TYPES}.get(rs.unit_type)

        def one(unit: Unit) -> RuleSet:
            if unit.unit_type != rs.unit_type:
                raise EvaluationInputError(
                    f"unit {unit.id!r} is of type {unit.unit_type!r} but rule set {rs.id!r} is "
                    f"for {rs.unit_type!r}"
                )
            problems = unit_type.check(unit) if unit_type is not None else []
            if problems:
                raise EvaluationInputError("; ".join(problems))
            return rs

        return Source(resolve=one, rules_for=extra)
    if isinstance(source, _Resolves):
        return Source(resolve=source.ruleset_for, rules_for=extra)
    raise TypeError(f"expected a Guide or a RuleSet, got {type(source).__name__}")


class _Ids(Sequence[object]):
    """Unit ids of some rows, read only when an error message needs one."""

    def __init__(self, ids: pa.ChunkedArray, rows: NDArray[np.int64] | None) -> None:
        self._ids = ids
        self._rows = rows

    def __len__(self) -> int:
        return len(self._ids) if self._rows is None else len(self._rows)

    def __getitem__(self, i: int) -> object:  # type: ignore[override]
        row = i if self._rows is None else int(self._rows[i])
        return self._ids[row].as_py()

    def __iter__(self) -> Iterator[object]:
        return (self[i] for i in range(len(self)))


def _unit_ids(units: pa.Table) -> pa.ChunkedArray:
    missing = [c for c in UNIT_COLUMNS if c not in units.column_names]
    if missing:
        raise InputError(
            [
                f"units: missing column(s) {', '.join(missing)}; a units table has unit_id, name, "
                f"unit_type and one column per unit attribute"
            ]
        )
    ids = units.column("unit_id")
    if not (pa.types.is_integer(ids.type) or is_text(ids.type)):
        raise InputError([f"units: column 'unit_id' must hold text, got {ids.type}"])
    ids = pc.cast(ids, pa.string())
    if ids.null_count:
        row = int(np.flatnonzero(ids.is_null().to_numpy(zero_copy_only=False))[0])
        raise InputError([f"units: row {row + 1} has no unit_id"])
    return ids


def _refuse_duplicates(dups: list[str]) -> None:
    if dups:
        raise InputError([f"units: duplicate unit_id {d!r}" for d in dups])


def _align(obs: pa.Table, ids: pa.ChunkedArray) -> tuple[pa.Table, bool]:
    """Observations as a wide table in the units' order; also whether text is to be parsed."""
    n = len(ids)
    if "unit_id" not in obs.column_names:
        raise InputError(["observations: missing column 'unit_id'"])
    obs_ids = pc.cast(obs.column("unit_id"), pa.string())
    if is_long(obs):
        pos = pc.index_in(obs_ids, value_set=ids)
        _no_such_units(obs_ids, pos)
        positions = pos.to_numpy(zero_copy_only=False).astype(np.int64)
        parse = is_text(obs.column("value").type)
        return pivot_long(obs, positions, n), parse
    if len(obs_ids) == n and pc.all(pc.equal(obs_ids, ids)).as_py():
        return obs.drop_columns(["unit_id"]), False
    pos = pc.index_in(obs_ids, value_set=ids)
    _no_such_units(obs_ids, pos)
    positions = pos.to_numpy(zero_copy_only=False).astype(np.int64)
    dups = duplicate_ids(obs_ids)
    if dups:
        raise InputError([f"observations: unit {d!r} has more than one row" for d in dups])
    idx = np.full(n, -1, dtype=np.int64)
    idx[positions] = np.arange(len(positions))
    wide = obs.drop_columns(["unit_id"]).take(pa.array(idx, mask=idx < 0))
    return wide, False


def _no_such_units(obs_ids: pa.ChunkedArray, pos: pa.ChunkedArray) -> None:
    if pos.null_count:
        bad = np.flatnonzero(pos.is_null().to_numpy(zero_copy_only=False))
        raise InputError(
            [
                f"observations row {r + 1}: unit {obs_ids[r].as_py()!r} does not exist in the "
                f"units table"
                for r in bad[:5].tolist()
            ],
            message=f"observations: {bad.size} row(s) for units that do not exist",
        )


def _check_columns(wide: pa.Table, locks: Locks) -> None:
    """A column no rule set in use reads must be empty (an all-null column carries nothing)."""
    known = set().union(*(column_plan_keys(rs) for rs in locks.rulesets))
    unknown = [
        c
        for c in wide.column_names
        if c not in known and wide.column(c).null_count != wide.num_rows
    ]
    if unknown:
        raise InputError(
            [
                f"observations: column {c!r} is not an indicator or formula input of any rule set "
                f"in use ({', '.join(sorted(rs.id for rs in locks.rulesets))})"
                for c in unknown
            ]
        )


def column_plan_keys(rs: RuleSet) -> frozenset[str]:
    """Observation keys ``rs`` reads: its direct indicators and its formulas' inputs."""
    from classguide.plan import plan_for

    return plan_for(rs).known_keys


def prepare(
    rs: RuleSet, wide: pa.Table, rows: NDArray[np.int64] | None, parse: bool, ids: Sequence[object]
) -> Columns:
    """Raw value columns and formula-input columns of ``rs`` for ``rows`` of ``wide``."""
    from classguide.plan import plan_for

    plan = plan_for(rs)
    take = None if rows is None else pa.array(rows)
    columns: dict[str, NDArray[np.float64]] = {}
    inputs: dict[str, NDArray[np.float64]] = {}
    formula_inputs = {n for f in plan.formulas if f is not None for n in f.names}
    direct = {i.id: i for i, f in zip(plan.indicators, plan.formulas, strict=True) if f is None}
    for name in wide.column_names:
        col = wide.column(name)
        arr = col if take is None else col.take(take)
        if name not in plan.known_keys:
            if arr.null_count != len(arr):
                raise InputError(
                    [
                        f"observations: column {name!r} has values for units of rule set "
                        f"{rs.id!r}, which has no such indicator or formula input"
                    ]
                )
            continue
        if name in direct:
            columns[name] = raw_column(direct[name], arr, parse_text=parse, ids=ids)
        if name in formula_inputs:
            inputs[name] = numeric_input(arr, parse_text=parse)
    return columns, inputs


def evaluate_table(
    source: object,
    units: Any,
    observations: Any,
    *,
    period: str | None = None,
    rules: Rules = (),
    indicator_scores: bool = False,
    warnings: bool = False,
    block: int = DEFAULT_BLOCK,
    rank: bool = True,
) -> pa.Table:
    """Evaluate every unit of ``units`` from ``observations``; one result row per unit.

    ``source`` is a :class:`~classguide.Guide` (each unit gets the lock ``guide.ruleset_for``
    gives its type and attributes) or one :class:`~classguide.RuleSet`. ``units`` and
    ``observations`` are pyarrow Tables or pandas / polars DataFrames; observations wide
    (``unit_id`` + one column per indicator) or long (``unit_id, indicator_id, value``).
    ``rules`` are extra (plugin) warning rules, run per unit of the rule sets they apply to.
    ``indicator_scores`` adds a ``score.<indicator>`` column per indicator; ``warnings`` adds a
    ``warnings`` list column of ``{level, code, subject}``. ``rank=False`` leaves ``rank``,
    ``class_size`` and ``percentile`` empty (a part of a population, ranked later).

    Raises :class:`~classguide.InputError` listing what is wrong with the tables, and
    :class:`~classguide.EvaluationInputError` for a value outside its kind's range.
    """
    src = source_of(source, rules)
    units_t = as_arrow(units, "units")
    ids = _unit_ids(units_t)
    # Duplicate unit ids are looked for on a worker thread while the observations are aligned,
    # the units grouped by lock and (without plugin rules, which must not see a table that is
    # about to be refused) the units evaluated: all mostly in Arrow and NumPy, which release
    # the GIL. They are still the first problem reported.
    with ThreadPoolExecutor(max_workers=1) as pool:
        dups = pool.submit(duplicate_ids, ids)
        try:
            wide, parse = _align(as_arrow(observations, "observations"), ids)
            locks = resolve_locks(units_t, src.resolve)
            if src.check is not None or any(src.rules_for(rs) for rs in locks.rulesets):
                _refuse_duplicates(dups.result())
            if locks.errors:
                raise InputError(
                    [
                        f"{len(rows)} unit(s) like {ids[int(rows[0])].as_py()!r}: {msg}"
                        for msg, rows in locks.errors
                    ],
                    message="units: no rule set for some units",
                )
            _check_columns(wide, locks)

            def columns_for(rs: RuleSet, rows: NDArray[np.int64] | None) -> Columns:
                return prepare(rs, wide, rows, parse, _Ids(ids, rows))

            result = evaluate_groups(
                src, units_t, ids, locks, columns_for, wide,
                period=period, indicator_scores=indicator_scores, warnings=warnings,
                block=block,
            ).table(rank=rank)  # fmt: skip
        except Exception:
            _refuse_duplicates(dups.result())
            raise
        _refuse_duplicates(dups.result())
    return result


#: Raw value columns and formula-input columns of one rule set's rows.
Columns = tuple[dict[str, NDArray[np.float64]], dict[str, NDArray[np.float64]]]


def evaluate_groups(
    src: Source,
    units: pa.Table,
    ids: pa.ChunkedArray,
    locks: Locks,
    columns_for: Callable[[RuleSet, NDArray[np.int64] | None], Columns],
    labels: pa.Table,
    *,
    period: str | None,
    indicator_scores: bool,
    warnings: bool,
    block: int = DEFAULT_BLOCK,
) -> Assembler:
    """One engine pass per rule set of ``locks``; the results collected (call ``.table()``).

    ``columns_for(ruleset, rows)`` gives the rule set's value columns for those unit rows
    (``None``: every row); ``labels`` is the observations table in the units' order, read only
    for the grade labels plugin rules see.
    """
    out = Assembler(ids, locks, period, indicator_scores=indicator_scores, warnings=warnings)
    single = len(locks.rulesets) == 1 and bool((locks.lock == 0).all())
    for r, rs in enumerate(locks.rulesets):
        rows = None if single else np.flatnonzero(locks.lock == r).astype(np.int64)
        n = units.num_rows if rows is None else len(rows)
        columns, inputs = columns_for(rs, rows)
        named = src.rules_for(rs)
        res: ColumnResult = evaluate_columns(
            rs,
            columns,
            n,
            tiers=locks.tier if rows is None else locks.tier[rows],
            inputs=inputs,
            unit_ids=_Ids(ids, rows),
            block=block,
            keep_scores=indicator_scores,
            keep_warnings=warnings,
        )
        extra = None
        if named or src.check is not None:
            extra = run_plugin_rules(
                rs, named, src.check, units, rows, columns, inputs, labels, period
            )
        out.add(r, rows, res, extra)
    return out
