"""Median time of one single-unit evaluation on a 60-indicator, three-level rule set.

Run: ``python benchmarks/single_unit.py`` (``--repeat N`` to change the sample size).
Times ``classguide.evaluate`` and ``Guide.evaluate`` (the rule set contributed by an inline
plugin, the unit type by the core's default plugin) on the same rule set and unit, alternating
the two, and reports the overhead of the latter.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

import classguide as cg


def make_ruleset(n_indicators: int = 60) -> cg.RuleSet:
    """Two dimensions × 2 first-level groups × 3 second-level groups × 5 indicators = 60."""
    groups: list[cg.Group] = []
    indicators: list[cg.Indicator] = []
    per_leaf = n_indicators // 12
    for dim in ("party", "business"):
        for a in range(2):
            top = f"{dim}_{a}"
            groups.append(cg.Group(id=top, name=cg.Text(zh=top, en=top), dimension=dim, weight=0.5))
            for b in range(3):
                mid = f"{top}_{b}"
                groups.append(
                    cg.Group(
                        id=mid,
                        name=cg.Text(zh=mid, en=mid),
                        dimension=dim,
                        weight=1 / 3,
                        parent=top,
                    )
                )
                for c in range(per_leaf):
                    iid = f"{mid}_{c}"
                    indicators.append(
                        cg.Indicator(
                            id=iid,
                            name=cg.Text(zh=iid, en=iid),
                            dimension=dim,
                            kind="ratio",
                            weight=1 / per_leaf,
                            group=mid,
                            floor=0.6,
                            target=0.95,
                            source="s",
                            tags=("outcome",) if c == 0 else (),
                        )
                    )
    return cg.RuleSet(
        id="bench",
        version="1",
        name=cg.Text(zh="基准", en="benchmark"),
        unit_type="organ",
        indicators=indicators,
        groups=groups,
        sources=[cg.Source(id="s", title=cg.Text(zh="来源", en="source"))],
    )


class BenchPlugin:
    """An inline plugin contributing the benchmark rule set (the core adds the unit types)."""

    def __init__(self, ruleset: cg.RuleSet) -> None:
        self.ruleset = ruleset

    @cg.hookimpl
    def classguide_rulesets(self) -> list[cg.RuleSet]:
        return [self.ruleset]


def median_us(fn: Callable[[], object], repeat: int) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        fn()
        samples.append(time.perf_counter_ns() - t0)
    return statistics.median(samples) / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5000)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="alternate core and Guide measurements this many times; report the best median",
    )
    parser.add_argument(
        "--low",
        type=float,
        default=0.55,
        help="values are drawn uniformly in [LOW, 1]; floors are 0.6 (default: a typical unit)",
    )
    args = parser.parse_args()
    rs = make_ruleset()
    rng = random.Random(0)
    lo = args.low
    obs = {i.id: round(rng.uniform(lo, 1.0), 3) for i in rs.indicators}
    unit = cg.Unit(
        id="u1",
        name="单位",
        unit_type="organ",
        attributes={"level": "county", "foundation": "standard"},
    )
    ev = cg.evaluate(rs, unit, obs, period="2025")
    floors = sum(w.code == "floor" for w in ev.warnings)
    print(f"unit with {len(ev.warnings)} warnings ({floors} floor)")
    guide = cg.Guide(plugins=[BenchPlugin(rs)], autoload=False, strict=True)
    assert guide.evaluate(unit, obs, period="2025").score == ev.score
    # interleave the two measurements so that load from other processes hits both alike
    cores, guides = [], []
    for _ in range(args.rounds):
        cores.append(median_us(lambda: cg.evaluate(rs, unit, obs, period="2025"), args.repeat))
        guides.append(median_us(lambda: guide.evaluate(unit, obs, period="2025"), args.repeat))
    c, g = min(cores), min(guides)
    best = f"best of {args.rounds} rounds"
    print(f"classguide.evaluate, 60 indicators, 3 levels: median {c:.1f} µs ({best})")
    print(f"Guide.evaluate, same rule set and unit:       median {g:.1f} µs ({best})")
    print(f"overhead of Guide.evaluate: {100 * (g / c - 1):+.1f} %")


if __name__ == "__main__":
    main()
