"""Time ``classguide.rank`` on a population and ``classguide.trend_warnings`` on a long history.

Run: ``python benchmarks/ranking.py`` (``--units N`` for the population, default 20,000).
The population has ten classes (five rule-set ids × two periods) with bottom-share interviews;
each unit is evaluated once and copied with a new id and score, so the timing is ranking alone.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

import attrs

import classguide as cg

T = cg.Text(zh="指标", en="indicator")


def ruleset(rs_id: str) -> cg.RuleSet:
    return cg.RuleSet(
        id=rs_id,
        version="1",
        name=T,
        unit_type="organ",
        indicators=(
            cg.Indicator(id="p", name=T, dimension="party", kind="ratio", weight=1.0),
            cg.Indicator(id="b", name=T, dimension="business", kind="ratio", weight=1.0),
        ),
        alerts=cg.AlertSettings(bottom_share=0.05),
    )


def population(n: int) -> tuple[list[cg.Evaluation], list[cg.RuleSet]]:
    rng = random.Random(0)
    rulesets = [ruleset(f"rs{k}") for k in range(5)]
    unit = cg.Unit(
        id="u",
        name="单位",
        unit_type="organ",
        attributes={"level": "county", "foundation": "standard"},
    )
    base = {
        (rs.id, period): cg.evaluate(rs, unit, {"p": 0.8, "b": 0.8}, period=period)
        for rs in rulesets
        for period in ("2024", "2025")
    }
    evs = []
    for k in range(n):
        rs = rulesets[k % 5]
        ev = base[(rs.id, "2024" if k % 10 < 5 else "2025")]
        evs.append(
            attrs.evolve(
                ev,
                unit=attrs.evolve(ev.unit, id=f"u{k}"),
                score=round(rng.uniform(40, 100), 1),
            )
        )
    return evs, rulesets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    evs, rulesets = population(args.units)
    samples = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        ranked = cg.rank(evs, rulesets=rulesets)
        samples.append(time.perf_counter() - t0)
    flagged = sum(any(w.code == "interview" for w in e.warnings) for e in ranked)
    ms = statistics.median(samples) * 1000
    print(
        f"rank: {args.units} evaluations in 10 classes, {flagged} interviewed: median {ms:.1f} ms"
    )
    print(f"      {1e6 * statistics.median(samples) / args.units:.2f} µs per evaluation")

    rs = rulesets[0]
    unit = evs[0].unit
    history = [
        cg.evaluate(rs, unit, {"p": 0.9 - 0.02 * k, "b": 0.9 - 0.03 * k}, period=str(2010 + k))
        for k in range(15)
    ]
    current, earlier = history[-1], list(reversed(history[:-1]))
    trend = []
    for _ in range(200):
        t0 = time.perf_counter_ns()
        cg.trend_warnings(current, earlier, rs)
        trend.append(time.perf_counter_ns() - t0)
    us = statistics.median(trend) / 1000
    print(f"trend_warnings: 15 periods (given newest first): median {us:.1f} µs")


if __name__ == "__main__":
    main()
