"""Duplicate unit ids in a column of millions, found without hashing every string in Python.

Each id's bytes (up to 64) are gathered into 64-bit words and folded into a 64-bit fingerprint
with NumPy; equal fingerprints are then compared exactly, so a collision can cost time but never
a wrong answer. Longer ids are fingerprinted with Python's string hash.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

__all__ = ["duplicate_ids", "fingerprints"]

_WIDTH = 64
_MUL = np.uint64(0x9E3779B97F4A7C15)
#: ``_KEEP[k]`` keeps the low ``k`` bytes of a little-endian word.
_KEEP = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [2**64 - 1], dtype=np.uint64)


def fingerprints(arr: pa.Array) -> NDArray[np.uint64]:
    """64-bit fingerprints of the strings of ``arr`` (nulls read as empty text).

    An id's fingerprint depends on that id alone (not on the other ids of ``arr``), so
    fingerprints of two arrays can be compared with each other.
    """
    arr = pc.fill_null(pc.cast(arr, pa.string()), "")
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    n = len(arr)
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], dtype=np.int32, count=n + 1, offset=arr.offset * 4)
    lengths = np.diff(offsets)
    width = min(int(lengths.max()) if n else 0, _WIDTH)
    words = max(1, (width + 7) // 8)
    data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(1, np.uint8)
    data = np.concatenate([data, np.zeros(8 * words, dtype=np.uint8)])
    # Every byte offset read as a little-endian 64-bit word (an unaligned, overlapping view):
    # one gather per 8 bytes of id instead of one per byte.
    at = np.ndarray((len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))
    starts = offsets[:-1].astype(np.int64)
    h: NDArray[np.uint64] = lengths.astype(np.uint64) * _MUL
    with np.errstate(over="ignore"):
        for j in range(words):
            word = at[starts + 8 * j]
            word &= _KEEP[np.clip(lengths - 8 * j, 0, 8)]  # only the id's own bytes
            mixed = h ^ word
            mixed *= _MUL
            mixed ^= mixed >> np.uint64(29)
            if j:  # an id's fingerprint folds its own words only
                np.copyto(h, mixed, where=lengths > 8 * j)
            else:
                h = mixed
    long = np.flatnonzero(lengths > _WIDTH)
    if long.size:  # ids longer than 64 bytes: Python's string hash, one at a time
        texts = arr.take(pa.array(long)).to_pylist()
        h[long] = np.array([hash(x) for x in texts], dtype=np.int64).view(np.uint64)
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
