"""Duplicate unit ids in a column of millions, found without hashing every string in Python.

Each id's bytes (up to 64) are gathered into fixed-width words and folded into a 64-bit
fingerprint with NumPy; equal fingerprints are then compared exactly, so a collision can cost
time but never a wrong answer. Longer ids fall back to Arrow's hash-based count.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

__all__ = ["duplicate_ids", "fingerprints"]

_WIDTH = 64
_MUL = np.uint64(0x9E3779B97F4A7C15)


def fingerprints(arr: pa.Array) -> NDArray[np.uint64]:
    """64-bit fingerprints of the strings of ``arr`` (nulls read as empty text)."""
    arr = pc.fill_null(pc.cast(arr, pa.string()), "")
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    fast = _fingerprints(arr)
    if fast is not None:
        return fast
    # some id is longer than 64 bytes: Python's string hash, one id at a time
    return np.array([hash(x) for x in arr.to_pylist()], dtype=np.int64).view(np.uint64)


def _fingerprints(arr: pa.Array) -> NDArray[np.uint64] | None:
    """Vectorised fingerprints, or ``None`` if an id is longer than 64 bytes."""
    n = len(arr)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int32, count=n + 1, offset=arr.offset * 4)
    lengths = np.diff(offsets)
    width = int(lengths.max()) if n else 0
    if width > _WIDTH:
        return None
    words = max(1, (width + 7) // 8)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(1, np.uint8)
    data = np.concatenate([data, np.zeros(8 * words, dtype=np.uint8)])
    starts = offsets[:-1].astype(np.int64)
    h: NDArray[np.uint64] = lengths.astype(np.uint64) * _MUL
    with np.errstate(over="ignore"):
        for j in range(words):
            word = np.zeros(n, dtype=np.uint64)
            for b in range(8):
                c = 8 * j + b
                byte = data[starts + c].astype(np.uint64)
                byte[lengths <= c] = 0
                word |= byte << np.uint64(8 * b)
            h ^= word
            h *= _MUL
            h ^= h >> np.uint64(29)
    return h


def duplicate_ids(ids: pa.ChunkedArray | pa.Array, limit: int = 5) -> list[str]:
    """Up to ``limit`` ids that occur more than once in ``ids`` (text, no nulls)."""
    arr = ids.combine_chunks() if isinstance(ids, pa.ChunkedArray) else ids
    arr = pc.cast(arr, pa.string())
    h = fingerprints(arr) if len(arr) else np.zeros(0, np.uint64)
    quick = np.sort(h)
    if not (quick[1:] == quick[:-1]).any():
        return []
    order = np.argsort(h)
    sorted_h = h[order]
    same = np.flatnonzero(sorted_h[1:] == sorted_h[:-1])
    found: list[str] = []
    # Every run of equal fingerprints is compared exactly (a run may mix colliding ids).
    for start in same[np.r_[True, np.diff(same) > 1]].tolist() if same.size else []:
        end = start + 1
        while end < len(order) and sorted_h[end] == sorted_h[start]:
            end += 1
        seen: set[str] = set()
        for r in order[start:end].tolist():
            value = arr[r].as_py()
            if value in seen and value not in found:
                found.append(value)
            seen.add(value)
        if len(found) >= limit:
            break
    return found[:limit]
