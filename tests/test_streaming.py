"""``classguide evaluate``: chunked evaluation equals the in-memory one; strict writes nothing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

import classguide as cg
from classguide.cli import main
from classguide.demo import example_ruleset
from classguide.io import evaluate_files
from classguide.streaming import stream_evaluate

RS = example_ruleset()
RULE_FILE = Path(cg.__file__).parent / "examples" / "example_organ.toml"


def population(tmp: Path, n: int, *, long: bool = False, bad_every: int = 0) -> tuple[Path, Path]:
    """``n`` organ units with random observations (some missing); every ``bad_every``-th row
    of observations has a ratio written as 85."""
    rng = np.random.default_rng(n)
    ids = [f"u{i:05d}" for i in range(n)]
    units = pa.table(
        {
            "unit_id": ids,
            "name": [f"单位{i}" for i in range(n)],
            "unit_type": ["organ"] * n,
            "level": rng.choice(["county", "municipal"], n).tolist(),
            "foundation": rng.choice(["weak", "standard", "advanced"], n).tolist(),
        }
    )
    cols: dict[str, list[str]] = {"unit_id": ids}
    for ind in RS.indicators:
        if ind.kind == "ratio":
            values = [f"{x:.3f}" for x in rng.uniform(0.4, 1.0, n)]
        elif ind.kind == "count":
            values = [str(int(x)) for x in rng.integers(0, 60, n)]
        elif ind.kind == "boolean":
            values = rng.choice(["true", "false"], n).tolist()
        else:
            values = rng.choice(sorted(ind.grades or {}), n).tolist()
        gone = rng.uniform(size=n) < 0.05
        cols[ind.id] = ["" if g else v for g, v in zip(gone, values, strict=True)]
    if bad_every:
        cols["tasks_completed"] = [
            "85" if i % bad_every == 0 else v for i, v in enumerate(cols["tasks_completed"])
        ]
    pacsv.write_csv(units, tmp / "units.csv")
    if long:
        rows = [(u, k, cols[k][i]) for i, u in enumerate(ids) for k in cols if k != "unit_id"]
        obs = pa.table({"unit_id": [r[0] for r in rows], "indicator_id": [r[1] for r in rows],
                        "value": [r[2] for r in rows]})  # fmt: skip
    else:
        obs = pa.table(cols)
    pacsv.write_csv(obs, tmp / "obs.csv")
    return tmp / "units.csv", tmp / "obs.csv"


@pytest.mark.parametrize("long", [False, True])
def test_chunks_equal_the_whole(tmp_path: Path, long: bool) -> None:
    units, obs = population(tmp_path, 700, long=long, bad_every=97)
    whole = evaluate_files(RS, units, obs, warnings=True)
    result = stream_evaluate(RS, units, obs, tmp_path / "out", chunk_rows=61, progress=False,
                             warnings=True)  # fmt: skip
    chunked = pq.read_table(result.results)
    key = "unit_id"
    a = whole.table.sort_by(key)
    b = chunked.sort_by(key).cast(a.schema)
    assert b.equals(a)
    assert result.run.counts == whole.counts and whole.counts.add_up
    assert whole.counts.units_set_aside == len(range(0, 700, 97))
    summary = json.loads(result.summary.read_text("utf-8"))
    assert summary["counts_add_up"] and summary["counts"]["units_read"] == 700
    quarantine = pacsv.read_csv(result.quarantine)
    assert quarantine.num_rows == whole.counts.units_set_aside + whole.counts.rows_set_aside
    csv = pacsv.read_csv(result.results_csv)
    assert csv.num_rows == whole.counts.units_evaluated


def test_ranks_span_chunks(tmp_path: Path) -> None:
    units, obs = population(tmp_path, 300)
    result = stream_evaluate(RS, units, obs, tmp_path / "out", chunk_rows=7, progress=False)
    table = pq.read_table(result.results)
    ranked = [r for r in table.to_pylist() if r["rank"] is not None]
    sizes = {r["class_size"] for r in ranked}
    assert sizes == {len(ranked)}  # one class, all chunks together
    scores = sorted((round(r["score"], 9), r["rank"]) for r in ranked)
    best = max(s for s, _ in scores)
    assert all(rank == 1 for s, rank in scores if s == best)
    assert max(r["rank"] for r in ranked) <= len(ranked)


def test_strict_writes_no_results(tmp_path: Path) -> None:
    units, obs = population(tmp_path, 50, bad_every=10)
    with pytest.raises(cg.InputError, match="5 problem"):
        stream_evaluate(RS, units, obs, tmp_path / "out", strict=True, progress=False)
    assert not (tmp_path / "out" / "results.parquet").exists()
    assert not list((tmp_path / "out").glob("*.parquet"))


def test_cli_evaluate(tmp_path: Path) -> None:
    units, obs = population(tmp_path, 40, bad_every=13)
    runner = CliRunner()
    out = tmp_path / "out"
    args = ["evaluate", "--units", str(units), "--observations", str(obs), "--out", str(out),
            "--ruleset", str(RULE_FILE), "--period", "2025", "--chunk-rows", "9"]  # fmt: skip
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "units: 40 read = 36 evaluated + 4 set aside" in result.output
    assert "the counts add up" in result.output
    assert (out / "results.parquet").exists() and (out / "results.csv").exists()
    assert pq.read_table(out / "results.parquet").column("period").to_pylist()[0] == "2025"
    strict = runner.invoke(main, [*args, "--strict"])
    assert strict.exit_code == 1
    assert "row 2, column 'tasks_completed'" in strict.output
