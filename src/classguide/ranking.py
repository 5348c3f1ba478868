"""Ranking within class (工作分类管理、绩效分类考评) and the bottom-of-class interview (末位约谈).

A **class** is the set of evaluations made by the same rule set — the same ``ruleset_id`` *and*
``ruleset_version`` — for the same ``period``, optionally split further by unit attributes
(``by``). A unit is only ever compared with units of its own class; a unit appearing twice in
one class is an error. Incomplete evaluations are not ranked (their ``rank``, ``class_size`` and
``percentile`` stay ``None``) and do not count in their class's size.

Within a class of *n* ranked units:

* **rank** is competition ranking on the composite score *S*, highest first: one plus the
  number of units with a strictly higher score, so equal scores share a rank and the next rank
  is skipped (1, 2, 2, 4). Scores are compared at a resolution of 10⁻⁹: the key of a score S
  is S · 10⁹ rounded half to even to an integer (:func:`score_key`), so the last bits of
  floating-point arithmetic never split a tie, and the batch engine, which computes the same
  key with NumPy, ties exactly the same units.
* **percentile** = 100 · (n − rank) / (n − 1): the share of the *other* units of the class
  whose score is at or below this unit's (100 for the top, 0 for a sole last place, 100 when
  n = 1). Tied units share a percentile.
* **bottom of the class**: k = max(``alerts.bottom_n``, ⌈``alerts.bottom_share`` · n⌉) of the
  rule set (either may be unset; both unset means nobody is flagged). A unit is flagged when
  fewer than k units of its class score strictly lower than it — so ties at the boundary are
  all flagged — unless it is tied for first (a class where everyone ties flags nobody). A
  flagged unit gets an ``interview`` warning (yellow, 末位约谈).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Hashable, Iterable, Sequence

import attrs

from classguide.countermeasures import countermeasures_for
from classguide.errors import RankingError
from classguide.model import Text
from classguide.results import Evaluation, Evidence, Warning, WarningLevel, warning_sort_key
from classguide.ruleset import RuleSet

__all__ = ["bottom_count", "percentile", "rank"]

_DIGITS = 9
_SCALE = 10.0**_DIGITS


def score_key(score: float) -> int:
    """The integer a score is ranked by: ``score · 10**9`` rounded half to even.

    Python's ``round`` of a float and NumPy's ``rint`` both round the same double product half
    to even, so this equals ``numpy.rint(score * 1e9)`` for every score; ``round(score, 9)``
    would not (it rounds the decimal value exactly, and differs for about 4 scores in a million).
    """
    return round(score * _SCALE)


def percentile(rank: int, class_size: int) -> float:
    """100 · (n − rank) / (n − 1), and 100 for a class of one (see the module docs)."""
    if class_size == 1:
        return 100.0
    return 100.0 * (class_size - rank) / (class_size - 1)


def bottom_count(ruleset: RuleSet, class_size: int) -> int:
    """k: how many places at the bottom of a class of ``class_size`` are interviewed."""
    n = ruleset.alerts.bottom_n or 0
    share = ruleset.alerts.bottom_share
    by_share = math.ceil(share * class_size - 1e-9) if share else 0
    return max(n, by_share)


def _by_names(by: str | Sequence[str] | None) -> tuple[str, ...]:
    if by is None:
        return ()
    if isinstance(by, str):
        return (by,)
    return tuple(by)


def _rulesets(rulesets: Iterable[RuleSet] | None) -> dict[tuple[str, str], RuleSet] | None:
    if rulesets is None:
        return None
    table: dict[tuple[str, str], RuleSet] = {}
    for rs in rulesets:
        key = (rs.id, rs.version)
        if key in table and table[key] != rs:
            raise RankingError(
                f"two different rule sets were given as {rs.id!r} version {rs.version}"
            )
        table[key] = rs
    return table


def _class_key(ev: Evaluation, names: tuple[str, ...]) -> tuple[Hashable, ...]:
    values = []
    for name in names:
        if name not in ev.unit.attributes:
            raise RankingError(
                f"unit {ev.unit.id!r} has no attribute {name!r} to group the ranking by; its "
                f"attributes: {', '.join(sorted(ev.unit.attributes)) or '(none)'}"
            )
        values.append(ev.unit.attributes[name])
    return (ev.ruleset_id, ev.ruleset_version, ev.period, *values)


def _describe(key: tuple[Hashable, ...], names: tuple[str, ...]) -> str:
    rs_id, version, period, *values = key
    attrs_text = "".join(f", {n}={v}" for n, v in zip(names, values, strict=True))
    return f"rule set {rs_id!r} {version}, period {period!r}{attrs_text}"


def _interview(ruleset: RuleSet, ev: Evaluation, rank: int, n: int, below: int, k: int) -> Warning:
    name = ruleset.name
    w = Warning(
        level=WarningLevel.YELLOW,
        code="interview",
        message=Text(
            zh=f"同类考核排名末位，应予约谈：在“{name.zh}”同类 {n} 个单位中排第 {rank} 名"
            f"（末位 {k} 名约谈）",
            en=f"Bottom of its class, to be interviewed: ranked {rank} of {n} units judged by "
            f"'{name('en')}' (the bottom {k} place(s) are interviewed)",
        ),
        evidence=(
            Evidence(subject="rank", value=float(rank), threshold=float(n), relation="of"),
            Evidence(subject="units_below", value=float(below), threshold=float(k), relation="<"),
            Evidence(subject="score", value=ev.score, relation="score"),
        ),
    )
    return attrs.evolve(w, countermeasures=countermeasures_for(ruleset, "interview"))


def _is_interview(w: Warning) -> bool:
    return w.rule == "core" and w.code == "interview"


def rank(
    evaluations: Iterable[Evaluation],
    *,
    by: str | Sequence[str] | None = None,
    rulesets: Iterable[RuleSet] | None = None,
) -> list[Evaluation]:
    """Rank ``evaluations`` within their classes; new evaluations in the input order.

    ``by`` names one unit attribute (or several) that splits classes further, e.g.
    ``by="foundation"``; every ranked unit must carry it. ``rulesets`` are the rule sets that
    made the evaluations: with them the bottom of each class is flagged with an ``interview``
    warning from the rule set's ``alerts.bottom_n`` / ``alerts.bottom_share``; without them
    nothing is flagged (ranks and percentiles are still set). Each returned evaluation has
    ``rank``, ``class_size`` and ``percentile`` set (``None`` when incomplete), earlier core
    interview warnings replaced, and its warnings sorted most severe first, so ranking twice
    gives the same result. Raises :class:`~classguide.RankingError` for a unit twice in one
    class, a missing ``by`` attribute, or a rule set missing from ``rulesets``.
    """
    items = list(evaluations)
    for k, ev in enumerate(items):
        if not isinstance(ev, Evaluation):
            raise RankingError(f"evaluations[{k}] is {type(ev).__name__}, not an Evaluation")
    names = _by_names(by)
    table = _rulesets(rulesets)
    classes: dict[tuple[Hashable, ...], list[int]] = {}
    for k, ev in enumerate(items):
        if ev.complete and ev.score is not None:
            classes.setdefault(_class_key(ev, names), []).append(k)
    places: dict[int, tuple[int, int, Warning | None]] = {}
    for key, members in classes.items():
        seen: dict[str, int] = {}
        for k in members:
            uid = items[k].unit.id
            if uid in seen:
                raise RankingError(
                    f"unit {uid!r} appears twice in the class {_describe(key, names)} "
                    f"(evaluations[{seen[uid]}] and evaluations[{k}])"
                )
            seen[uid] = k
        ruleset = None
        if table is not None:
            ruleset = table.get((str(key[0]), str(key[1])))
            if ruleset is None:
                raise RankingError(
                    f"no rule set {key[0]!r} version {key[1]} among the rule sets given, "
                    f"needed for the class {_describe(key, names)}"
                )
        scores = {k: score_key(items[k].score or 0.0) for k in members}
        ordered = sorted(scores.values())
        n = len(members)
        bottom = bottom_count(ruleset, n) if ruleset is not None else 0
        for k in members:
            s = scores[k]
            place = 1 + n - bisect.bisect_right(ordered, s)
            below = bisect.bisect_left(ordered, s)
            flag = None
            if ruleset is not None and place > 1 and below < bottom:
                flag = _interview(ruleset, items[k], place, n, below, bottom)
            places[k] = (place, n, flag)
    return [_ranked(ev, places.get(k)) for k, ev in enumerate(items)]


def _ranked(ev: Evaluation, place: tuple[int, int, Warning | None] | None) -> Evaluation:
    """``ev`` with its place set (or cleared) and its core interview warning replaced."""
    warnings = ev.warnings
    if any(_is_interview(w) for w in warnings):
        warnings = tuple(w for w in warnings if not _is_interview(w))
    if place is None:
        return attrs.evolve(ev, rank=None, class_size=None, percentile=None, warnings=warnings)
    rank_, n, flag = place
    if flag is not None:
        warnings = tuple(sorted((*warnings, flag), key=warning_sort_key))
    return attrs.evolve(
        ev, rank=rank_, class_size=n, percentile=percentile(rank_, n), warnings=warnings
    )
