"""Text cells to indicator values, by the indicator's kind, with a reason for every refusal.

* **missing**: an empty cell, or ``NA``, ``N/A``, ``NaN``, ``null``, ``none`` (any case);
* **ratio**: a decimal in [0, 1] (``0.85``) or a percentage in [0 %, 100 %] (``85%``);
  ``85`` is refused (a ratio is a fraction: write 0.85 or 85%), as is ``120%``;
* **count**: a decimal ≥ 0;
* **boolean**: ``true``/``false``, ``yes``/``no``, ``1``/``0``, ``是``/``否``;
* **grade**: one of the indicator's labels.

Nothing is clipped, rounded or guessed: a refused cell is reported with its reason and its row
is set aside (lenient mode) or the read fails (strict mode).
"""

from __future__ import annotations

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from classguide.ruleset import Indicator

__all__ = ["MISSING_MARKERS", "Parsed", "is_missing", "parse_column", "parse_number"]

#: Cell texts read as a missing value (compared without case).
MISSING_MARKERS = ("", "na", "n/a", "nan", "null", "none")
_TRUE = ("true", "yes", "1", "是", "y")
_FALSE = ("false", "no", "0", "否", "n")
_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"

F64 = NDArray[np.float64]
Bool = NDArray[np.bool_]


@attrs.frozen(kw_only=True, eq=False)
class Parsed:
    """A column's values (NaN = missing or refused) and, for refused cells, the reasons."""

    values: F64
    bad: Bool
    reasons: tuple[str, ...]

    def reason_at(self, i: int) -> str:
        """The reason cell ``i`` was refused."""
        return self.reasons[int(np.count_nonzero(self.bad[:i]))]


def _np(arr: pa.Array | pa.ChunkedArray) -> NDArray[np.bool_]:
    return np.asarray(pc.fill_null(arr, False).to_numpy(zero_copy_only=False), dtype=np.bool_)


def _clean(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    return pc.utf8_trim_whitespace(pc.fill_null(pc.cast(text, pa.string()), ""))


def is_missing(text: pa.Array | pa.ChunkedArray) -> Bool:
    """Cells read as missing values."""
    low = pc.utf8_lower(_clean(text))
    return _np(pc.is_in(low, value_set=pa.array(MISSING_MARKERS)))


def parse_number(text: pa.Array | pa.ChunkedArray) -> tuple[F64, Bool]:
    """Decimal text as float64 (NaN where missing or not a number) and where it is not one."""
    clean = _clean(text)
    ok = _np(pc.match_substring_regex(clean, _NUMBER))
    missing = is_missing(text)
    values = np.full(len(clean), np.nan)
    if ok.any():
        good = pc.filter(clean, pa.array(ok))
        values[ok] = pc.cast(good, pa.float64()).to_numpy(zero_copy_only=False)
    return values, ~ok & ~missing


def _ratio(text: pa.Array | pa.ChunkedArray) -> tuple[F64, list[tuple[Bool, str]]]:
    clean = _clean(text)
    percent = _np(pc.ends_with(clean, "%"))
    body = pc.if_else(pa.array(percent), pc.utf8_rtrim(clean, characters="%"), clean)
    values, not_number = parse_number(body)
    values = np.where(percent, values / 100.0, values)
    with np.errstate(invalid="ignore"):
        over_pct = percent & ~not_number & (values > 1.0)
        over = ~percent & ~not_number & (values > 1.0)
        negative = ~not_number & (values < 0.0)
    return values, [
        (not_number, "not a number (a ratio: write 0.85 or 85%)"),
        (over_pct, "a percentage over 100% where the indicator is a ratio"),
        (over, "over 1 where the indicator is a ratio (a fraction: write 0.85 or 85%)"),
        (negative, "a negative ratio"),
    ]


def _boolean(text: pa.Array | pa.ChunkedArray) -> tuple[F64, list[tuple[Bool, str]]]:
    low = pc.utf8_lower(_clean(text))
    yes = _np(pc.is_in(low, value_set=pa.array(_TRUE)))
    no = _np(pc.is_in(low, value_set=pa.array(_FALSE)))
    values = np.full(len(low), np.nan)
    values[yes] = 1.0
    values[no] = 0.0
    bad = ~yes & ~no & ~is_missing(text)
    return values, [(bad, "not yes/no (write true/false, yes/no, 1/0 or 是/否)")]


def _grade(ind: Indicator, text: pa.Array | pa.ChunkedArray) -> tuple[F64, list[tuple[Bool, str]]]:
    table = ind.grades or {}
    clean = _clean(text)
    labels = list(table)
    idx = pc.index_in(clean, value_set=pa.array(labels, pa.string()))
    codes = idx.fill_null(len(labels)).to_numpy(zero_copy_only=False)
    lut = np.array([float(table[x]) for x in labels] + [np.nan])
    values = lut[codes]
    bad = (codes == len(labels)) & ~is_missing(text)
    return values, [(bad, f"not a grade label of the indicator (one of {', '.join(labels)})")]


def parse_column(ind: Indicator, text: pa.Array | pa.ChunkedArray) -> Parsed:
    """The values of ``ind`` in the text cells ``text``, refusing what its kind cannot read."""
    if ind.kind == "ratio":
        values, checks = _ratio(text)
    elif ind.kind == "boolean":
        values, checks = _boolean(text)
    elif ind.kind == "grade":
        values, checks = _grade(ind, text)
    else:
        values, not_number = parse_number(text)
        with np.errstate(invalid="ignore"):
            negative = ~not_number & (values < 0.0)
            infinite = np.isinf(values)
        checks = [
            (not_number, "not a number"),
            (negative, "a negative count"),
            (infinite, "not a finite number"),
        ]
    bad = np.zeros(len(values), dtype=np.bool_)
    reason = np.full(len(values), -1, dtype=np.int64)
    for j, (mask, _) in enumerate(checks):
        reason[mask & ~bad] = j
        bad |= mask
    values = values.copy()
    values[bad] = np.nan
    reasons = tuple(checks[j][1] for j in reason[bad].tolist())
    return Parsed(values=values, bad=bad, reasons=reasons)
