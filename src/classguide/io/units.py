"""The units file, read and checked once: who is evaluated, with which lock, or why not.

Checks, each reported with the file, the spreadsheet row and the column: an empty file, a
missing column (``unit_id``, ``name``, ``unit_type``), an empty row, a row without a unit id, a
unit id given twice (the first row is used, later ones are set aside), an unknown unit type, an
attribute value the type does not allow, and a unit no rule set can take. The units kept are
grouped by lock once (:func:`classguide.batch.locks.resolve_locks`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from classguide.batch.ids import fingerprints
from classguide.batch.inputs import UNIT_COLUMNS
from classguide.batch.locks import Locks, resolve_locks
from classguide.batch.tables import Source
from classguide.io.problems import InputProblem
from classguide.io.readers import RawTable, read_raw

__all__ = ["SetAside", "UnitsIndex", "read_units"]


@attrs.frozen(kw_only=True)
class SetAside:
    """A row kept out of the evaluation: where it was, why, and what it held."""

    file: str
    row: int | None
    reasons: tuple[str, ...]
    record: dict[str, str | None]


@attrs.frozen(kw_only=True, eq=False)
class UnitsIndex:
    """The units kept (text columns, in file order), their locks and spreadsheet rows, a
    fingerprint index of their ids, and what was set aside."""

    file: str
    units: pa.Table
    rows: NDArray[np.int64]
    locks: Locks
    ids: pa.ChunkedArray
    order: NDArray[np.int64]
    sorted_prints: NDArray[np.uint64]
    set_aside_ids: dict[str, int]
    problems: tuple[InputProblem, ...]
    set_aside: tuple[SetAside, ...]
    read: int

    def positions(self, ids: pa.Array | pa.ChunkedArray) -> NDArray[np.int64]:
        """Each id's position among the kept units (-1: not kept)."""
        arr = pc.cast(ids, pa.string())
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        if not len(arr):
            return np.zeros(0, dtype=np.int64)
        prints = fingerprints(arr)
        at = np.searchsorted(self.sorted_prints, prints)
        at = np.minimum(at, max(len(self.sorted_prints) - 1, 0))
        pos = self.order[at] if len(self.order) else np.full(len(arr), -1, np.int64)
        if not len(self.order):
            return pos
        hit = self.sorted_prints[at] == prints
        pos = np.where(hit, pos, -1)
        # a fingerprint match is confirmed by comparing the ids themselves
        cand = np.flatnonzero(pos >= 0)
        same = pc.equal(pc.take(arr, pa.array(cand)), pc.take(self.ids, pa.array(pos[cand])))
        wrong = cand[~np.asarray(same.to_numpy(zero_copy_only=False), dtype=np.bool_)]
        for i in wrong.tolist():  # a fingerprint collision: look the id up exactly
            found = np.flatnonzero(pc.equal(self.ids, arr[i]).to_numpy(zero_copy_only=False))
            pos[i] = int(found[0]) if found.size else -1
        return pos


def _record(table: pa.Table, i: int) -> dict[str, str | None]:
    return {c: table.column(c)[i].as_py() for c in table.column_names}


def _reasons(bad: dict[int, list[InputProblem]]) -> Iterable[tuple[int, tuple[str, ...]]]:
    for i, problems in sorted(bad.items()):
        yield (
            i,
            tuple(p.reason if p.column is None else f"{p.column}: {p.reason}" for p in problems),
        )


def read_units(path: str | Path, source: Source, known_types: Iterable[str]) -> UnitsIndex:
    """Read and check the units file at ``path``; resolve the kept units' locks."""
    raw = read_raw(path)
    return index_units(raw, source, tuple(known_types))


def _file_problem(raw: RawTable, reason: str) -> InputProblem:
    return InputProblem(file=raw.file, reason=reason)


def index_units(raw: RawTable, source: Source, known_types: tuple[str, ...]) -> UnitsIndex:
    """Check the units of ``raw`` and index the ones kept (see :func:`read_units`)."""
    table, n = raw.table, raw.table.num_rows
    problems: list[InputProblem] = list(raw.malformed)
    bad: dict[int, list[InputProblem]] = {}

    def flag(i: int, reason: str, column: str | None = None) -> None:
        value = None if column is None else table.column(column)[i].as_py()
        p = InputProblem(file=raw.file, row=int(raw.rows[i]), column=column, reason=reason,
                         value=value)  # fmt: skip
        problems.append(p)
        bad.setdefault(i, []).append(p)

    missing = [c for c in UNIT_COLUMNS if c not in table.column_names]
    if not table.num_columns:
        problems.append(_file_problem(raw, "the file is empty (no header row)"))
    elif missing:
        problems.append(
            _file_problem(raw, f"missing column(s) {', '.join(missing)}; a units file has "
                               f"unit_id, name, unit_type and one column per attribute")
        )  # fmt: skip
        for i in range(n):
            bad.setdefault(i, []).append(
                InputProblem(file=raw.file, row=int(raw.rows[i]), reason="the file lacks a column")
            )
    elif n == 0:
        problems.append(_file_problem(raw, "the file has a header but no units"))
    else:
        _check_rows(table, raw.rows, known_types, flag)
    keep = np.ones(n, dtype=np.bool_)
    keep[list(bad)] = False
    attrs_cols = [c for c in table.column_names if c not in ("unit_id",)]
    kept = table.filter(pa.array(keep)) if n else table
    if kept.num_rows:
        # empty attribute cells are absent attributes
        cols = {
            c: pc.if_else(
                pc.equal(kept.column(c), ""), pa.scalar(None, pa.string()), kept.column(c)
            )
            for c in attrs_cols
        }
        kept = pa.table({"unit_id": kept.column("unit_id"), **cols})
        locks = resolve_locks(kept, source.resolve)
    else:
        locks = Locks(rulesets=(), lock=np.zeros(0, np.int32), tier=np.zeros(0, np.int8),
                      errors=())  # fmt: skip
    kept_rows = raw.rows[keep]
    if locks.errors:
        drop = np.zeros(kept.num_rows, dtype=np.bool_)
        kept_index = np.flatnonzero(keep)
        for msg, rows in locks.errors:
            drop[rows] = True
            for r in rows.tolist():
                flag(int(kept_index[r]), f"no rule set: {msg}")
        keep[kept_index[drop]] = False
        kept = kept.filter(pa.array(~drop))
        kept_rows = kept_rows[~drop]
        locks = Locks(rulesets=locks.rulesets, lock=locks.lock[~drop], tier=locks.tier[~drop],
                      errors=())  # fmt: skip
    ids = kept.column("unit_id") if kept.num_columns else pa.chunked_array([], pa.string())
    prints = fingerprints(pc.cast(ids, pa.string()).combine_chunks()) if len(ids) else None
    order = np.argsort(prints) if prints is not None else np.zeros(0, np.int64)
    set_aside = tuple(
        SetAside(file=raw.file, row=int(raw.rows[i]), reasons=reasons, record=_record(table, i))
        for i, reasons in _reasons(bad)
    ) + tuple(
        SetAside(file=raw.file, row=p.row, reasons=(p.reason,), record={"": p.value})
        for p in raw.malformed
    )
    aside_ids: dict[str, int] = {}
    if "unit_id" in table.column_names:
        for i in bad:
            uid = table.column("unit_id")[i].as_py()
            if uid:
                aside_ids.setdefault(uid, int(raw.rows[i]))
    return UnitsIndex(
        file=raw.file,
        units=kept,
        rows=kept_rows.astype(np.int64),
        locks=locks,
        ids=pc.cast(ids, pa.string()) if len(ids) else ids,
        order=order.astype(np.int64),
        sorted_prints=prints[order] if prints is not None else np.zeros(0, np.uint64),
        set_aside_ids=aside_ids,
        problems=tuple(problems),
        set_aside=set_aside,
        read=n + len(raw.malformed),
    )


def _check_rows(
    table: pa.Table,
    rows: NDArray[np.int64],
    known_types: tuple[str, ...],
    flag: Callable[..., None],
) -> None:
    """Empty rows, missing ids, duplicate ids (later rows), unknown unit types."""
    n = table.num_rows
    text = {c: pc.utf8_trim_whitespace(table.column(c)) for c in table.column_names}
    empty = np.ones(n, dtype=np.bool_)
    for col in text.values():
        empty &= np.asarray(pc.equal(col, "").to_numpy(zero_copy_only=False), dtype=np.bool_)
    ids = text["unit_id"]
    no_id = np.asarray(pc.equal(ids, "").to_numpy(zero_copy_only=False), dtype=np.bool_)
    seen: dict[str, int] = {}
    dup_rows: list[tuple[int, int]] = []
    prints = fingerprints(ids.combine_chunks()) if n else np.zeros(0, np.uint64)
    order = np.argsort(prints, kind="stable")
    runs = np.flatnonzero(prints[order][1:] == prints[order][:-1]) if n > 1 else np.zeros(0, int)
    candidates = sorted({int(order[j]) for j in runs} | {int(order[j + 1]) for j in runs})
    for i in candidates:
        uid = ids[i].as_py()
        if not uid:
            continue
        if uid in seen:
            dup_rows.append((i, seen[uid]))
        else:
            seen[uid] = i
    types = text["unit_type"]
    unknown = ~np.asarray(
        pc.fill_null(
            pc.is_in(types, value_set=pa.array(list(known_types), pa.string())), False
        ).to_numpy(zero_copy_only=False),
        dtype=np.bool_,
    )
    for i in np.flatnonzero(empty).tolist():
        flag(i, "empty row")
    for i in np.flatnonzero(no_id & ~empty).tolist():
        flag(i, "no unit id", "unit_id")
    for i, first in dup_rows:
        flag(i, f"unit id given twice (first in row {rows[first]}; that row is used)", "unit_id")
    for i in np.flatnonzero(unknown & ~empty & ~no_id).tolist():
        flag(i, f"unknown unit type; known: {', '.join(known_types)}", "unit_type")
