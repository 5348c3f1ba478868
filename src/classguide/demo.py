"""``classguide demo``: evaluate a generated sample population with the installed plugins.

The demo builds a :class:`~classguide.Guide` (so it uses exactly the sector plugins installed
and not blocked), generates a seeded sample population (:mod:`classguide.sample`), evaluates
every unit, prints a summary per sector and writes the full results (``results.csv`` and
``results.json``, one row / record per unit) to an output folder. With no sector plugin
installed it falls back to the bundled example rule set (an organ example) and says so.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from importlib import resources
from pathlib import Path

import attrs

from classguide.demoreport import sector_summary, write_results
from classguide.evaluation import evaluate
from classguide.guide import Guide
from classguide.model import Unit, UnitType
from classguide.results import Evaluation
from classguide.rulefiles import loads_ruleset
from classguide.ruleset import RuleSet
from classguide.sample import SampleCase, generate_sample
from classguide.sampleprofiles import TYPE_SHARES

__all__ = ["DEFAULT_OUT", "DemoRun", "example_ruleset", "example_units", "run_demo"]

#: Where ``classguide demo`` writes its results unless told otherwise.
DEFAULT_OUT = "classguide-demo"


def example_ruleset() -> RuleSet:
    """The example organ rule set shipped in ``classguide/examples``."""
    text = resources.files("classguide").joinpath("examples/example_organ.toml").read_text("utf-8")
    return loads_ruleset(text, format="toml", source="classguide/examples/example_organ.toml")


def example_units() -> list[tuple[Unit, dict[str, object]]]:
    """Five hand-made units covering the cases that matter, with their observations."""

    def unit(uid: str, name: str, foundation: str = "standard") -> Unit:
        return Unit(
            id=uid,
            name=name,
            unit_type="organ",
            attributes={"level": "county", "foundation": foundation},
        )

    return [
        (
            unit("u1", "县委办公室"),
            dict(
                branch_standardised=1.0,
                organisational_life=1.0,
                study_hours=50.0,
                discipline_cases=0.0,
                tasks_completed=0.98,
                public_satisfaction=0.96,
                joint_planning=True,
                joint_assessment="好",
            ),
        ),
        (
            unit("u2", "县发改局"),
            dict(
                branch_standardised=0.7,
                organisational_life=0.85,
                study_hours=20.0,
                discipline_cases=0.0,
                tasks_completed=1.0,
                public_satisfaction=0.93,
                joint_planning=False,
                joint_assessment="一般",
            ),
        ),
        (
            unit("u3", "县文旅局"),
            dict(
                branch_standardised=1.0,
                organisational_life=1.0,
                study_hours=48.0,
                discipline_cases=0.0,
                tasks_completed=0.6,
                public_satisfaction=0.7,
                joint_planning=True,
                joint_assessment="较好",
            ),
        ),
        (
            unit("u4", "县住建局"),
            dict(
                branch_standardised=0.95,
                organisational_life=0.98,
                study_hours=44.0,
                discipline_cases=1.0,
                tasks_completed=0.95,
                public_satisfaction=0.9,
                joint_planning=True,
                joint_assessment="较好",
            ),
        ),
        (
            unit("u5", "县档案馆", "weak"),
            dict(
                branch_standardised=0.9,
                organisational_life=None,
                study_hours=None,
                discipline_cases=0.0,
                tasks_completed=0.9,
                public_satisfaction=0.85,
                joint_planning=True,
                joint_assessment="一般",
            ),
        ),
    ]


@attrs.frozen(kw_only=True)
class DemoRun:
    """What a demo run did: the sample, its evaluations, the files, and how long evaluating took.

    ``fallback`` is true when no sector plugin was installed and the example rule set was used.
    """

    cases: tuple[SampleCase, ...]
    evaluations: tuple[Evaluation, ...]
    files: Mapping[str, Path]
    seconds: float
    fallback: bool


@attrs.frozen(kw_only=True)
class _ExampleSource:
    """The example rule set as the only lock, for organs (the fallback without plugins)."""

    unit_types: Mapping[str, UnitType]
    rulesets: Mapping[str, RuleSet]

    def ruleset_for(self, unit: Unit) -> RuleSet:
        return next(iter(self.rulesets.values()))


def _sector_order(types: set[str]) -> list[str]:
    """The five sectors in their usual order, then any other unit types by id."""
    known = [t for t in TYPE_SHARES if t in types]
    return known + sorted(types - set(known))


_NOTICE = {
    "fallback": (
        "没有可用的行业插件（未安装或已屏蔽）：改用内置示例规则集（example-organ，仅机关），结果仅供演示。",
        "No sector plugin is available (none installed, or all blocked): using the bundled "
        "example rule set "
        "(example-organ, organs only); results are for demonstration.",
    ),
}


def run_demo(
    *,
    size: int = 1000,
    seed: int = 0,
    out: str | Path = DEFAULT_OUT,
    lang: str = "zh",
    echo: Callable[[str], object] = print,
    guide: Guide | None = None,
) -> DemoRun:
    """Generate ``size`` sample units (seed ``seed``), evaluate them, summarise, write files.

    ``guide`` defaults to ``classguide.Guide()`` (the installed plugins). Returns a
    :class:`DemoRun`; the summary goes to ``echo`` in ``lang`` (``"zh"`` or ``"en"``).
    """
    g = guide if guide is not None else Guide()
    zh = lang == "zh"
    fallback = not g.rulesets
    if fallback:
        rs = example_ruleset()
        organ = {rs.unit_type: g.unit_types[rs.unit_type]}
        source = _ExampleSource(unit_types=organ, rulesets={rs.id: rs})
        echo(_NOTICE["fallback"][0 if zh else 1])
        cases = generate_sample(source, size=size, seed=seed)
        start = time.perf_counter()
        evaluations = tuple(evaluate(rs, c.unit, c.observations) for c in cases)
        seconds = time.perf_counter() - start
        rulesets: Mapping[str, RuleSet] = {rs.id: rs}
        unit_types: Mapping[str, UnitType] = organ
    else:
        cases = generate_sample(g, size=size, seed=seed)
        start = time.perf_counter()
        evaluations = tuple(g.evaluate(c.unit, c.observations) for c in cases)
        seconds = time.perf_counter() - start
        rulesets, unit_types = g.rulesets, g.unit_types
    pairs = list(zip(cases, evaluations, strict=True))
    folder = Path(out)
    files = write_results(folder, pairs, rulesets, unit_types, lang)
    used = sorted({ev.ruleset_id for ev in evaluations})
    if zh:
        echo(
            f"classguide 演示：{len(cases)} 个样本单位（随机种子 {seed}），"
            f"{len(used)} 个规则集，评价用时 {seconds:.2f} 秒"
        )
    else:
        echo(
            f"classguide demo: {len(cases)} sample units (seed {seed}), {len(used)} rule sets, "
            f"evaluated in {seconds:.2f} s"
        )
    for type_id in _sector_order({c.unit.unit_type for c in cases}):
        echo("")
        mine = [(c, ev) for c, ev in pairs if c.unit.unit_type == type_id]
        for line in sector_summary(unit_types[type_id], mine, rulesets, lang):
            echo(line)
    echo("")
    where = folder.resolve()
    names = (
        "、".join(p.name for p in files.values())
        if zh
        else ", ".join(p.name for p in files.values())
    )
    echo(f"完整结果已写入 {where}：{names}" if zh else f"Full results written to {where}: {names}")
    return DemoRun(
        cases=cases,
        evaluations=evaluations,
        files=files,
        seconds=seconds,
        fallback=fallback,
    )
