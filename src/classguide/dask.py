"""Beyond one machine: the batch partition function on a Dask cluster (optional extra ``dask``).

``evaluate_dataframe(ddf, source)`` runs :func:`classguide.batch.evaluate_table` — the same
columnar engine, unchanged — on every partition of a Dask DataFrame, then ranks within class
across all partitions (ranking needs every score of a class: only the rule set, score and
completeness of each unit travel to the client, 17 bytes a unit) and attaches the ranks
partition by partition. The result is a Dask DataFrame with the columns of ``evaluate_table``.

``ddf`` holds one row per unit with the units table's columns (``unit_id``, ``name``,
``unit_type``, one column per attribute) and the observations' columns (one per indicator or
formula input) side by side. ``source`` is what :func:`evaluate_table` takes (a rule set or a
:class:`~classguide.Guide`), or a function with no arguments that makes one on each worker
(e.g. ``classguide.Guide``) — use that on clusters of several processes, where a Guide, which
holds loaded plugins, cannot be shipped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pyarrow as pa
from numpy.typing import NDArray

from classguide.batch.inputs import UNIT_COLUMNS
from classguide.batch.locks import PARENT_COLUMNS
from classguide.batch.ranking import rank_classes
from classguide.batch.tables import evaluate_table
from classguide.plan import plan_for
from classguide.ranking import bottom_count
from classguide.ruleset import RuleSet

__all__ = ["evaluate_dataframe", "evaluate_partition"]

_MADE: dict[int, object] = {}


def _source(source: object) -> object:
    """``source``, or what it makes (once per process) when it is a function of no arguments."""
    if isinstance(source, RuleSet) or hasattr(source, "ruleset_for"):
        return source
    if callable(source):
        key = id(source)
        if key not in _MADE:
            _MADE[key] = source()
        return _MADE[key]
    return source


def _rulesets(source: object) -> list[RuleSet]:
    if isinstance(source, RuleSet):
        return [source]
    return list(getattr(source, "rulesets", {}).values())


def _split(columns: list[str], source: object) -> tuple[list[str], list[str]]:
    """(units columns, observation columns) of a combined frame."""
    keys: set[str] = set()
    for rs in _rulesets(source):
        keys |= plan_for(rs).known_keys
    fixed = set(UNIT_COLUMNS) | set(PARENT_COLUMNS)
    observed = [c for c in columns if c in keys and c not in fixed]
    units = [c for c in columns if c not in observed]
    return units, observed


def _plain(table: pa.Table) -> pa.Table:
    """Dictionary (category) columns as plain text, for pandas."""
    cols = {}
    for name in table.column_names:
        col = table.column(name)
        cols[name] = col.cast(pa.string()) if pa.types.is_dictionary(col.type) else col
    return pa.table(cols)


def evaluate_partition(frame: Any, source: object, period: str | None = None) -> Any:
    """The unranked results (a pandas DataFrame) of one partition: the partition function."""
    src = _source(source)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    unit_cols, obs_cols = _split(table.column_names, src)
    units = table.select(unit_cols)
    observations = table.select(["unit_id", *obs_cols])
    out = evaluate_table(src, units, observations, period=period, rank=False)
    return _plain(out).to_pandas()


def _attach(frame: Any, rank: NDArray[np.int64], size: NDArray[np.int64],
            pct: NDArray[np.float64], flagged: NDArray[np.bool_]) -> Any:  # fmt: skip
    import pandas as pd

    from classguide.streaming import apply_ranks

    table = pa.Table.from_pandas(frame, preserve_index=False)
    ranked = apply_ranks(table, rank, size, pct, flagged)
    out = _plain(ranked).to_pandas()
    return out.astype({"rank": pd.Int64Dtype(), "class_size": pd.Int64Dtype()})


def _meta(ddf: Any, source: object, period: str | None) -> Any:
    return evaluate_partition(ddf._meta, source, period)


def evaluate_dataframe(ddf: Any, source: object, *, period: str | None = None) -> Any:
    """Evaluate every unit of the Dask DataFrame ``ddf``; a Dask DataFrame of results.

    The per-partition work is :func:`evaluate_partition`; ranks are computed across all
    partitions on the client and attached per partition, so the result equals
    ``evaluate_table`` on the whole table.
    """
    try:
        import dask.dataframe as dd
        from dask.delayed import delayed
    except ImportError:  # pragma: no cover - the test extra installs it
        raise ImportError("classguide.dask needs Dask: pip install 'classguide[dask]'") from None

    meta = _meta(ddf, source, period)
    results = ddf.map_partitions(evaluate_partition, source, period, meta=meta).persist()
    keys = results[["ruleset_id", "ruleset_version", "score", "complete"]].compute()
    lengths = results.map_partitions(len).compute().tolist()
    src = _source(source)
    by_key = {(rs.id, rs.version): rs for rs in _rulesets(src)}
    pairs = list(zip(keys["ruleset_id"].tolist(), keys["ruleset_version"].tolist(), strict=True))
    index: dict[tuple[str, str], int] = {}
    classes = np.array([index.setdefault(p, len(index)) for p in pairs], dtype=np.int64)
    bottom: list[Callable[[int], int]] = [
        functools.partial(bottom_count, by_key[p]) if p in by_key else (lambda m: 0) for p in index
    ]
    score = keys["score"].to_numpy(dtype=np.float64, na_value=np.nan)
    complete = keys["complete"].to_numpy(dtype=np.bool_)
    rank, size, pct, flagged_rows = rank_classes(classes, score, complete, bottom)
    flagged = np.zeros(len(score), dtype=np.bool_)
    flagged[flagged_rows] = True
    none = np.zeros(0, dtype=np.int64)
    meta_ranked = _attach(meta, none, none, np.zeros(0), np.zeros(0, dtype=np.bool_))
    parts = []
    start = 0
    for part, n in zip(results.to_delayed(), lengths, strict=True):
        end = start + n
        parts.append(
            delayed(_attach)(
                part, rank[start:end], size[start:end], pct[start:end], flagged[start:end]
            )
        )
        start = end
    return dd.from_delayed(parts, meta=meta_ranked)
