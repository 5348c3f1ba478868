"""The built-in warning rules of :mod:`classguide.diagnosis` on columns.

Each rule becomes one or more *sources* (see :class:`~classguide.batch.plan.Source`), a boolean
mask per block. Counting the masks gives ``warning_count``, the most severe triggered source gives
``max_level``, and on request the masks give every (unit, warning) pair, in the order
:func:`~classguide.diagnosis.diagnose` sorts them.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from classguide.batch.plan import ColumnPlan

__all__ = ["BlockWarnings", "disconnect_values"]

F64 = NDArray[np.float64]
Bool = NDArray[np.bool_]


def disconnect_values(
    parts: Sequence[tuple[int, float]], scores: Sequence[F64], missing: Sequence[bool], size: int
) -> F64:
    """Weighted score of a tag's present indicators per row (NaN where none is present).

    Sums run in the order of :func:`~classguide.diagnosis.disconnect_scores` (indicator order),
    adding 0 for a missing indicator, so the score is the single-unit path's to the bit.
    """
    acc = np.zeros(size)
    wsum = np.zeros(size)
    for k, w in parts:
        s = scores[k]
        if missing[k]:
            present = ~np.isnan(s)
            part = s * w
            np.copyto(part, 0.0, where=~present)
            acc += part
            wsum += present * w
        else:
            acc += s * w
            wsum += w
    with np.errstate(all="ignore"):
        value = acc / wsum
    np.copyto(value, np.nan, where=~(wsum > 0.0))
    return value


class BlockWarnings:
    """Accumulates warning counts, levels and (optionally) the warnings, block by block."""

    def __init__(self, cp: ColumnPlan, n: int, keep: bool) -> None:
        self.counts = np.zeros(n, dtype=np.int32)
        self.levels = np.zeros(n, dtype=np.int8)
        self.keep = keep
        self._rows: list[NDArray[np.int64]] = []
        self._sources: list[NDArray[np.int32]] = []
        self._sources_of = [int(src.level) for src in cp.sources]
        self._lock = threading.Lock()

    @staticmethod
    def masks(
        cp: ColumnPlan,
        viols: Sequence[Bool | None],
        band: NDArray[np.int8],
        present: Bool,
        gap: F64,
        complete: Bool,
        tags: Sequence[F64],
    ) -> list[Bool | None]:
        """One mask per source of ``cp.sources`` (``None``: that source cannot fire here).

        ``gap`` is (P − B) / 100 as the lag rule computes it; ``cp.lag_gap`` and
        ``cp.disconnect_threshold`` already allow :data:`~classguide.diagnosis.TOLERANCE`.
        """
        band_level = np.array([*cp.band_levels, 0], dtype=np.int8)[band]
        with np.errstate(invalid="ignore"):
            # ~(|gap| < lag_gap) without a float temporary (NaN: not within, as np.abs gives)
            lagging = present & ~((gap < cp.lag_gap) & (gap > -cp.lag_gap))
            party_side = gap < 0
            below = {
                tag: value < cp.disconnect_threshold
                for (tag, _), value in zip(cp.disconnects, tags, strict=True)
            }
        out: list[Bool | None] = []
        for src in cp.sources:
            if src.kind in ("veto", "floor"):
                out.append(viols[src.index])
            elif src.kind == "coordination":
                out.append(present & (band_level == int(src.level)))
            elif src.kind == "lag":
                side = party_side if src.subject == "party" else ~party_side
                out.append(lagging & side)
            elif src.kind == "disconnect":
                out.append(below[src.subject])
            else:
                out.append(~complete)
        return out

    def add(self, a: int, masks: Sequence[Bool | None]) -> None:
        """Count the block starting at row ``a`` (its masks from :meth:`masks`)."""
        size = next((len(m) for m in masks if m is not None), 0)
        # counted in bytes (a mask read as 0/1 bytes; no conversion to int32 per mask)
        count = np.zeros(size, dtype=np.uint8 if len(masks) < 256 else np.int32)
        by_level: dict[int, Bool] = {}
        for src, mask in zip(self._sources_of, masks, strict=True):
            if mask is None:
                continue
            count += mask.view(np.uint8) if count.dtype == np.uint8 else mask
            hit = by_level.get(src)
            if hit is None:
                by_level[src] = mask.copy()
            else:
                hit |= mask
        level = np.zeros(size, dtype=np.int8)
        for lvl in sorted(by_level):  # the highest level wins (levels are positive)
            np.maximum(level, by_level[lvl].view(np.int8) * np.int8(lvl), out=level)
        self.counts[a : a + size] = count
        self.levels[a : a + size] = level
        if self.keep:
            stack = np.zeros((size, len(masks)), dtype=np.bool_)
            for j, mask in enumerate(masks):
                if mask is not None:
                    stack[:, j] = mask
            rows, cols = np.nonzero(stack)
            with self._lock:  # blocks may finish in any order (threads)
                self._rows.append(rows.astype(np.int64) + a)
                self._sources.append(cols.astype(np.int32))

    def finish(
        self,
    ) -> tuple[
        NDArray[np.int32], NDArray[np.int8], NDArray[np.int64] | None, NDArray[np.int32] | None
    ]:
        """Counts, levels and (when kept) the (row, source) pairs of every warning."""
        if not self.keep:
            return self.counts, self.levels, None, None
        rows = np.concatenate(self._rows) if self._rows else np.zeros(0, dtype=np.int64)
        srcs = np.concatenate(self._sources) if self._sources else np.zeros(0, dtype=np.int32)
        order = np.argsort(rows, kind="stable")  # rows ascending; sources in order within a row
        return self.counts, self.levels, rows[order], srcs[order]
