"""Observation rows checked against the units kept and their rule sets, a chunk at a time.

Wide files have one row per unit (``unit_id`` and one column per indicator or formula input);
long files have ``unit_id, indicator_id, value`` rows. Each problem — an observation for a unit
that does not exist (or was set aside), a unit given twice, an unknown indicator, a value that
is not a number where one is needed, a percentage over 100 where the indicator is a ratio, … —
is reported with file, spreadsheet row, column and reason. A unit with a refused observation is
set aside whole (never evaluated on part of its data), with all its observation rows.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from classguide.batch.inputs import LONG_COLUMNS
from classguide.io.parsing import Parsed, is_missing, parse_column, parse_number
from classguide.io.problems import InputProblem
from classguide.io.readers import RawTable
from classguide.io.units import SetAside, UnitsIndex
from classguide.plan import plan_for
from classguide.ruleset import RuleSet

__all__ = ["Chunk", "ObservationState", "check_chunk"]

F64 = NDArray[np.float64]


@attrs.define
class ObservationState:
    """What earlier chunks of one observations file decided, per kept unit."""

    used_row: NDArray[np.int64]  # spreadsheet row whose observations the unit got (0: none yet)
    aside: NDArray[np.bool_]  # set aside because of its observations
    long: bool | None = None
    columns_checked: bool = False

    @classmethod
    def for_units(cls, index: UnitsIndex) -> ObservationState:
        n = index.units.num_rows
        return cls(used_row=np.zeros(n, np.int64), aside=np.zeros(n, np.bool_))


@attrs.frozen(kw_only=True, eq=False)
class Chunk:
    """The units of a chunk ready to evaluate (positions among the kept units), their value
    columns per rule set, the text of their rows (for plugin rules), and what was set aside."""

    units: NDArray[np.int64]
    columns: dict[int, tuple[dict[str, F64], dict[str, F64]]]
    labels: pa.Table
    problems: tuple[InputProblem, ...]
    set_aside: tuple[SetAside, ...]
    rows_read: int
    rows_used: int


def _record(table: pa.Table, i: int) -> dict[str, str | None]:
    return {c: table.column(c)[i].as_py() for c in table.column_names}


class _Problems:
    def __init__(self, raw: RawTable) -> None:
        self.raw = raw
        self.items: list[InputProblem] = list(raw.malformed)
        self.by_row: dict[int, list[str]] = {}

    def add(self, i: int, reason: str, column: str | None = None, value: str | None = None) -> None:
        row = int(self.raw.rows[i])
        self.items.append(
            InputProblem(file=self.raw.file, row=row, column=column, reason=reason, value=value)
        )
        self.by_row.setdefault(i, []).append(reason if column is None else f"{column}: {reason}")

    def set_aside(self, extra: dict[int, str]) -> tuple[SetAside, ...]:
        table = self.raw.table
        out = [
            SetAside(
                file=self.raw.file,
                row=int(self.raw.rows[i]),
                reasons=tuple(reasons),
                record=_record(table, i),
            )
            for i, reasons in self.by_row.items()
        ]
        out += [
            SetAside(
                file=self.raw.file,
                row=int(self.raw.rows[i]),
                reasons=(reason,),
                record=_record(table, i),
            )
            for i, reason in extra.items()
            if i not in self.by_row
        ]
        out += [
            SetAside(file=self.raw.file, row=p.row, reasons=(p.reason,), record={"": p.value})
            for p in self.raw.malformed
        ]
        return tuple(sorted(out, key=lambda s: s.row or 0))


def _unit_problems(
    raw: RawTable, index: UnitsIndex, state: ObservationState, pos: NDArray[np.int64],
    probs: _Problems,
) -> None:  # fmt: skip
    ids = raw.table.column("unit_id")
    for i in np.flatnonzero(pos < 0).tolist():
        uid = (ids[i].as_py() or "").strip()
        if not uid:
            probs.add(i, "no unit id", "unit_id")
        elif uid in index.set_aside_ids:
            probs.add(i, f"the unit was set aside (units file row {index.set_aside_ids[uid]})",
                      "unit_id", uid)  # fmt: skip
        else:
            probs.add(i, "no such unit in the units file", "unit_id", uid)
    for i in np.flatnonzero(pos >= 0).tolist():
        if state.aside[int(pos[i])]:
            probs.add(i, "the unit was set aside (an observation of it was refused)", "unit_id",
                      ids[i].as_py())  # fmt: skip
            pos[i] = -2
    if state.long:
        for i in np.flatnonzero(pos >= 0).tolist():
            p = int(pos[i])
            if state.used_row[p]:
                probs.add(i, "the unit's rows are not together: a long file lists each unit's "
                          "observations in consecutive rows (sort it by unit_id)", "unit_id",
                          ids[i].as_py())  # fmt: skip
        return
    first: dict[int, int] = {}
    for i in np.flatnonzero(pos >= 0).tolist():
        p = int(pos[i])
        if state.used_row[p] or p in first:
            row = state.used_row[p] or int(raw.rows[first[p]])
            probs.add(i, f"the unit already has observations in row {row} (that row is used)",
                      "unit_id", ids[i].as_py())  # fmt: skip
        else:
            first[p] = i


def _parse(
    rs: RuleSet, name: str, text: pa.Array | pa.ChunkedArray
) -> tuple[Parsed | None, Parsed | None]:
    """(as the indicator ``name``, as a formula input ``name``), each ``None`` if not one."""
    plan = plan_for(rs)
    direct = {i.id: i for i, f in zip(plan.indicators, plan.formulas, strict=True) if f is None}
    inputs = {n for f in plan.formulas if f is not None for n in f.names}
    as_ind = parse_column(direct[name], text) if name in direct else None
    as_input = None
    if name in inputs:
        values, bad = parse_number(text)
        reasons = tuple("not a number (a formula input)" for _ in range(int(bad.sum())))
        as_input = Parsed(values=np.where(bad, np.nan, values), bad=bad, reasons=reasons)
    return as_ind, as_input


def _report(parsed: Parsed, rows: NDArray[np.int64], name: str, text: pa.Array,
            probs: _Problems) -> None:  # fmt: skip
    for j in np.flatnonzero(parsed.bad).tolist():
        probs.add(int(rows[j]), parsed.reason_at(j), name, text[j].as_py())


def _wide_columns(
    raw: RawTable, index: UnitsIndex, good: NDArray[np.int64], pos: NDArray[np.int64],
    probs: _Problems, ignore: set[str],
) -> dict[int, tuple[dict[str, F64], dict[str, F64]]]:  # fmt: skip
    """Parse each column for each rule set's rows; report refused cells."""
    out: dict[int, tuple[dict[str, F64], dict[str, F64]]] = {}
    locks = index.locks
    lock = locks.lock[pos[good]]
    for r, rs in enumerate(locks.rulesets):
        rows = good[lock == r]
        if not rows.size:
            continue
        take = pa.array(rows)
        known = plan_for(rs).known_keys
        columns: dict[str, F64] = {}
        inputs: dict[str, F64] = {}
        for name in raw.table.column_names:
            if name == "unit_id" or name in ignore:
                continue
            text = pc.take(raw.table.column(name), take)
            if name not in known:
                for j in np.flatnonzero(~is_missing(text)).tolist():
                    probs.add(int(rows[j]), f"not an indicator or formula input of rule set "
                              f"{rs.id!r}", name, text[j].as_py())  # fmt: skip
                continue
            as_ind, as_input = _parse(rs, name, text)
            for parsed, dest in ((as_ind, columns), (as_input, inputs)):
                if parsed is not None:
                    _report(parsed, rows, name, text, probs)
                    dest[name] = parsed.values
        out[r] = (columns, inputs)
    return out


def _long_columns(
    raw: RawTable, index: UnitsIndex, pos: NDArray[np.int64], probs: _Problems
) -> tuple[NDArray[np.int64], dict[int, tuple[dict[str, F64], dict[str, F64]]]]:
    """Long rows → per unit value columns; returns the units (positions) and their columns.

    Vectorised: rows are grouped by rule set and indicator with dictionary codes; only the rows
    with a problem are visited one by one (to report them).
    """
    table = raw.table
    keys = pc.utf8_trim_whitespace(pc.fill_null(pc.cast(table.column("indicator_id"),
                                                        pa.string()), ""))  # fmt: skip
    enc = pc.dictionary_encode(keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys)
    names = [str(x) for x in enc.dictionary.to_pylist()]
    codes = np.asarray(enc.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    values = table.column("value")
    locks = index.locks
    units = np.unique(pos[pos >= 0])
    lock_of_row = np.where(pos >= 0, locks.lock[np.maximum(pos, 0)], -1)
    out: dict[int, tuple[dict[str, F64], dict[str, F64]]] = {}
    for r, rs in enumerate(locks.rulesets):
        mine = np.flatnonzero(lock_of_row == r)
        if not mine.size:
            continue
        known = plan_for(rs).known_keys
        is_known = np.array([n in known for n in names], dtype=np.bool_)
        for i in mine[~is_known[codes[mine]]].tolist():
            probs.add(i, f"unknown indicator for rule set {rs.id!r}", "indicator_id",
                      names[codes[i]])  # fmt: skip
        ok = mine[is_known[codes[mine]]]
        pair = pos[ok] * max(1, len(names)) + codes[ok]
        order = np.argsort(pair, kind="stable")  # the first row of a (unit, indicator) wins
        ordered = pair[order]
        again = np.r_[False, ordered[1:] == ordered[:-1]] if ordered.size else ordered.astype(bool)
        first_at = np.maximum.accumulate(np.where(~again, np.arange(len(order)), 0))
        for j in np.flatnonzero(again).tolist():
            i, first = int(ok[order[j]]), int(ok[order[first_at[j]]])
            probs.add(i, f"the unit already has this indicator in row {int(raw.rows[first])} "
                      "(that row is used)", "indicator_id", names[codes[i]])  # fmt: skip
        keep = ok[order[~again]]
        members = units[locks.lock[units] == r]
        columns: dict[str, F64] = {}
        inputs: dict[str, F64] = {}
        keep_codes = codes[keep]
        for c in np.unique(keep_codes).tolist():
            rows = keep[keep_codes == c]
            key = names[c]
            text = pc.take(values, pa.array(rows))
            as_ind, as_input = _parse(rs, key, text)
            slots = np.searchsorted(members, pos[rows])
            for parsed, dest in ((as_ind, columns), (as_input, inputs)):
                if parsed is None:
                    continue
                _report(parsed, rows, "value", text, probs)
                col = np.full(len(members), np.nan)
                col[slots] = parsed.values
                dest[key] = col
        out[r] = (columns, inputs)
    return units, out


def check_chunk(
    raw: RawTable,
    index: UnitsIndex,
    state: ObservationState,
    *,
    ignore: set[str] | None = None,
    on_problem: Callable[[InputProblem], None] | None = None,
) -> Chunk:
    """Check one chunk of an observations file; what is left is ready to evaluate.

    ``ignore`` names columns read from the units file (e.g. ``name``) that an observations file
    may repeat for its readers.
    """
    table = raw.table
    probs = _Problems(raw)
    n = table.num_rows
    if state.long is None:
        state.long = set(LONG_COLUMNS) <= set(table.column_names)
    empty = Chunk(units=np.zeros(0, np.int64), columns={}, labels=pa.table({}), problems=(),
                  set_aside=(), rows_read=n + len(raw.malformed), rows_used=0)  # fmt: skip
    if not table.num_columns or "unit_id" not in table.column_names:
        reason = "the file is empty (no header row)" if not table.num_columns else (
            "missing column 'unit_id' (a wide file has unit_id and one column per indicator; "
            "a long file has unit_id, indicator_id, value)")  # fmt: skip
        problem = InputProblem(file=raw.file, reason=reason)
        aside = {i: "the file lacks a column" for i in range(n)}
        return attrs.evolve(empty, problems=(problem, *probs.items),
                            set_aside=probs.set_aside(aside))  # fmt: skip
    pos = index.positions(table.column("unit_id"))
    _unit_problems(raw, index, state, pos, probs)
    if state.long:
        ok_rows = np.flatnonzero(pos >= 0)
        units, columns = _long_columns(raw, index, np.where(
            np.isin(np.arange(n), ok_rows) & ~np.isin(np.arange(n), list(probs.by_row)), pos, -1
        ), probs)  # fmt: skip
        bad_units = {int(pos[i]) for i in probs.by_row if pos[i] >= 0}
    else:
        good = np.array([i for i in np.flatnonzero(pos >= 0).tolist() if i not in probs.by_row],
                        dtype=np.int64)  # fmt: skip
        columns = _wide_columns(raw, index, good, pos, probs, ignore or set())
        units = pos[good]
        bad_units = {int(pos[i]) for i in probs.by_row if pos[i] >= 0 and i in set(good.tolist())}
    # a unit with a refused observation is set aside whole, with all its rows here
    extra: dict[int, str] = {}
    if bad_units:
        bad_rows = {int(pos[i]): int(raw.rows[i]) for i in probs.by_row if pos[i] >= 0}
        for i in np.flatnonzero(np.isin(pos, list(bad_units))).tolist():
            extra[i] = f"the unit is set aside: its observation in row {bad_rows[int(pos[i])]} " \
                       f"was refused"  # fmt: skip
        state.aside[list(bad_units)] = True
    keep_units = ~np.isin(units, list(bad_units)) if bad_units else np.ones(len(units), bool)
    for r, (cols, ins) in columns.items():
        members = units[index.locks.lock[units] == r]
        mask = keep_units[index.locks.lock[units] == r]
        columns[r] = ({k: v[mask] for k, v in cols.items()}, {k: v[mask] for k, v in ins.items()})
        del members
    units = units[keep_units]
    used = np.isin(pos, units) & ~np.isin(np.arange(n), list(probs.by_row) + list(extra))
    if not state.long:
        state.used_row[pos[used]] = raw.rows[used]
    else:
        state.used_row[units] = np.maximum(state.used_row[units], 1)
    labels = table.filter(pa.array(used)) if not state.long else pa.table({})
    if on_problem is not None:
        for p in probs.items:
            on_problem(p)
    return Chunk(
        units=units.astype(np.int64),
        columns=columns,
        labels=labels,
        problems=tuple(probs.items),
        set_aside=probs.set_aside(extra),
        rows_read=n + len(raw.malformed),
        rows_used=int(used.sum()),
    )
