"""``classguide evaluate``: files larger than memory, evaluated in chunks with a progress bar.

The observations file is read ``chunk_rows`` rows at a time; each chunk is checked, evaluated
and written to a temporary Parquet file before the next is read. When the last chunk is done the
ranks (which need every score of a class) are applied while the results are copied, chunk by
chunk, to ``results.parquet`` and ``results.csv`` (formula-safe, UTF-8 with BOM). Set-aside rows
go to ``quarantine.csv``; ``summary.json`` holds the counts (read = evaluated + set aside).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import NDArray

from classguide.batch.output import LEVELS
from classguide.io.readers import format_of
from classguide.io.run import Ranks, RunResult, evaluate_chunks, raise_if_strict
from classguide.io.writers import CsvSink, quarantine_table, write_csv
from classguide.results import WarningLevel

__all__ = ["StreamResult", "apply_ranks", "stream_evaluate"]


@attrs.frozen(kw_only=True, eq=False)
class StreamResult:
    """What a streamed run wrote and found."""

    run: RunResult
    results: Path
    results_csv: Path
    quarantine: Path
    summary: Path

    def __str__(self) -> str:
        return str(self.run.counts)


def apply_ranks(
    table: pa.Table,
    rank: NDArray[np.int64],
    size: NDArray[np.int64],
    pct: NDArray[np.float64],
    flagged: NDArray[np.bool_],
) -> pa.Table:
    """``table`` (a chunk of results) with its ranks and the bottom-of-class interviews."""
    unranked = rank == 0
    cols = {
        "rank": pa.array(rank, mask=unranked),
        "class_size": pa.array(size, mask=unranked),
        "percentile": pa.array(pct, mask=np.isnan(pct)),
    }
    if flagged.any():
        count = table.column("warning_count").to_numpy(zero_copy_only=False).copy()
        count[flagged] += 1
        cols["warning_count"] = pa.array(count.astype(np.int32))
        level = np.array(
            [LEVELS.index(x) if x else 0 for x in table.column("max_level").to_pylist()],
            dtype=np.int8,
        )
        level[flagged] = np.maximum(level[flagged], int(WarningLevel.YELLOW))
        codes = pa.array(np.where(level > 0, level - 1, -1).astype(np.int16), mask=level == 0)
        names = pa.array([lv.name.lower() for lv in WarningLevel], pa.string())
        cols["max_level"] = pa.DictionaryArray.from_arrays(codes, names)
        if "warnings" in table.column_names:
            lists = table.column("warnings").to_pylist()
            for i in np.flatnonzero(flagged).tolist():
                lists[i] = sorted(
                    [*lists[i], {"level": "yellow", "code": "interview", "subject": "rank"}],
                    key=lambda w: (-LEVELS.index(w["level"]), w["code"]),
                )
            cols["warnings"] = pa.array(lists, table.schema.field("warnings").type)
    for name, col in cols.items():
        table = table.set_column(table.column_names.index(name), name, col)
    return table


def _progress(
    enabled: bool, total: int | None
) -> tuple[AbstractContextManager[Any], Callable[[int], None]]:
    if not enabled:
        return nullcontext(), lambda n: None
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    bar = Progress(
        TextColumn("[bold]评价 evaluating[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("rows"),
        TimeElapsedColumn(),
    )
    task = bar.add_task("rows", total=total)
    return bar, lambda n: bar.advance(task, n)


def _rows_hint(path: Path) -> int | None:
    """The number of rows when the file says so cheaply (Parquet), else ``None``."""
    if format_of(path) == "parquet":
        return int(pq.ParquetFile(path).metadata.num_rows)
    return None


def stream_evaluate(
    source: object,
    units: str | Path,
    observations: str | Path,
    out: str | Path,
    *,
    strict: bool = False,
    period: str | None = None,
    chunk_rows: int = 200_000,
    progress: bool = True,
    warnings: bool = False,
) -> StreamResult:
    """Evaluate the files ``units`` and ``observations`` into the folder ``out``.

    In strict mode any problem raises :class:`~classguide.InputError` listing every problem,
    and no results are written; otherwise the problem rows are set aside to ``quarantine.csv``
    and everything else is evaluated.
    """
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    tmp = out_dir / ".unranked.parquet"
    writer: pq.ParquetWriter | None = None
    ranks = Ranks()

    def on_table(table: pa.Table, classes: NDArray[np.int64]) -> None:
        nonlocal writer
        if writer is None:
            writer = pq.ParquetWriter(tmp, table.schema)
        writer.write_table(table.cast(writer.schema))
        ranks.add(classes, table)

    bar, advance = _progress(progress, _rows_hint(Path(observations)))
    try:
        with bar:
            run = evaluate_chunks(
                source, units, observations, period=period, chunk_rows=chunk_rows,
                warnings=warnings, on_table=on_table, on_progress=advance,
            )  # fmt: skip
        if writer is not None:
            writer.close()
            writer = None
        if strict:
            raise_if_strict(run)
        results = out_dir / "results.parquet"
        results_csv = out_dir / "results.csv"
        _finish(tmp, results, results_csv, ranks, run)
    except BaseException:
        if writer is not None:
            writer.close()
        tmp.unlink(missing_ok=True)
        raise
    tmp.unlink(missing_ok=True)
    quarantine = out_dir / "quarantine.csv"
    write_csv([quarantine_table(run.set_aside)], quarantine)
    summary = out_dir / "summary.json"
    summary.write_text(
        json.dumps(
            {
                "counts": attrs.asdict(run.counts),
                "counts_add_up": run.counts.add_up,
                "problems": len(run.problems),
                "rulesets": [f"{rs.id} {rs.version}" for rs in run.rulesets],
                "message": str(run.counts),
            },
            ensure_ascii=False,
            indent=2,
        ),
        encoding="utf-8",
    )
    return StreamResult(
        run=run, results=results, results_csv=results_csv, quarantine=quarantine, summary=summary
    )


def _finish(tmp: Path, results: Path, results_csv: Path, ranks: Ranks, run: RunResult) -> None:
    """Copy the unranked results to their final files, chunk by chunk, with their ranks."""
    rank, size, pct, flagged = ranks.rank(run.rulesets)
    if not tmp.exists():
        empty = pa.table({"unit_id": pa.array([], pa.string())})
        pq.write_table(empty, results)
        write_csv([empty], results_csv)
        return

    def ranked() -> Iterator[pa.Table]:
        start = 0
        for batch in pq.ParquetFile(tmp).iter_batches(batch_size=200_000):
            table = pa.Table.from_batches([batch])
            end = start + table.num_rows
            yield apply_ranks(table, rank[start:end], size[start:end], pct[start:end],
                              flagged[start:end])  # fmt: skip
            start = end

    final: pq.ParquetWriter | None = None
    with CsvSink(results_csv) as csv_sink:
        try:
            for table in ranked():
                if final is None:
                    final = pq.ParquetWriter(results, table.schema)
                final.write_table(table)
                csv_sink.write(table)
        finally:
            if final is not None:
                final.close()


def run_evaluate_command(
    *,
    units: str,
    observations: str,
    out: str,
    strict: bool,
    period: str | None,
    ruleset_file: str | None,
    chunk_rows: int,
    warnings: bool,
    progress: bool,
    echo: Callable[[str], None],
) -> int:
    """The ``classguide evaluate`` command: run, print the counts and where things went."""
    from classguide.errors import ClassguideError, InputError

    source: object
    if ruleset_file is not None:
        from classguide.rulefiles import load_ruleset

        source = load_ruleset(ruleset_file)
    else:
        from classguide.guide import Guide

        source = Guide()
    try:
        result = stream_evaluate(
            source, units, observations, out, strict=strict, period=period,
            chunk_rows=chunk_rows, progress=progress, warnings=warnings,
        )  # fmt: skip
    except InputError as exc:
        echo(str(exc))
        return 1
    except (ClassguideError, OSError, ValueError) as exc:
        echo(f"error: {exc}")
        return 1
    run = result.run
    echo(str(run.counts))
    for p in run.problems[:20]:
        echo(f"  {p}")
    if len(run.problems) > 20:
        echo(f"  … {len(run.problems) - 20} more problem(s): see {result.quarantine}")
    echo(f"results: {result.results} and {result.results_csv}")
    echo(f"set aside: {result.quarantine}; summary: {result.summary}")
    return 0 if run.counts.add_up else 2
