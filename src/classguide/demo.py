"""``classguide demo``: evaluate a few example units against the example rule set.

The sector plugins replace this with a generated sample population; until then the demo shows
real results of the core on hand-made units.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources

from classguide.evaluation import evaluate
from classguide.model import Unit
from classguide.results import Evaluation
from classguide.rulefiles import loads_ruleset
from classguide.ruleset import RuleSet

__all__ = ["example_ruleset", "example_units", "run_demo"]


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


def _row(ev: Evaluation, rs: RuleSet, lang: str) -> list[str]:
    def fmt(x: float | None) -> str:
        return "—" if x is None else f"{x:.1f}"

    band = next((b.name(lang) for b in rs.coordination_bands if b.id == ev.band), "—")
    grade = next((g.name(lang) for g in rs.grades if g.id == ev.grade), "—")
    lag = {
        "party": ("党建滞后", "party lags"),
        "business": ("业务滞后", "business lags"),
        "balanced": ("同步", "balanced"),
    }.get(ev.lag or "", ("—", "—"))
    top = ev.warnings[0] if ev.warnings else None
    warn = f"{top.level.label(lang)} {top.message(lang)}" if top else ""
    d = "—" if ev.coordination is None else f"{ev.coordination.degree:.3f}"
    return [
        ev.unit.name,
        fmt(ev.party),
        fmt(ev.business),
        fmt(ev.score),
        d,
        band,
        lag[0] if lang == "zh" else lag[1],
        grade,
        str(len(ev.warnings)),
        warn,
    ]


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(_width(r[c]) for r in rows) for c in range(len(rows[0]))]
    return [
        "  ".join(cell + " " * (widths[c] - _width(cell)) for c, cell in enumerate(r)).rstrip()
        for r in rows
    ]


def run_demo(*, lang: str = "zh", echo: Callable[[str], object] = print) -> list[Evaluation]:
    """Evaluate the example units and print a table; returns the evaluations."""
    rs = example_ruleset()
    evaluations = [evaluate(rs, u, obs, period="2025") for u, obs in example_units()]
    head = (
        [
            "单位",
            "党建P",
            "业务B",
            "综合S",
            "协调度D",
            "协调等级",
            "滞后类型",
            "等次",
            "预警数",
            "最高预警",
        ]
        if lang == "zh"
        else ["unit", "P", "B", "S", "D", "band", "lag", "grade", "warnings", "most severe warning"]
    )
    echo(f"{rs.name(lang)} — {rs.id} v{rs.version}")
    for line in _table([head] + [_row(ev, rs, lang) for ev in evaluations]):
        echo(line)
    return evaluations
