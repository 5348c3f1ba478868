"""Evaluating from files: units and observations read, checked, evaluated chunk by chunk.

The units file is read once and held (its ids, types and attributes: tens of bytes per unit);
the observations file is read in chunks of ``chunk_rows`` rows, each checked and evaluated
before the next is read, so memory follows the chunk size, not the file size. Ranking needs
every score of a class, so the (class, score, completeness) of each evaluated unit is kept
(17 bytes per unit) and ranks are applied when the last chunk is done.

Counts always add up and are part of the result: units read = evaluated + set aside;
observation rows read = used + set aside.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from numpy.typing import NDArray

from classguide.batch.engine import DEFAULT_BLOCK
from classguide.batch.locks import Locks
from classguide.batch.output import class_codes
from classguide.batch.ranking import rank_classes
from classguide.batch.tables import Columns, Source, evaluate_groups, source_of
from classguide.errors import InputError
from classguide.io.observations import Chunk, ObservationState, check_chunk
from classguide.io.problems import InputProblem
from classguide.io.readers import RawTable, iter_raw
from classguide.io.units import SetAside, UnitsIndex, read_units
from classguide.ruleset import RuleSet

__all__ = ["Counts", "Ranks", "RunResult", "evaluate_chunks", "known_types"]


@attrs.frozen(kw_only=True)
class Counts:
    """How many rows were read, evaluated (used) and set aside, per file."""

    units_read: int
    units_evaluated: int
    units_set_aside: int
    rows_read: int
    rows_used: int
    rows_set_aside: int

    @property
    def add_up(self) -> bool:
        """Whether read = evaluated + set aside for both files."""
        return (
            self.units_read == self.units_evaluated + self.units_set_aside
            and self.rows_read == self.rows_used + self.rows_set_aside
        )

    def __str__(self) -> str:
        ok = "the counts add up" if self.add_up else "THE COUNTS DO NOT ADD UP"
        return (
            f"units: {self.units_read:,} read = {self.units_evaluated:,} evaluated + "
            f"{self.units_set_aside:,} set aside; observation rows: {self.rows_read:,} read = "
            f"{self.rows_used:,} used + {self.rows_set_aside:,} set aside ({ok})"
        )


@attrs.define
class Ranks:
    """Class, score and completeness of every unit evaluated so far, in output order."""

    classes: list[NDArray[np.int64]] = attrs.field(factory=list)
    scores: list[NDArray[np.float64]] = attrs.field(factory=list)
    complete: list[NDArray[np.bool_]] = attrs.field(factory=list)

    def add(self, classes: NDArray[np.int64], table: pa.Table) -> None:
        self.classes.append(classes)
        score = table.column("score").to_numpy(zero_copy_only=False)
        self.scores.append(np.asarray(score, dtype=np.float64))
        complete = table.column("complete").to_numpy(zero_copy_only=False)
        self.complete.append(np.asarray(complete, dtype=np.bool_))

    def rank(
        self, rulesets: tuple[RuleSet, ...]
    ) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.bool_]]:
        """Rank, class size, percentile and the interview flag of every unit, in order."""
        if not self.classes:
            z = np.zeros(0, np.int64)
            return z, z, np.zeros(0), np.zeros(0, np.bool_)
        classes = np.concatenate(self.classes)
        _, bottom = class_codes(rulesets, np.zeros(0, np.int32))
        rank, size, pct, flagged = rank_classes(
            classes, np.concatenate(self.scores), np.concatenate(self.complete), bottom
        )
        flags = np.zeros(len(classes), dtype=np.bool_)
        flags[flagged] = True
        return rank, size, pct, flags


@attrs.frozen(kw_only=True, eq=False)
class RunResult:
    """What a run over two files found: counts, problems, set-aside rows, the rule sets."""

    counts: Counts
    problems: tuple[InputProblem, ...]
    set_aside: tuple[SetAside, ...]
    rulesets: tuple[RuleSet, ...]


def known_types(source: object) -> tuple[str, ...]:
    """The unit types a source knows: a guide's loaded types, or a rule set's own type."""
    if isinstance(source, RuleSet):
        return (source.unit_type,)
    types = getattr(source, "unit_types", None)
    return tuple(types) if types is not None else ()


def _long_carry(chunks: Iterator[RawTable]) -> Iterator[RawTable]:
    """Chunks of a long file, with each chunk's last unit held back to join the next chunk (a
    chunk boundary must not split a unit's consecutive rows)."""
    held: RawTable | None = None
    for raw in chunks:
        if held is not None and raw.table.num_columns:
            raw = RawTable(
                file=raw.file,
                table=pa.concat_tables([held.table, raw.table.select(held.table.column_names)]),
                rows=np.concatenate([held.rows, raw.rows]),
                malformed=held.malformed + raw.malformed,
            )
        held = None
        t = raw.table
        if t.num_rows and "unit_id" in t.column_names:
            ids = t.column("unit_id")
            last = ids[t.num_rows - 1]
            same = np.asarray(pc.equal(ids, last).to_numpy(zero_copy_only=False), dtype=np.bool_)
            tail = t.num_rows
            while tail > 0 and same[tail - 1]:
                tail -= 1
            if tail > 0:
                held = RawTable(file=raw.file, table=t.slice(tail), rows=raw.rows[tail:])
                raw = RawTable(file=raw.file, table=t.slice(0, tail), rows=raw.rows[:tail],
                               malformed=raw.malformed)  # fmt: skip
        yield raw
    if held is not None:
        yield held


def _evaluate(
    src: Source,
    index: UnitsIndex,
    units: NDArray[np.int64],
    columns: dict[int, Columns],
    labels: pa.Table,
    *,
    period: str | None,
    indicator_scores: bool,
    warnings: bool,
    block: int,
) -> tuple[pa.Table, NDArray[np.int64]]:
    """Results of the kept units ``units`` (positions) from their columns, unranked."""
    locks = Locks(
        rulesets=index.locks.rulesets,
        lock=index.locks.lock[units],
        tier=index.locks.tier[units],
        errors=(),
    )
    chunk_units = index.units.take(pa.array(units))
    ids = pc.cast(chunk_units.column("unit_id"), pa.string())

    def columns_for(rs: RuleSet, rows: NDArray[np.int64] | None) -> Columns:
        r = index.locks.rulesets.index(rs)
        return columns.get(r, ({}, {}))

    out = evaluate_groups(
        src, chunk_units, ids, locks, columns_for, labels,
        period=period, indicator_scores=indicator_scores, warnings=warnings, block=block,
    )  # fmt: skip
    table = out.table(rank=False)
    names = chunk_units.column("name")
    table = table.add_column(1, "name", names)
    classes, _ = class_codes(index.locks.rulesets, locks.lock)
    return table, classes


def evaluate_chunks(
    source: object,
    units_path: str | Path,
    observations_path: str | Path,
    *,
    period: str | None = None,
    chunk_rows: int = 200_000,
    indicator_scores: bool = False,
    warnings: bool = False,
    block: int = DEFAULT_BLOCK,
    on_table: Callable[[pa.Table, NDArray[np.int64]], None],
    on_progress: Callable[[int], None] | None = None,
) -> RunResult:
    """Read, check and evaluate; hand each chunk's (unranked) results to ``on_table``.

    ``on_table(table, classes)`` gets the results of a chunk and each unit's class code (for
    ranking at the end); ``on_progress(rows)`` is told how many observation rows were read.
    """
    src = source_of(source)
    index = read_units(units_path, src, known_types(source))
    state = ObservationState.for_units(index)
    problems = list(index.problems)
    set_aside = list(index.set_aside)
    rows_read = rows_used = 0
    ignore = {c for c in index.units.column_names if c != "unit_id"}
    source_chunks = iter_raw(observations_path, block_rows=chunk_rows)
    first = next(source_chunks, None)
    chunks: Iterator[RawTable] = iter(())
    if first is not None:
        is_long = {"unit_id", "indicator_id", "value"} <= set(first.table.column_names)

        def again() -> Iterator[RawTable]:
            assert first is not None
            yield first
            yield from source_chunks

        chunks = _long_carry(again()) if is_long else again()
    for raw in chunks:
        chunk: Chunk = check_chunk(raw, index, state, ignore=ignore)
        problems += chunk.problems
        set_aside += chunk.set_aside
        rows_read += chunk.rows_read
        rows_used += chunk.rows_used
        if on_progress is not None:
            on_progress(chunk.rows_read)
        if chunk.units.size:
            table, classes = _evaluate(
                src, index, chunk.units, chunk.columns, chunk.labels, period=period,
                indicator_scores=indicator_scores, warnings=warnings, block=block,
            )  # fmt: skip
            on_table(table, classes)
    # units the observations never mention are evaluated with no data (incomplete, never zero)
    rest = np.flatnonzero((state.used_row == 0) & ~state.aside)
    for start in range(0, len(rest), chunk_rows):
        part = rest[start : start + chunk_rows].astype(np.int64)
        table, classes = _evaluate(
            src, index, part, {}, pa.table({}), period=period,
            indicator_scores=indicator_scores, warnings=warnings, block=block,
        )  # fmt: skip
        on_table(table, classes)
    for p in np.flatnonzero(state.aside).tolist():
        record = {c: index.units.column(c)[p].as_py() for c in index.units.column_names}
        set_aside.append(
            SetAside(
                file=index.file,
                row=int(index.rows[p]),
                record=record,
                reasons=(
                    "an observation of this unit was refused (see the observations "
                    "file's rows in this quarantine)",
                ),
            )
        )
    units_file = str(Path(units_path))
    counts = Counts(
        units_read=index.read,
        units_evaluated=int((~state.aside).sum()),
        units_set_aside=sum(1 for s in set_aside if s.file == units_file),
        rows_read=rows_read,
        rows_used=rows_used,
        rows_set_aside=sum(1 for s in set_aside if s.file != units_file),
    )
    order = {str(Path(units_path)): 0, str(Path(observations_path)): 1}
    problems.sort(key=lambda p: (order.get(p.file, 2), p.row or 0))
    set_aside.sort(key=lambda s: (order.get(s.file, 2), s.row or 0))
    return RunResult(
        counts=counts,
        problems=tuple(problems),
        set_aside=tuple(set_aside),
        rulesets=index.locks.rulesets,
    )


def raise_if_strict(result: RunResult) -> None:
    """Raise :class:`InputError` listing every problem of ``result`` (strict mode)."""
    if result.problems:
        raise InputError(
            list(result.problems),
            message=f"{len(result.problems)} problem(s) in the input files; nothing written "
            f"(run without --strict to evaluate the rest and quarantine these rows)",
        )
