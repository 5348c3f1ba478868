"""Time the demo's work: generating the sample population and evaluating it.

Run: ``python benchmarks/demo_population.py`` (``--size N``, ``--repeat R``). Uses the installed
sector plugins through ``classguide.Guide()``, like ``classguide demo``; prints the median of
``R`` rounds for generation and for evaluation, and the evaluation time per unit.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import classguide as cg
from classguide.sample import generate_sample


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    guide = cg.Guide()
    gen, ev = [], []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        cases = generate_sample(guide, size=args.size, seed=args.seed)
        t1 = time.perf_counter()
        for case in cases:
            guide.evaluate(case.unit, case.observations)
        t2 = time.perf_counter()
        gen.append(t1 - t0)
        ev.append(t2 - t1)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"rule sets: {len(guide.rulesets)}; units: {args.size}; rounds: {args.repeat}")
    print(f"generate: median {statistics.median(gen):.3f} s")
    print(
        f"evaluate: median {statistics.median(ev):.3f} s "
        f"({1e6 * statistics.median(ev) / args.size:.0f} µs per unit)"
    )
    print(f"load average (1 min) at the end: {load:.2f}")


if __name__ == "__main__":
    main()
