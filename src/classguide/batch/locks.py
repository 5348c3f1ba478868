"""Key → lock for a whole table: units grouped by type and attributes, each group resolved once.

What selects a unit's rule set is its type and attributes (:meth:`classguide.Unit.key`), so
units sharing them share a lock. The groups are found with dictionary codes (no Python loop per
unit) and each is resolved by one call of the resolver (e.g. ``guide.ruleset_for``) on its
first unit; a nationwide table has a few dozen groups, not millions of hook calls.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from classguide.batch.inputs import UNIT_COLUMNS, is_text
from classguide.batch.plan import column_plan_for
from classguide.errors import ClassguideError, InputError
from classguide.model import Unit
from classguide.ruleset import RuleSet

__all__ = ["PARENT_COLUMNS", "Locks", "attribute_columns", "resolve_locks", "unit_at"]

#: Columns naming a unit's parent (not an attribute).
PARENT_COLUMNS = ("parent", "parent_id")

Resolver = Callable[[Unit], RuleSet]


@attrs.frozen(kw_only=True, eq=False)
class Locks:
    """Each unit's lock: ``lock[i]`` indexes ``rulesets`` (-1: not resolved, see ``errors``).

    ``tier[i]`` is the unit's ``foundation`` value code for its rule set's adjusted tiers (0:
    none); ``errors`` maps a group's first row to why it has no lock, with the group's rows.
    """

    rulesets: tuple[RuleSet, ...]
    lock: NDArray[np.int32]
    tier: NDArray[np.int8]
    errors: tuple[tuple[str, NDArray[np.int64]], ...]


def attribute_columns(units: pa.Table) -> list[str]:
    """The attribute columns of a units table (everything but id, name, type and parent)."""
    skip = set(UNIT_COLUMNS) | set(PARENT_COLUMNS)
    return [c for c in units.column_names if c not in skip]


def _codes(
    col: pa.ChunkedArray | pa.Array, name: str
) -> tuple[NDArray[np.int64] | None, list[object]]:
    """Each row's value as a code into the values (the last one ``None``, for null); codes
    ``None`` when every row has the first value."""
    if not (is_text(col.type) or pa.types.is_null(col.type)):
        raise InputError(
            [
                f"units: column {name!r} must hold text (attribute values such as 'county' or "
                f"'3'), got {col.type}"
            ]
        )
    arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
    if pa.types.is_null(arr.type):
        return None, [None]
    if _one_value(arr):  # e.g. one unit type for the whole table: no hashing needed
        return None, [arr[0].as_py(), None]
    enc = arr if pa.types.is_dictionary(arr.type) else pc.dictionary_encode(arr)
    values = enc.dictionary.to_pylist()
    codes = enc.indices.fill_null(len(values)).to_numpy(zero_copy_only=False).astype(np.int64)
    return codes, [*values, None]


def _one_value(arr: pa.Array) -> bool:
    """Whether ``arr`` (text, not empty) holds one value in every row, no null; a comparison
    with the first value is several times cheaper than hashing every row."""
    if not len(arr) or arr.null_count or pa.types.is_dictionary(arr.type):
        return False
    first = arr[0]
    if not pc.all(pc.equal(arr.slice(0, 64), first)).as_py():
        return False
    return bool(pc.all(pc.equal(arr, first)).as_py())


def unit_at(units: pa.Table, row: int, attributes: list[str]) -> Unit:
    """The :class:`~classguide.Unit` of row ``row`` of a units table."""
    rec = {c: units.column(c)[row].as_py() for c in units.column_names}
    parent = next((rec[c] for c in PARENT_COLUMNS if rec.get(c) is not None), None)
    return Unit(
        id=str(rec["unit_id"]),
        name=str(rec.get("name") or ""),
        unit_type=str(rec["unit_type"]),
        attributes={a: str(rec[a]) for a in attributes if rec.get(a) is not None},
        parent=None if parent is None else str(parent),
    )


def resolve_locks(units: pa.Table, resolve: Resolver) -> Locks:
    """Group ``units`` by type and attributes and resolve each group once with ``resolve``.

    A group whose resolution fails (no rule set, an ambiguous one, a bad attribute) is listed
    in ``errors`` with the message and its rows, for the caller to raise or set aside.
    """
    n = units.num_rows
    attributes = attribute_columns(units)
    names = ("unit_type", *attributes)
    # Arrow releases the GIL while it hashes: the columns are encoded side by side (in order,
    # so the first bad column is the one reported).
    with ThreadPoolExecutor(max_workers=min(2, len(names))) as pool:
        encoded = list(pool.map(lambda name: _codes(units.column(name), name), names))
    key: NDArray[np.int64] | None = None  # None: one type and one value of every attribute
    radix = 1
    for name, (codes, values) in zip(names, encoded, strict=True):
        if codes is not None:
            codes *= radix
            key = codes if key is None else np.add(key, codes, out=key)
        radix *= len(values)
        if radix > 2**40:
            raise InputError([f"units: too many distinct attribute combinations at {name!r}"])
    group: NDArray[np.int64] | None = None  # None: every unit in group 0
    if key is None:
        first = np.zeros(1, dtype=np.int64)
    else:
        present = np.flatnonzero(np.bincount(key, minlength=1)) if n else np.zeros(0, np.int64)
        lut = np.full(int(key.max()) + 1 if n else 1, -1, dtype=np.int64)
        lut[present] = np.arange(len(present))
        group = lut[key]
        first = np.full(len(present), n, dtype=np.int64)
        np.minimum.at(first, group, np.arange(n, dtype=np.int64))
    rulesets: list[RuleSet] = []
    index: dict[int, int] = {}
    group_lock = np.full(len(first), -1, dtype=np.int32)
    group_tier = np.zeros(len(first), dtype=np.int8)
    failed: list[tuple[str, int]] = []
    for g, row in enumerate(first.tolist()):
        unit = unit_at(units, row, attributes)
        try:
            rs = resolve(unit)
        except ClassguideError as exc:
            failed.append((str(exc), g))
            continue
        if id(rs) not in index:
            index[id(rs)] = len(rulesets)
            rulesets.append(rs)
        group_lock[g] = index[id(rs)]
        tiers = column_plan_for(rs).tiers
        tier = unit.attributes.get("foundation")
        group_tier[g] = tiers.index(tier) + 1 if tier in tiers else 0
    if group is None:
        return Locks(
            rulesets=tuple(rulesets),
            lock=np.full(n, group_lock[0], dtype=np.int32),
            tier=np.full(n, group_tier[0], dtype=np.int8),
            errors=tuple((msg, np.arange(n, dtype=np.int64)) for msg, _ in failed),
        )
    errors = tuple((msg, np.flatnonzero(group == g)) for msg, g in failed)
    return Locks(
        rulesets=tuple(rulesets), lock=group_lock[group], tier=group_tier[group], errors=errors
    )
