"""Time reading, validating and writing rule files, and the weighting methods.

Run: ``python benchmarks/rulefiles.py`` (``--repeat N`` to change the sample size). Reports the
median of N runs of each step on the example rule set scaled up to a sector-sized one (the
example's 8 indicators repeated to ``--indicators``), and of ``ahp``, ``entropy`` and ``critic``
on random data.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from importlib import resources

import numpy as np

import classguide as cg


def sector_sized(n_indicators: int) -> cg.RuleSet:
    """The example rule set with each indicator copied until there are ``n_indicators``."""
    text = resources.files("classguide").joinpath("examples/example_organ.toml").read_text("utf-8")
    base = json.loads(cg.to_json(cg.loads_ruleset(text)))
    copies = max(1, n_indicators // len(base["indicators"]))
    indicators = []
    for k in range(copies):
        for ind in base["indicators"]:
            indicators.append({**ind, "id": f"{ind['id']}_{k}", "weight": ind["weight"] / copies})
    return cg.converter.structure({**base, "indicators": indicators}, cg.RuleSet)


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--indicators", type=int, default=64)
    args = parser.parse_args()
    rs = sector_sized(args.indicators)
    texts = {fmt: cg.dumps_ruleset(rs, format=fmt) for fmt in ("toml", "json", "yaml")}
    print(f"rule set: {len(rs.indicators)} indicators, {len(rs.groups)} groups")
    for fmt, text in texts.items():
        ms = median_ms(lambda t=text, f=fmt: cg.loads_ruleset(t, format=f), args.repeat)
        print(f"loads_ruleset {fmt:<5} {ms:8.2f} ms  ({len(text.encode()) / 1024:.0f} KiB)")
    print(f"validate_ruleset   {median_ms(lambda: cg.validate_ruleset(rs), args.repeat):8.2f} ms")
    for fmt in texts:
        ms = median_ms(lambda f=fmt: cg.dumps_ruleset(rs, format=f), args.repeat)
        print(f"dumps_ruleset {fmt:<5} {ms:8.2f} ms")
    rng = np.random.default_rng(0)
    scale = np.array([*range(1, 10), *(1 / v for v in range(2, 10))])
    n = 9
    a = np.ones((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            a[i, j] = rng.choice(scale)
            a[j, i] = 1 / a[i, j]
    data = rng.uniform(0, 1, size=(10_000, 30))
    for name, fn in (
        ("ahp 9×9 eigenvector", lambda: cg.ahp(a)),
        ("entropy 10000×30", lambda: cg.entropy(data)),
        ("critic 10000×30", lambda: cg.critic(data)),
    ):
        print(f"{name:<22} {median_ms(fn, args.repeat):8.2f} ms")


if __name__ == "__main__":
    main()
