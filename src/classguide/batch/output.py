"""Results of the columnar path as one pyarrow Table, in the units' order.

Columns: ``unit_id``, ``ruleset_id``, ``ruleset_version``, (``period``), ``party``,
``business``, ``score``, ``coupling``, ``development``, ``degree``, ``band``, ``lag``, ``grade``,
``complete``, ``warning_count``, ``max_level``, ``rank``, ``class_size``, ``percentile``; with
``indicator_scores`` one ``score.<indicator>`` column each, with ``warnings`` a list of
``{level, code, subject}`` per unit. Missing values are nulls (never NaN), as ``None`` on an
:class:`~classguide.Evaluation`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from classguide.batch.engine import ColumnResult
from classguide.batch.locks import Locks
from classguide.batch.plan import LAGS
from classguide.batch.ranking import rank_classes
from classguide.ranking import bottom_count
from classguide.results import Warning, WarningLevel
from classguide.ruleset import RuleSet

__all__ = ["LEVELS", "RESULT_COLUMNS", "Assembler"]

#: ``max_level`` / warning level names by :class:`WarningLevel` value (index 0: none).
LEVELS: tuple[str, ...] = ("", "blue", "yellow", "orange", "red")

#: The result columns every table has, in order.
RESULT_COLUMNS: tuple[str, ...] = (
    "unit_id", "ruleset_id", "ruleset_version", "party", "business", "score", "coupling",
    "development", "degree", "band", "lag", "grade", "complete", "warning_count", "max_level",
    "rank", "class_size", "percentile",
)  # fmt: skip

_FLOATS = ("party", "business", "score", "coupling", "development", "degree")
#: Each collected column's value for a unit no rule set evaluated, and its dtype.
_EMPTY: dict[str, tuple[object, type[np.generic]]] = {
    **{name: (np.nan, np.float64) for name in (*_FLOATS, "percentile")},
    "band": (-1, np.int16), "grade": (-1, np.int16), "lag": (-1, np.int8),
    "complete": (False, np.bool_), "count": (0, np.int32), "level": (0, np.int8),
    "rank": (0, np.int64), "size": (0, np.int64),
}  # fmt: skip


def class_codes(
    rulesets: Sequence[RuleSet], lock: NDArray[np.int32]
) -> tuple[NDArray[np.int64], list[Callable[[int], int]]]:
    """Each unit's class (rule set id and version) as a code, and for each class how many of
    its bottom places are interviewed (:func:`classguide.ranking.bottom_count` of its size)."""
    index: dict[tuple[str, str], int] = {}
    bottom: list[Callable[[int], int]] = []
    of_lock = []
    for rs in rulesets:
        key = (rs.id, rs.version)
        if key not in index:
            index[key] = len(index)
            bottom.append(functools.partial(bottom_count, rs))
        of_lock.append(index[key])
    classes = np.array([*of_lock, -1], dtype=np.int64)[lock]
    return classes, bottom


class _Codes:
    """A growing dictionary of labels (band or grade ids across rule sets)."""

    def __init__(self) -> None:
        self.labels: list[str] = []
        self._index: dict[str, int] = {}

    def lut(self, labels: Sequence[str]) -> NDArray[np.int16]:
        for lab in labels:
            if lab not in self._index:
                self._index[lab] = len(self.labels)
                self.labels.append(lab)
        return np.array([self._index[lab] for lab in labels] + [-1], dtype=np.int16)


def _dictionary(codes: NDArray[np.integer], labels: Sequence[str]) -> pa.Array:
    none = codes < 0
    idx = pa.array(codes.astype(np.int16), mask=none if none.any() else None)
    return pa.DictionaryArray.from_arrays(idx, pa.array(list(labels), pa.string()))


def _nullable(x: NDArray[np.float64]) -> pa.Array:
    """NaN as null; without a NaN, the array as it is (no mask to build)."""
    if not (x.size and np.isnan(np.minimum.reduce(x))):
        return pa.array(x)
    return pa.array(x, mask=np.isnan(x))


def _unranked_null(x: NDArray[np.int64]) -> pa.Array:
    """Rank or class size with 0 (not ranked) as null."""
    if x.size and np.minimum.reduce(x) > 0:
        return pa.array(x)
    return pa.array(x, mask=x == 0)


class Assembler:
    """Collects the results of each rule set's pass into the columns of one table."""

    def __init__(
        self,
        ids: pa.ChunkedArray,
        locks: Locks,
        period: str | None,
        *,
        indicator_scores: bool,
        warnings: bool,
    ) -> None:
        n = len(ids)
        self.n = n
        self.ids = ids
        self.locks = locks
        self.period = period
        # Allocated when a rule set fills only some rows; with one rule set for every unit the
        # engine's own arrays are taken as they are (see _put and _column).
        self._cols: dict[str, NDArray[Any]] = {}
        self.interviews: list[NDArray[np.int64]] = []
        self.bands = _Codes()
        self.grades = _Codes()
        self.keep_scores = indicator_scores
        self.keep_warnings = warnings
        self.scores: dict[str, NDArray[np.float64]] = {}
        self.entries: list[tuple[NDArray[np.int64], NDArray[np.int8], list[str], list[str]]] = []

    def _column(self, name: str) -> NDArray[Any]:
        """Column ``name``, filled with its "none" value where no rule set has written yet."""
        col = self._cols.get(name)
        if col is None:
            fill, dtype = _EMPTY[name]
            col = self._cols[name] = np.full(self.n, fill, dtype=dtype)
        return col

    def _put(self, name: str, rows: NDArray[np.int64] | None, src: NDArray[Any]) -> None:
        """Write ``src`` into column ``name`` at ``rows``; with every row, take it as it is."""
        if rows is None:
            self._cols[name] = src
        else:
            self._column(name)[rows] = src

    def add(
        self,
        r: int,
        rows: NDArray[np.int64] | None,
        res: ColumnResult,
        extra: list[tuple[int, Warning]] | None = None,
    ) -> None:
        """Put rule set ``r``'s results (for ``rows``, or every row) in place, with ranks."""
        cp = res.plan
        for name in _FLOATS:
            self._put(name, rows, getattr(res, name))
        self._put("band", rows, self.bands.lut(cp.band_ids)[res.band])
        self._put("grade", rows, self.grades.lut(cp.grade_ids)[res.grade])
        self._put("lag", rows, res.lag)
        self._put("complete", rows, res.complete)
        count = res.warning_count
        level = res.max_level
        if extra:
            count, level = count.copy(), level.copy()
            local = np.array([i for i, _ in extra], dtype=np.int64)
            lv = np.array([int(w.level) for _, w in extra], dtype=np.int8)
            np.add.at(count, local, 1)
            np.maximum.at(level, local, lv)
        self._put("count", rows, count)
        self._put("level", rows, level)
        if self.keep_scores and res.indicator_scores is not None:
            for iid, col in zip(cp.plan.tree.indicator_ids, res.indicator_scores, strict=True):
                if rows is None:
                    self.scores[iid] = col
                else:
                    self.scores.setdefault(iid, np.full(self.n, np.nan))[rows] = col
        if self.keep_warnings:
            self._keep_warnings(rows, res, extra or [])

    def _keep_warnings(
        self, rows: NDArray[np.int64] | None, res: ColumnResult, extra: list[tuple[int, Warning]]
    ) -> None:
        assert res.warning_rows is not None and res.warning_sources is not None
        srcs = res.plan.sources
        local = res.warning_rows
        glob = local if rows is None else rows[local]
        levels = np.array([int(s.level) for s in srcs], dtype=np.int8)[res.warning_sources]
        codes = [srcs[j].code for j in res.warning_sources.tolist()]
        subjects = [srcs[j].subject for j in res.warning_sources.tolist()]
        self.entries.append((glob.astype(np.int64), levels, codes, subjects))
        if extra:
            loc = np.array([i for i, _ in extra], dtype=np.int64)
            self.entries.append(
                (
                    loc if rows is None else rows[loc],
                    np.array([int(w.level) for _, w in extra], dtype=np.int8),
                    [w.code for _, w in extra],
                    [w.evidence[0].subject if w.evidence else "" for _, w in extra],
                )
            )

    def _warnings_column(self) -> pa.Array:
        rows = np.concatenate([e[0] for e in self.entries]) if self.entries else np.zeros(0, int)
        levels = np.concatenate([e[1] for e in self.entries]) if self.entries else np.zeros(0)
        codes = [c for e in self.entries for c in e[2]]
        subjects = [s for e in self.entries for s in e[3]]
        names = sorted(set(codes))
        code_idx = np.array([names.index(c) for c in codes], dtype=np.int64)
        order = np.lexsort((code_idx, -levels.astype(np.int64), rows))
        offsets = np.zeros(self.n + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=self.n), out=offsets[1:])
        values = pa.StructArray.from_arrays(
            [
                pa.array([LEVELS[int(x)] for x in levels[order]], pa.string()),
                pa.array([codes[i] for i in order.tolist()], pa.string()),
                pa.array([subjects[i] for i in order.tolist()], pa.string()),
            ],
            names=["level", "code", "subject"],
        )
        return pa.ListArray.from_arrays(pa.array(offsets), values)

    def _rank(self) -> None:
        """Rank each class (rule set id and version) and flag the bottom of each class."""
        one_class = len({(rs.id, rs.version) for rs in self.locks.rulesets}) == 1
        # one class: rank_classes reads no class codes (spare a gather over every row)
        lock = self.locks.lock[:0] if one_class else self.locks.lock
        classes, k = class_codes(self.locks.rulesets, lock)
        cols = self._cols
        score, complete = self._column("score"), self._column("complete")
        cols["rank"], cols["size"], cols["percentile"], flagged = rank_classes(
            classes, score, complete, k
        )
        if flagged.size:
            count, level = self._column("count"), self._column("level")
            count[flagged] += 1
            level[flagged] = np.maximum(level[flagged], np.int8(WarningLevel.YELLOW))
            if self.keep_warnings:
                m = len(flagged)
                self.entries.append(
                    (flagged, np.full(m, int(WarningLevel.YELLOW), dtype=np.int8),
                     ["interview"] * m, ["rank"] * m)
                )  # fmt: skip

    def table(self, *, rank: bool = True) -> pa.Table:
        """The result table (see the module docstring for its columns); ``rank=False`` leaves
        the ranking columns empty (a chunk of a stream, ranked when the stream ends)."""
        # Ranking (a sort; NumPy releases the GIL) runs on a worker thread while the columns it
        # does not change are built; warning counts and levels (an interview adds one) after.
        for name in ("score", "complete", "count", "level"):
            self._column(name)  # created here, not by both threads at once
        with ThreadPoolExecutor(max_workers=1) as pool:
            ranked = pool.submit(self._rank) if rank else None
            try:
                cols = self._columns()
            finally:
                if ranked is not None:
                    ranked.result()
        col = self._column
        cols["warning_count"] = pa.array(col("count"))
        level = col("level")
        cols["max_level"] = _dictionary(
            np.where(level > 0, level - 1, -1), [lv.name.lower() for lv in WarningLevel]
        )
        cols["rank"] = _unranked_null(col("rank"))
        cols["class_size"] = _unranked_null(col("size"))
        cols["percentile"] = _nullable(col("percentile"))
        for iid, scores in sorted(self.scores.items()):
            cols[f"score.{iid}"] = _nullable(scores)
        if self.keep_warnings:
            cols["warnings"] = self._warnings_column()
        return pa.table(cols)

    def _columns(self) -> dict[str, pa.Array | pa.ChunkedArray]:
        """The columns up to ``complete`` (those ranking leaves alone), in the table's order."""
        locks = self.locks
        lock = locks.lock.astype(np.int16)
        cols: dict[str, pa.Array | pa.ChunkedArray] = {
            "unit_id": self.ids,
            "ruleset_id": _dictionary(lock, [rs.id for rs in locks.rulesets]),
            "ruleset_version": _dictionary(lock, [rs.version for rs in locks.rulesets]),
        }
        if self.period is not None:
            cols["period"] = _dictionary(np.zeros(self.n, dtype=np.int16), [self.period])
        col = self._column
        for name in _FLOATS:
            cols[name] = _nullable(col(name))
        cols["band"] = _dictionary(col("band"), self.bands.labels)
        cols["lag"] = _dictionary(col("lag"), LAGS)
        cols["grade"] = _dictionary(col("grade"), self.grades.labels)
        cols["complete"] = pa.array(col("complete"))
        return cols
