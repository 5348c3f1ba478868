"""The Dask path: the same partition function on a two-worker LocalCluster equals the
in-memory path (workers are threads of this process: ``processes=False``)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import classguide as cg
from classguide.batch import evaluate_table
from classguide.demo import example_ruleset
from fake_plugins import RecordsPlugin, ruleset

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

RS = example_ruleset()


def frame(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(7)
    data: dict[str, object] = {
        "unit_id": [f"u{i}" for i in range(n)],
        "name": [f"单位{i}" for i in range(n)],
        "unit_type": ["organ"] * n,
        "level": rng.choice(["county", "municipal"], n),
        "foundation": rng.choice(["weak", "standard"], n),
    }
    for ind in RS.indicators:
        if ind.kind == "ratio":
            col = rng.uniform(0.4, 1.0, n)
            col[rng.uniform(size=n) < 0.05] = np.nan
        elif ind.kind == "count":
            col = rng.integers(0, 60, n).astype(float)
        elif ind.kind == "boolean":
            col = rng.integers(0, 2, n).astype(bool)
        else:
            col = rng.choice(sorted(ind.grades or {}), n)
        data[ind.id] = col
    return pd.DataFrame(data)


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def in_memory(source: object, df: pd.DataFrame) -> pd.DataFrame:
    units = df[["unit_id", "name", "unit_type", "level", "foundation"]]
    obs = df[["unit_id", *[i.id for i in RS.indicators]]]
    table = evaluate_table(source, units, obs, period="2025")
    plain = pa.table({c: table.column(c).cast(pa.string()) if pa.types.is_dictionary(
        table.column(c).type) else table.column(c) for c in table.column_names})  # fmt: skip
    return plain.to_pandas()


def assert_frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> None:
    a = a.sort_values("unit_id").reset_index(drop=True)
    b = b.sort_values("unit_id").reset_index(drop=True)
    assert list(a.columns) == list(b.columns)
    for col in a.columns:
        x, y = a[col], b[col]
        if col in ("rank", "class_size"):
            x, y = x.astype("Int64"), y.astype("Int64")
        assert x.equals(y) or (
            (x.isna() == y.isna()).all() and (x[x.notna()] == y[y.notna()]).all()
        ), col


def test_dask_equals_in_memory_with_one_rule_set(client) -> None:  # type: ignore[no-untyped-def]
    df = frame(600)
    ddf = dd.from_pandas(df, npartitions=5)
    from classguide.dask import evaluate_dataframe

    got = evaluate_dataframe(ddf, RS, period="2025").compute()
    assert_frames_equal(got, in_memory(RS, df))
    assert got["class_size"].max() == got["complete"].sum()  # one class across partitions


def test_dask_equals_in_memory_with_a_guide(client) -> None:  # type: ignore[no-untyped-def]
    county = ruleset("county", selector={"level": ("county",)})
    guide = cg.Guide(plugins=[RecordsPlugin(rulesets=(county, ruleset("other")))], autoload=False)
    df = frame(300)[["unit_id", "name", "unit_type", "level", "foundation"]].assign(
        p1=np.linspace(0.0, 1.0, 300), b1=np.linspace(1.0, 0.2, 300)
    )
    ddf = dd.from_pandas(df, npartitions=4)
    from classguide.dask import evaluate_dataframe

    got = evaluate_dataframe(ddf, guide, period="2025").compute()
    units = df[["unit_id", "name", "unit_type", "level", "foundation"]]
    table = guide.evaluate_table(units, df[["unit_id", "p1", "b1"]], period="2025")
    expected = pa.table(
        {
            c: table.column(c).cast(pa.string())
            if pa.types.is_dictionary(table.column(c).type)
            else table.column(c)
            for c in table.column_names
        }
    ).to_pandas()
    assert_frames_equal(got, expected)  # fmt: skip
    assert set(got["ruleset_id"]) == {"county", "other"}
