"""Documentation pages generated from rule sets: one markdown page per unit type (sector).

A page lists the sector's variants (rule sets and their selectors), the regulations they cite,
and for each rule set its indicator tree — every indicator with its source, article, basis,
floor, target, weight and the three balances — the weak-foundation adjustments and the
countermeasures. Run ``python -m classguide.rulesetdocs DIR`` to (re)write the pages of every
installed plugin's sectors into ``DIR``; a test keeps the committed pages current.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from classguide.aggregation import build_tree
from classguide.model import UnitType
from classguide.ruleset import Group, Indicator, RuleSet, Source

__all__ = ["main", "sector_page", "write_sector_pages"]

_DIM = {"party": "党建 party", "business": "业务 business", "fusion": "融合 fusion"}
_DIR = {"higher": "↑", "lower": "↓", "band": "区间 band"}
_BASIS = {
    "found": "原文 found",
    "secondary": "二手 secondary",
    "unverified": "未核实 unverified",
    "proposal": "建议 proposal",
}
_CADENCE = {"annual": "年度定量 annual", "long_term": "长期定性 long-term"}
_EVIDENCE = {"review": "组织考评 review", "survey": "党员群众评价 survey"}
_LINE = {"floor": "底线达标 floor", "high": "高线倡导 high"}


def _cell(text: object) -> str:
    if text is None or text == "":
        return "—"
    return str(text).replace("|", "\\|").replace("\n", " ")


def _num(x: float | None) -> str:
    return "—" if x is None else f"{x:g}"


def _row(cells: Iterable[object]) -> str:
    return "| " + " | ".join(_cell(c) for c in cells) + " |"


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    return [_row(header), "|" + "---|" * len(header), *(_row(r) for r in rows)]


def _selector(rs: RuleSet) -> str:
    if not rs.selector:
        return "(all units of the type)"
    return "; ".join(f"{k} = {', '.join(v)}" for k, v in sorted(rs.selector.items()))


def _sources(rulesets: Sequence[RuleSet]) -> list[Source]:
    seen: dict[str, Source] = {}
    for rs in rulesets:
        for src in rs.sources:
            seen.setdefault(src.id, src)
    return sorted(seen.values(), key=lambda s: s.id)


def _floor_target(ind: Indicator) -> tuple[str, str]:
    if ind.kind == "grade" and ind.grades:
        by_score = {v: k for k, v in ind.grades.items()}
        floor = by_score.get(ind.floor) if ind.floor is not None else None
        target = by_score.get(ind.target) if ind.target is not None else None
        return (floor or _num(ind.floor), target or _num(ind.target))
    if ind.kind == "boolean":
        yes = ("否 false", "是 true")
        floor = None if ind.floor is None else yes[int(ind.floor)]
        target = None if ind.target is None else yes[int(ind.target)]
        return (floor or "—", target or "—")
    return (_num(ind.floor), _num(ind.target))


def _path(ind: Indicator, groups: dict[str, Group]) -> str:
    names = []
    gid = ind.group
    while gid is not None and gid in groups:
        names.append(groups[gid].name.zh)
        gid = groups[gid].parent
    return " › ".join(reversed(names)) or "—"


def _ruleset_section(rs: RuleSet) -> list[str]:
    groups = {g.id: g for g in rs.groups}
    tree = build_tree(rs)
    share = dict(zip(tree.indicator_ids, tree.indicator_share, strict=True))
    lines = [f"## {rs.id} — {rs.name.zh}", "", f"*{rs.name.en}* · version {rs.version}", ""]
    lines += [f"**Selector:** `{_selector(rs)}`", ""]
    if rs.description is not None:
        lines += [rs.description.zh, "", rs.description.en, ""]
    lines += [
        f"Composite weights: party {rs.weights.party:g} / business {rs.weights.business:g}; "
        f"pass score {rs.pass_score:g}; lag threshold {rs.lag_threshold:g}; "
        f"completeness threshold {rs.completeness_threshold:g}.",
        "",
        "**Grades (等次):** "
        + " · ".join(
            f"{b.name.zh} {b.name.en} [{b.min:g}, {b.max:g}{']' if k == 0 else ')'}"
            for k, b in enumerate(sorted(rs.grades, key=lambda b: -b.min))
        ),
        "",
        "### Groups",
        "",
    ]
    lines += _table(
        ["id", "名称", "name", "dimension", "parent", "weight"],
        (
            (g.id, g.name.zh, g.name.en, _DIM[g.dimension], g.parent, _num(g.weight))
            for g in sorted(rs.groups, key=lambda g: (g.dimension == "party", g.id))
        ),
    )
    ordered = sorted(rs.indicators, key=lambda i: (i.dimension != "party", _path(i, groups), i.id))
    lines += ["", "### Indicators", ""]
    rows = []
    for ind in ordered:
        floor, target = _floor_target(ind)
        veto = None
        if ind.veto is not None:
            veto = f"一票否决 veto → {ind.veto.cap or 'lowest'}"
        rows.append(
            (
                f"`{ind.id}`",
                ind.name.zh,
                ind.name.en,
                _DIM[ind.dimension],
                _path(ind, groups),
                f"{ind.kind} {_DIR[ind.direction]}",
                floor,
                target,
                _num(ind.weight),
                f"{share[ind.id]:.3f}",
                veto,
            )
        )
    lines += _table(
        [
            "id",
            "名称",
            "name",
            "dimension",
            "group",
            "kind",
            "floor 底线",
            "target 高线",
            "weight",
            "share",
            "veto",
        ],
        rows,
    )
    lines += [
        "",
        "*weight* is among siblings; *share* is the indicator's share of its sub-system "
        "(P for party, B for business and fusion).",
        "",
        "### Sources and balances",
        "",
    ]
    lines += _table(
        ["id", "source", "article 条款", "basis", "cadence", "evidence", "line", "tags"],
        (
            (
                f"`{i.id}`",
                i.source,
                i.article,
                _BASIS.get(i.basis or "", i.basis),
                _CADENCE.get(i.cadence or "", i.cadence),
                _EVIDENCE.get(i.evidence or "", i.evidence),
                _LINE.get(i.line or "", i.line),
                ", ".join(i.tags),
            )
            for i in ordered
        ),
    )
    notes = []
    for i in ordered:
        parts = [f"formula `{i.formula}`."] if i.formula else []
        if i.description is not None:
            parts += [i.description.zh, i.description.en]
        if parts:
            notes.append(f"* `{i.id}` — {' '.join(parts)}")
    if notes:
        lines += ["", "### Notes on indicators", "", *notes]
    if rs.adjustments:
        by_id = {i.id: i for i in rs.indicators}
        lines += ["", "### Foundation adjustments (分类指导：基础薄弱)", ""]
        lines += _table(
            ["foundation", "indicator", "floor (unchanged)", "usual target", "moderated target"],
            (
                (
                    a.foundation,
                    f"`{a.indicator}`",
                    _num(by_id[a.indicator].floor) if a.indicator in by_id else None,
                    _num(by_id[a.indicator].target) if a.indicator in by_id else None,
                    _num(a.target),
                )
                for a in rs.adjustments
            ),
        )
    if rs.countermeasures:
        lines += ["", "### Countermeasures (对策)", ""]
        lines += _table(
            ["category", "对策", "countermeasure"],
            ((c.category, c.text.zh, c.text.en) for c in rs.countermeasures),
        )
    return lines


def sector_page(unit_type: UnitType, rulesets: Sequence[RuleSet], *, origin: str = "") -> str:
    """The markdown page of one sector: its variants, sources and every rule set in full."""
    ordered = sorted(rulesets, key=lambda r: r.id)
    lines = [
        f"# {unit_type.name.zh} — {unit_type.name.en} (`{unit_type.id}`)",
        "",
        "<!-- Generated by `python -m classguide.rulesetdocs docs/sectors` from the rule files"
        f"{' of ' + origin if origin else ''}; do not edit by hand. -->",
        "",
        "## Variants",
        "",
    ]
    lines += _table(
        ["rule set", "名称", "selector", "indicators", "version"],
        ((f"`{r.id}`", r.name.zh, _selector(r), len(r.indicators), r.version) for r in ordered),
    )
    lines += ["", "## Regulations and sources", ""]
    lines += _table(
        ["id", "标题", "title", "issuer", "year", "url"],
        ((f"`{s.id}`", s.title.zh, s.title.en, s.issuer, s.year, s.url) for s in _sources(ordered)),
    )
    for rs in ordered:
        lines += ["", *_ruleset_section(rs)]
    return "\n".join(lines) + "\n"


def write_sector_pages(folder: Path) -> list[Path]:
    """Write ``<unit type>.md`` for every unit type with rule sets in the installed plugins."""
    from classguide.guide import Guide

    guide = Guide()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for type_id, utype in guide.unit_types.items():
        mine = [rs for rs in guide.rulesets.values() if rs.unit_type == type_id]
        if not mine:
            continue
        path = folder / f"{type_id}.md"
        origin = f"plugins/classguide_{type_id}/rules/"
        path.write_text(sector_page(utype, mine, origin=origin), encoding="utf-8")
        written.append(path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m classguide.rulesetdocs DIR``: write the sector pages into DIR."""
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m classguide.rulesetdocs DIR", file=sys.stderr)
        return 2
    for path in write_sector_pages(Path(args[0])):
        print(path)
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
