"""Batch evaluation at national scale: ``evaluate_table`` against hand-written peers.

Run: ``python benchmarks/batch.py`` (default sizes 100k, 1M and 5.2M units × 60 indicators;
``--sizes 100000,1000000`` while iterating, ``--methods`` to choose, ``--repeat N``: default 5,
at most 2 at 5.2M).

Each (method, size) runs in a fresh child process, so its peak resident memory (``ru_maxrss``)
is its own. Each child builds the inputs, makes one cold call (timed and reported as "cold s":
the first call of a process pays one-time costs — imports done on first use, caches, a heap
growing from nothing), then ``--repeat`` timed calls whose median is the figure compared
("median s"), as pyperf and timeit discard their warm-up runs. Methods:

* ``evaluate_table`` — ``classguide.batch.evaluate_table`` on a pyarrow units table and a wide
  observations table wrapping the matrix's columns (grouping by lock, checks, scales, tree,
  completeness, P/B/S, C/T/D, band, lag, grade, vetoes, warnings, rank, percentile);
* ``numpy`` — the straightforward NumPy pipeline of ``pipelines.py``;
* ``polars`` — the same pipeline as polars expressions;
* ``skcriteria`` — scikit-criteria's WeightedSumModel as its documentation says to use it:
  after "a previous normalization step" (its docstring: the model "is applicable only when all
  the data are expressed in exactly the same unit"), here ``MinMaxScaler(target="matrix")``
  — the same pipeline as the others, which all normalise the 60 indicators first. Building its
  DecisionMatrix from the matrix is included, as ``evaluate_table`` includes reading its
  tables. This is the peer of the issue's "≥ 10× faster than scikit-criteria" criterion;
* ``skcriteria-bare`` — WeightedSumModel alone on the raw matrix (no normalisation: a weighted
  sum of raw values and a rank), reported so both readings are on record;
* ``pymcdm`` — pymcdm's WSM on the matrix;
* ``stream`` — CSV → results through ``classguide evaluate``'s streaming path (units/s).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

METHODS = (
    "evaluate_table", "numpy", "polars", "skcriteria", "skcriteria-bare", "pymcdm", "stream"
)  # fmt: skip
N_IND = 60


def matrix(n: int) -> np.ndarray:
    """Values uniform in [0.3, 1] (about a third of floors missed), one column at a time."""
    rng = np.random.default_rng(0)
    x = np.empty((n, N_IND), order="F")
    for k in range(N_IND):
        x[:, k] = rng.uniform(0.3, 1.0, n)
    return x


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn: Callable[[], object], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _tables(n: int, x: np.ndarray) -> tuple[Any, Any, Any]:
    """The benchmark rule set, a units table of ``n`` county organs and a wide observations
    table wrapping the columns of ``x`` (indicators in id order)."""
    import pyarrow as pa
    from single_unit import make_ruleset

    rs = make_ruleset()
    ids = pa.array([f"u{i}" for i in range(n)])
    units = pa.table(
        {
            "unit_id": ids,
            "name": ids,
            "unit_type": pa.array(["organ"] * n),
            "level": pa.array(["county"] * n),
            "foundation": pa.array(["standard"] * n),
        }
    )
    names = [i.id for i in sorted(rs.indicators, key=lambda i: i.id)]
    obs = pa.table({"unit_id": ids, **{iid: x[:, k] for k, iid in enumerate(names)}})
    return rs, units, obs


def _setup(method: str, n: int, x: np.ndarray, workdir: Path) -> Callable[[], object]:
    if method == "evaluate_table":
        from classguide.batch import evaluate_table

        rs, units, obs = _tables(n, x)
        return lambda: evaluate_table(rs, units, obs)
    if method == "numpy":
        from pipelines import numpy_pipeline

        cls = np.zeros(n, dtype=np.int64)
        return lambda: numpy_pipeline(x, cls)
    if method == "polars":
        import polars as pl
        from pipelines import polars_pipeline

        frame = pl.DataFrame({f"x{k}": x[:, k] for k in range(N_IND)}).with_columns(
            pl.lit(0).alias("cls")
        )
        return lambda: polars_pipeline(frame)
    if method in ("skcriteria", "skcriteria-bare"):
        import skcriteria as skc
        from skcriteria.agg.simple import WeightedSumModel
        from skcriteria.pipeline import mkpipe
        from skcriteria.preprocessing.scalers import MinMaxScaler

        weights = np.full(N_IND, 1 / N_IND)
        model: Any = WeightedSumModel()
        if method == "skcriteria":  # normalise, then the weighted sum, as its docs require
            model = mkpipe(MinMaxScaler(target="matrix"), WeightedSumModel())

        def skc_run() -> object:
            # from the matrix, as evaluate_table goes from the tables: build its input, rank
            dm = skc.mkdm(x, [max] * N_IND, weights=weights)
            return model.evaluate(dm)

        return skc_run
    if method == "pymcdm":
        from pymcdm.methods import WSM

        w, types = np.full(N_IND, 1 / N_IND), np.ones(N_IND)
        return lambda: WSM()(x, w, types)
    if method == "stream":
        return _setup_stream(n, x, workdir)
    raise SystemExit(f"unknown method {method!r}")


def _setup_stream(n: int, x: np.ndarray, workdir: Path) -> Callable[[], object]:
    import pyarrow.csv as pacsv

    from classguide.streaming import stream_evaluate

    rs, units, obs = _tables(n, np.round(x, 4))  # as a CSV writes them
    pacsv.write_csv(units, workdir / "units.csv")
    pacsv.write_csv(obs, workdir / "observations.csv")

    def run() -> object:
        return stream_evaluate(
            rs,
            workdir / "units.csv",
            workdir / "observations.csv",
            workdir / "out",
            progress=False,
        )

    return run


def child(method: str, n: int, repeat: int) -> None:
    """Measure one method at one size (a cold call, then ``repeat`` timed calls); print one
    JSON line."""
    x = matrix(n)
    with tempfile.TemporaryDirectory() as tmp:
        fn = _setup(method, n, x, Path(tmp))
        if method == "stream":
            del x
        base = _peak_mb()
        cold = _timed(fn, 1)[0]
        times = _timed(fn, repeat) if method != "stream" else [cold]
    print(
        json.dumps(
            {
                "method": method,
                "n": n,
                "cold": cold,
                "times": times,
                "median": statistics.median(times),
                "peak_mb": _peak_mb(),
                "setup_peak_mb": base,
                "input_mb": n * N_IND * 8 / 2**20,
            }
        )
    )


def run_child(method: str, n: int, repeat: int) -> dict[str, Any] | None:
    cmd = [sys.executable, __file__, "--child", method, "--n", str(n), "--repeat", str(repeat)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        print(f"  {method} n={n}: failed\n{proc.stderr[-2000:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def report(results: list[dict[str, Any]], sizes: list[int], load: tuple[float, float]) -> str:
    by = {(r["method"], r["n"]): r for r in results}
    lines = [
        f"load average before/after: {load[0]:.2f} / {load[1]:.2f} (2 cores)",
        "",
        "| method | units | median s | cold s | peak RSS MiB | peak / input matrix |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for (method, n), r in sorted(by.items(), key=lambda kv: (kv[0][1], METHODS.index(kv[0][0]))):
        extra = ""
        if method == "stream":
            extra = f" ({n / r['median']:,.0f} units/s)"
        lines.append(
            f"| {method}{extra} | {n:,} | {r['median']:.3f} | {r.get('cold', r['median']):.3f} | "
            f"{r['peak_mb']:,.0f} | "
            + ("— |" if method == "stream" else f"{r['peak_mb'] / r['input_mb']:.2f} |")
        )
    lines += ["", "| units | evaluate_table / numpy | / polars | skcriteria / evaluate_table | "
              "skcriteria-bare / evaluate_table | pymcdm / evaluate_table |",
              "|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
    for n in sizes:
        et = by.get(("evaluate_table", n))
        if et is None:
            continue

        def ratio(method: str, inverse: bool = False, et: dict[str, Any] = et, n: int = n) -> str:
            other = by.get((method, n))
            if other is None:
                return "—"
            value = other["median"] / et["median"] if inverse else et["median"] / other["median"]
            return f"{value:.2f}×"

        lines.append(
            f"| {n:,} | {ratio('numpy')} | {ratio('polars')} | {ratio('skcriteria', True)} | "
            f"{ratio('skcriteria-bare', True)} | {ratio('pymcdm', True)} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1000000,5200000")
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--stream-units", type=int, default=200_000, help="units for 'stream'")
    parser.add_argument("--json", type=Path, help="also write the raw results here")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.n, args.repeat)
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    methods = [m for m in args.methods.split(",") if m]
    before = os.getloadavg()[0]
    results = []
    for n in sizes:
        for method in methods:
            if method == "stream":
                continue
            # at 5.2M a peer takes up to a minute a call
            repeat = args.repeat if n <= 1_000_000 else min(args.repeat, 2)
            print(f"  {method} at {n:,} units ...", file=sys.stderr, flush=True)
            r = run_child(method, n, repeat)
            if r is not None:
                results.append(r)
    if "stream" in methods:
        print(f"  stream at {args.stream_units:,} units ...", file=sys.stderr, flush=True)
        r = run_child("stream", args.stream_units, 1)
        if r is not None:
            results.append(r)
    text = report(results, sizes, (before, os.getloadavg()[0]))
    print(text)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
