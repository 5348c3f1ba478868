"""Tables in, columns out: pyarrow, pandas or polars; wide or long observations.

* **wide**: one row per unit, ``unit_id`` and one column per indicator (or formula input);
* **long**: ``unit_id``, ``indicator_id``, ``value``, one row per observation.

Values are read by the indicator's kind exactly as :func:`classguide.scales.raw_number` reads
them: numbers for ratios and counts, ``True``/``False`` or 0/1 for booleans, labels for grades;
null and NaN are missing. Anything else is an :class:`~classguide.InputError` naming the column,
the unit and the value — never a silent zero. A long table's ``value`` column holds text when it
mixes kinds; there, numbers are parsed from their decimal text and booleans from
``true``/``false``/``1``/``0``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from classguide.errors import InputError
from classguide.ruleset import Indicator

__all__ = [
    "LONG_COLUMNS",
    "UNIT_COLUMNS",
    "as_arrow",
    "is_long",
    "is_text",
    "numeric_input",
    "pivot_long",
    "raw_column",
]

F64 = NDArray[np.float64]

#: Columns every units table has; the other columns are unit attributes (``parent`` aside).
UNIT_COLUMNS = ("unit_id", "name", "unit_type")
#: Columns of a long observations table.
LONG_COLUMNS = ("unit_id", "indicator_id", "value")
_TRUE = ("true", "1", "yes")
_FALSE = ("false", "0", "no")


def as_arrow(data: Any, what: str) -> pa.Table:
    """``data`` (pyarrow Table or RecordBatch, pandas or polars DataFrame) as a pyarrow Table."""
    if isinstance(data, pa.Table):
        return data
    if isinstance(data, pa.RecordBatch):
        return pa.Table.from_batches([data])
    module = type(data).__module__.split(".")[0]
    if module == "polars" and hasattr(data, "to_arrow"):
        table = data.to_arrow()
        if isinstance(table, pa.Table):
            return table
    if module == "pandas":
        return pa.Table.from_pandas(data, preserve_index=False)
    raise InputError(
        [
            f"{what}: expected a pyarrow Table, a pandas or a polars DataFrame, got "
            f"{type(data).__name__}"
        ]
    )


def is_long(table: pa.Table) -> bool:
    """Whether ``table`` is a long observations table (``unit_id, indicator_id, value``)."""
    return set(LONG_COLUMNS) <= set(table.column_names)


def is_text(t: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(t)
        or pa.types.is_large_string(t)
        or (pa.types.is_dictionary(t) and is_text(t.value_type))
    )


def _is_number(t: pa.DataType) -> bool:
    return bool(pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t))


def _to_float(arr: pa.Array | pa.ChunkedArray) -> F64:
    out = pc.cast(arr, pa.float64())
    if isinstance(out, pa.ChunkedArray):
        out = out.combine_chunks() if out.num_chunks != 1 else out.chunk(0)
    return np.asarray(out.to_numpy(zero_copy_only=False), dtype=np.float64)


def _offenders(
    arr: pa.Array | pa.ChunkedArray, bad: NDArray[np.bool_], ids: Sequence[object] | None
) -> str:
    rows = np.flatnonzero(bad)[:3].tolist()
    shown = ", ".join(
        f"{'unit ' + repr(ids[r]) if ids is not None else 'row ' + str(r)}: {arr[r].as_py()!r}"
        for r in rows
    )
    more = f" (and {int(bad.sum()) - len(rows)} more)" if bad.sum() > len(rows) else ""
    return shown + more


def _parse_text_number(arr: pa.Array | pa.ChunkedArray) -> tuple[F64, NDArray[np.bool_]]:
    """Decimal text → float (nulls and empty text are missing); also the rows that do not parse."""
    text = pc.utf8_trim_whitespace(pc.cast(arr, pa.string()))
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    ok = pc.match_substring_regex(text, r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^(?i:nan)$")
    good = np.asarray(pc.fill_null(ok, True).to_numpy(zero_copy_only=False), dtype=np.bool_)
    cleaned = pc.if_else(ok, text, pa.scalar(None, pa.string()))
    return _to_float(cleaned), ~good


def raw_column(
    ind: Indicator,
    arr: pa.Array | pa.ChunkedArray,
    *,
    parse_text: bool = False,
    ids: Sequence[object] | None = None,
) -> F64:
    """The values of ``ind`` as float64 (NaN = missing): booleans as 0/1, labels as scores.

    Raises :class:`InputError` for a type the indicator's kind cannot read.
    """
    t = arr.type
    where = f"indicator {ind.id!r} ({ind.kind})"
    if pa.types.is_null(t):
        return np.full(len(arr), np.nan)
    if ind.kind == "grade":
        table = ind.grades or {}
        if not is_text(t):
            if arr.null_count == len(arr):
                return np.full(len(arr), np.nan)
            raise InputError([f"{where}: expected grade labels ({', '.join(table)}), got {t}"])
        if isinstance(arr, pa.ChunkedArray):
            arr = arr.combine_chunks()
        enc = arr if pa.types.is_dictionary(t) else pc.dictionary_encode(arr)
        labels = enc.dictionary.to_pylist()
        unknown = [x for x in labels if x not in table]
        if unknown:
            raise InputError(
                [
                    f"{where}: unknown grade label(s) {', '.join(map(repr, unknown[:5]))}; "
                    f"expected one of {', '.join(table)}"
                ]
            )
        lut = np.array([float(table[x]) for x in labels] + [np.nan])
        codes = enc.indices.fill_null(len(labels)).to_numpy(zero_copy_only=False)
        return np.asarray(lut[codes], dtype=np.float64)
    if pa.types.is_boolean(t):
        if ind.kind != "boolean" and arr.null_count < len(arr):
            raise InputError([f"{where}: expected numbers, got true/false values"])
        return _to_float(arr)
    if _is_number(t):
        return _to_float(arr)
    if is_text(t) and parse_text:
        if ind.kind == "boolean":
            low = pc.utf8_lower(pc.utf8_trim_whitespace(pc.cast(arr, pa.string())))
            yes = pc.is_in(low, value_set=pa.array(_TRUE))
            no = pc.is_in(low, value_set=pa.array(_FALSE))
            empty = pc.or_(pc.is_null(low), pc.equal(low, ""))
            bad = ~np.asarray(
                pc.fill_null(pc.or_(pc.or_(yes, no), empty), True).to_numpy(zero_copy_only=False),
                dtype=np.bool_,
            )
            if bad.any():
                raise InputError([f"{where}: expected true/false, got {_offenders(arr, bad, ids)}"])
            out = np.full(len(arr), np.nan)
            out[np.asarray(pc.fill_null(yes, False).to_numpy(zero_copy_only=False))] = 1.0
            out[np.asarray(pc.fill_null(no, False).to_numpy(zero_copy_only=False))] = 0.0
            return out
        values, bad = _parse_text_number(arr)
        if bad.any():
            raise InputError([f"{where}: expected a number, got {_offenders(arr, bad, ids)}"])
        return values
    if arr.null_count == len(arr):
        return np.full(len(arr), np.nan)
    raise InputError([f"{where}: expected numbers, got a column of {t}"])


def numeric_input(arr: pa.Array | pa.ChunkedArray, *, parse_text: bool = False) -> F64:
    """A formula input as float64: what is not a number (text, true/false) is missing, as in
    :func:`classguide.expressions.Expression.evaluate`."""
    t = arr.type
    if _is_number(t):
        return _to_float(arr)
    if is_text(t) and parse_text:
        values, _ = _parse_text_number(arr)
        return values
    return np.full(len(arr), np.nan)


def pivot_long(long: pa.Table, positions: NDArray[np.int64], n: int) -> pa.Table:
    """A long table as a wide one of ``n`` rows; ``positions`` give each long row's unit row.

    Raises :class:`InputError` for a (unit, indicator) pair given twice.
    """
    keys = long.column("indicator_id")
    enc = pc.dictionary_encode(keys.combine_chunks() if isinstance(keys, pa.ChunkedArray) else keys)
    names = enc.dictionary.to_pylist()
    codes = enc.indices.to_numpy(zero_copy_only=False)
    values = long.column("value")
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    pair = positions.astype(np.int64) * max(1, len(names)) + codes
    order = np.argsort(pair, kind="stable")
    dup = np.flatnonzero(np.diff(pair[order]) == 0)
    if dup.size:
        problems = []
        ids = long.column("unit_id")
        for d in dup[:5].tolist():
            r = int(order[d + 1])
            problems.append(
                f"observations row {r + 1}: unit {ids[r].as_py()!r} has indicator "
                f"{names[codes[r]]!r} twice (also row {int(order[d]) + 1})"
            )
        raise InputError(problems, message=f"observations: {dup.size} duplicate observation(s)")
    columns: dict[str, pa.Array] = {}
    for j, name in enumerate(names):
        if name is None:
            raise InputError(["observations: a row has no indicator_id"])
        rows = np.flatnonzero(codes == j)
        idx = np.full(n, -1, dtype=np.int64)
        idx[positions[rows]] = rows
        take = pa.array(idx, mask=idx < 0)
        columns[str(name)] = pc.take(values, take)
    return pa.table(columns) if columns else pa.table({})
