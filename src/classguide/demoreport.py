"""What ``classguide demo`` prints and writes: the per-sector summary and the result files.

Pure functions from evaluations to lines, rows and records; the demo writes them.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from classguide.converter import unstructure
from classguide.diagnosis import DISCONNECT_LABELS
from classguide.model import Text, UnitType
from classguide.results import Evaluation, Warning
from classguide.ruleset import RuleSet
from classguide.sample import SampleCase
from classguide.sampleprofiles import SCENARIOS
from classguide.spreadsheet import Cell, write_csv

__all__ = [
    "CSV_COLUMNS",
    "csv_rows",
    "json_records",
    "sector_summary",
    "warning_key",
    "warning_kind",
    "write_results",
]

_LAG = {
    "party": Text(zh="党建滞后（两张皮）", en="Party building lags"),
    "business": Text(zh="业务滞后（党建空转）", en="business lags"),
    "balanced": Text(zh="同步", en="balanced"),
}
_CODES = {
    "coordination": Text(zh="耦合协调度偏低", en="low coupling coordination"),
    "incomplete": Text(zh="数据不完整，未评定等次", en="incomplete data, no grade"),
}
_EMPTY = RuleSet(id="-", version="-", name=Text(zh="-"), unit_type="-", indicators=())
_NO_GRADE = Text(zh="未评定", en="no grade")
_SCENARIO_LABELS = {sc.id: sc.label for sc in SCENARIOS}

#: Columns of ``results.csv`` before the unit attributes and after them.
CSV_COLUMNS = (
    ("unit_id", "unit_name", "unit_type"),
    (
        "scenario",
        "ruleset_id",
        "ruleset_version",
        "complete",
        "party",
        "business",
        "score",
        "coupling",
        "development",
        "degree",
        "band",
        "band_name",
        "lag",
        "grade",
        "grade_name",
        "warnings",
        "max_level",
        "warning_codes",
        "top_warning",
    ),
)


def _r(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(x, digits)


def _band_name(rs: RuleSet, band: str | None, lang: str) -> str | None:
    return next((b.name(lang) for b in rs.coordination_bands if b.id == band), None)


def _grade_name(rs: RuleSet, grade: str | None, lang: str) -> str | None:
    return next((g.name(lang) for g in rs.grades if g.id == grade), None)


def warning_key(w: Warning, rs: RuleSet, lang: str) -> str:
    """A short label grouping like warnings (the indicator for floors and vetoes)."""
    subject = w.evidence[0].subject if w.evidence else ""
    if w.code in ("floor", "veto"):
        name = next((i.name(lang) for i in rs.indicators if i.id == subject), subject)
        prefix = {"floor": ("底线未达标", "floor missed"), "veto": ("一票否决", "veto")}[w.code]
        return f"{prefix[0]}：{name}" if lang == "zh" else f"{prefix[1]}: {name}"
    if w.code == "lag":
        lag = _LAG.get(subject, Text(zh=w.code))
        return f"失衡预警：{lag.zh}" if lang == "zh" else f"imbalance warning: {lag(lang)}"
    if w.code.startswith("disconnect."):
        label = DISCONNECT_LABELS.get(w.code.split(".", 1)[1])
        return label(lang) if label else w.code
    label = _CODES.get(w.code)
    return label(lang) if label else w.code


def warning_kind(w: Warning, lang: str) -> str:
    """A label for the kind of warning (floors and vetoes not split by indicator)."""
    if w.code in ("floor", "veto"):
        labels = {"floor": ("底线未达标", "floor missed"), "veto": ("一票否决", "veto")}[w.code]
        return labels[0] if lang == "zh" else labels[1]
    return warning_key(w, _EMPTY, lang)


def _counts(items: Sequence[tuple[str, int]]) -> str:
    sep = " · "
    return sep.join(f"{k} {n}" for k, n in items if n) or "—"


def sector_summary(
    unit_type: UnitType,
    pairs: Sequence[tuple[SampleCase, Evaluation]],
    rulesets: Mapping[str, RuleSet],
    lang: str,
    *,
    top: int = 3,
) -> list[str]:
    """Summary lines for one sector: rule sets, grades, bands, lag types, top warnings."""
    zh = lang == "zh"
    lines = [
        f"■ {unit_type.name(lang)}（{unit_type.id}）：{len(pairs)} 个单位"
        if zh
        else f"■ {unit_type.name(lang)} ({unit_type.id}): {len(pairs)} units"
    ]
    used = sorted({ev.ruleset_id for _, ev in pairs})
    any_rs = rulesets[used[0]] if used else None
    by_rs = Counter(ev.ruleset_id for _, ev in pairs)
    lines.append(("  规则集：" if zh else "  rule sets: ") + _counts(sorted(by_rs.items())))
    if any_rs is not None:
        grades = Counter(ev.grade for _, ev in pairs)
        order = [
            (g.name(lang), grades.get(g.id, 0)) for g in sorted(any_rs.grades, key=lambda b: -b.min)
        ]
        order.append((_NO_GRADE(lang), grades.get(None, 0)))
        lines.append(("  等次：" if zh else "  grades: ") + _counts(order))
        bands = Counter(ev.band for _, ev in pairs)
        border = sorted(any_rs.coordination_bands, key=lambda b: -b.min)
        lines.append(
            ("  协调等级：" if zh else "  coordination: ")
            + _counts([(b.name(lang), bands.get(b.id, 0)) for b in border])
        )
    lags = Counter(ev.lag for _, ev in pairs)
    lines.append(
        ("  滞后类型：" if zh else "  lag type: ")
        + _counts([(t(lang), lags.get(k, 0)) for k, t in _LAG.items()])
    )
    kinds: Counter[str] = Counter()
    floors: Counter[str] = Counter()
    for _, ev in pairs:
        rs = rulesets[ev.ruleset_id]
        kinds.update({warning_kind(w, lang) for w in ev.warnings})
        floors.update({warning_key(w, rs, lang) for w in ev.warnings if w.code == "floor"})
    lines.append("  预警（涉及单位数）：" if zh else "  warnings (units):")
    lines += [f"    {label} ×{n}" for label, n in kinds.most_common()] or ["    —"]
    if floors:
        lines.append("  底线未达标最多的指标：" if zh else "  floors missed most often:")
        lines += [f"    {label} ×{n}" for label, n in floors.most_common(top)]
    return lines


def csv_rows(
    pairs: Sequence[tuple[SampleCase, Evaluation]],
    rulesets: Mapping[str, RuleSet],
    attribute_names: Sequence[str],
    lang: str,
) -> list[list[Cell]]:
    """One row per unit, in :data:`CSV_COLUMNS` order with the attributes in between."""
    rows: list[list[Cell]] = []
    for case, ev in pairs:
        rs = rulesets[ev.ruleset_id]
        co = ev.coordination
        top = ev.warnings[0] if ev.warnings else None
        rows.append(
            [
                ev.unit.id,
                ev.unit.name,
                ev.unit.unit_type,
                *(ev.unit.attributes.get(a) for a in attribute_names),
                case.scenario,
                ev.ruleset_id,
                ev.ruleset_version,
                ev.complete,
                _r(ev.party),
                _r(ev.business),
                _r(ev.score),
                None if co is None else _r(co.coupling, 4),
                None if co is None else _r(co.development, 4),
                None if co is None else _r(co.degree, 4),
                ev.band,
                _band_name(rs, ev.band, lang),
                ev.lag,
                ev.grade,
                _grade_name(rs, ev.grade, lang),
                len(ev.warnings),
                None if ev.max_level is None else ev.max_level.name.lower(),
                ";".join(sorted({w.code for w in ev.warnings})),
                None if top is None else top.message(lang),
            ]
        )
    return rows


def json_records(pairs: Sequence[tuple[SampleCase, Evaluation]]) -> list[dict[str, Any]]:
    """One record per unit: the scenario, the observations and the full evaluation."""
    return [
        {
            "scenario": case.scenario,
            "scenario_name": unstructure(_SCENARIO_LABELS.get(case.scenario)),
            "observations": dict(case.observations),
            "evaluation": unstructure(ev),
        }
        for case, ev in pairs
    ]


def _write_json_lines(path: Path, records: Sequence[object]) -> None:
    """A JSON array with one record per line (readable, and easy to split)."""
    with path.open("w", encoding="utf-8") as fh:
        fh.write("[\n")
        for k, rec in enumerate(records):
            fh.write(json.dumps(rec, ensure_ascii=False, allow_nan=False))
            fh.write(",\n" if k + 1 < len(records) else "\n")
        fh.write("]\n")


def write_results(
    out: Path,
    pairs: Sequence[tuple[SampleCase, Evaluation]],
    rulesets: Mapping[str, RuleSet],
    unit_types: Mapping[str, UnitType],
    lang: str,
) -> dict[str, Path]:
    """Write ``results.csv`` and ``results.json`` (one row / record per unit) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    names = sorted(
        {s.name for t in {ev.unit.unit_type for _, ev in pairs} for s in unit_types[t].attributes}
    )
    header = [*CSV_COLUMNS[0], *names, *CSV_COLUMNS[1]]
    csv_path = out / "results.csv"
    write_csv(csv_path, header, csv_rows(pairs, rulesets, names, lang))
    json_path = out / "results.json"
    _write_json_lines(json_path, json_records(pairs))
    return {"csv": csv_path, "json": json_path}
