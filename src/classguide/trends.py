"""Trends across periods: early warnings from a unit's history of coordination degrees D.

**Periods** are strings of one of these forms (``H``/``Q`` in either case):

==============  ==========================  ==========================
form            example                     covers
==============  ==========================  ==========================
``YYYY``        ``2024``                    the year
``YYYY-Hn``     ``2024-H2``                 half-year n (1–2)
``YYYY-Qn``     ``2024-Q3``                 quarter n (1–4)
``YYYY-MM``     ``2024-09``                 the month
==============  ==========================  ==========================

They sort by their first month, a longer period before a shorter one that starts with it:
``2024 < 2024-H1 < 2024-Q1 < 2024-01 < 2024-02 < 2024-Q2 < 2024-H2 < 2025``
(:func:`period_key`). Anything else raises :class:`~classguide.PeriodError` listing these forms.

**The run.** Trend rules compare the current evaluation with the longest chain of earlier
evaluations that ends with it and in which every link

* is a period of the same form as the current one (a year is compared with years, a half-year
  with half-years) and ends the month before the next link starts — a missing period (a gap)
  ends the chain;
* was judged by the same rule set, at the same version or at a version the current rule set
  declares comparable (``RuleSet.comparable_versions``) — any other version ends the chain;
* is complete (an incomplete evaluation ends the chain).

Earlier bands are re-derived from their D with the current rule set's band table, so a band
table changed between comparable versions is compared on one scale. :func:`trend_run` returns
the chain, so a report can show what was compared.

**Rules** (code, level):

* ``trend.falling`` (yellow): D fell in each of the last two consecutive periods
  (``D[t−2] > D[t−1] > D[t]``, each fall larger than :data:`~classguide.diagnosis.TOLERANCE`).
* ``trend.band_drop`` (orange): the band fell by two or more bands since the previous period.
* ``trend.projected`` (blue, ``predicted=True``): continuing the recent change — the mean
  change per period over the last two steps (``(D[t] − D[t−2]) / 2``, or ``D[t] − D[t−1]`` with
  a chain of two) — puts next period's D (clipped to [0, 1]) in a lower band than now.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import attrs

from classguide.countermeasures import countermeasures_for, warning_categories
from classguide.coupling import band_for
from classguide.diagnosis import TOLERANCE
from classguide.errors import HistoryError, PeriodError, RuleSetMismatchError
from classguide.model import Text
from classguide.results import Evaluation, Evidence, Warning, WarningLevel, warning_sort_key
from classguide.ruleset import RuleSet

__all__ = [
    "Period",
    "parse_period",
    "period_key",
    "trend_run",
    "trend_warnings",
    "with_trends",
]

_PATTERN = re.compile(r"^(\d{4})(?:-(?:([Hh])([12])|([Qq])([1-4])|(\d{2})))?$")
_FORMS = "YYYY, YYYY-Hn (n = 1–2), YYYY-Qn (n = 1–4) or YYYY-MM"


@attrs.frozen(kw_only=True)
class Period:
    """A period placed in time: ``year``, its ``first_month`` (1–12) and length in ``months``."""

    text: str
    year: int
    first_month: int
    months: int

    @property
    def start(self) -> int:
        """The first month as a month count (``year·12 + first_month − 1``)."""
        return self.year * 12 + self.first_month - 1

    @property
    def end(self) -> int:
        """The last month as a month count."""
        return self.start + self.months - 1

    @property
    def key(self) -> tuple[int, int, int]:
        """The sort key: first month, then longer periods first (see :func:`period_key`)."""
        return (self.year, self.first_month, -self.months)

    def next(self) -> Period:
        """The period of the same form right after this one."""
        start = self.end + 1
        year, month = divmod(start, 12)
        if self.months == 12:
            text = f"{year}"
        elif self.months == 6:
            text = f"{year}-H{month // 6 + 1}"
        elif self.months == 3:
            text = f"{year}-Q{month // 3 + 1}"
        else:
            text = f"{year}-{month + 1:02d}"
        return Period(text=text, year=year, first_month=month + 1, months=self.months)


def parse_period(text: str) -> Period:
    """Place the period string ``text`` in time; :class:`~classguide.PeriodError` if it cannot."""
    m = _PATTERN.match(text) if isinstance(text, str) else None
    if m is None:
        raise PeriodError(f"period {text!r} cannot be placed in time; expected {_FORMS}")
    year = int(m.group(1))
    if m.group(3):
        return Period(text=text, year=year, first_month=6 * int(m.group(3)) - 5, months=6)
    if m.group(5):
        return Period(text=text, year=year, first_month=3 * int(m.group(5)) - 2, months=3)
    if m.group(6):
        month = int(m.group(6))
        if not 1 <= month <= 12:
            raise PeriodError(f"period {text!r}: month {month} is not 01–12; expected {_FORMS}")
        return Period(text=text, year=year, first_month=month, months=1)
    return Period(text=text, year=year, first_month=1, months=12)


def period_key(text: str) -> tuple[int, int, int]:
    """A sort key for period strings: by first month, longer periods first.

    >>> sorted(["2025", "2024-H2", "2024"], key=period_key)
    ['2024', '2024-H2', '2025']
    """
    return parse_period(text).key


def _period_of(ev: Evaluation, role: str) -> Period:
    if ev.period is None:
        raise HistoryError(f"{role} evaluation of unit {ev.unit.id!r} has no period")
    try:
        return parse_period(ev.period)
    except PeriodError as exc:
        raise PeriodError(f"{role} evaluation of unit {ev.unit.id!r}: {exc}") from None


def _comparable(ev: Evaluation, ruleset: RuleSet) -> bool:
    return ev.ruleset_id == ruleset.id and (
        ev.ruleset_version == ruleset.version or ev.ruleset_version in ruleset.comparable_versions
    )


def _usable(ev: Evaluation, ruleset: RuleSet) -> bool:
    return _comparable(ev, ruleset) and ev.complete and ev.coordination is not None


def _checked(
    current: Evaluation, history: Iterable[Evaluation], ruleset: RuleSet
) -> tuple[Period, list[tuple[Period, Evaluation]]]:
    if current.ruleset_id != ruleset.id or current.ruleset_version != ruleset.version:
        raise RuleSetMismatchError(
            f"evaluation of unit {current.unit.id!r} is by rule set {current.ruleset_id!r} "
            f"{current.ruleset_version}, not {ruleset.id!r} {ruleset.version}"
        )
    now = _period_of(current, "current")
    seen = {(now.start, now.months): "the current evaluation"}
    earlier: list[tuple[Period, Evaluation]] = []
    for k, ev in enumerate(history):
        if ev is current:
            continue
        if ev.unit.id != current.unit.id:
            raise HistoryError(
                f"history[{k}] is of unit {ev.unit.id!r}, not {current.unit.id!r}: a history "
                "holds one unit's evaluations"
            )
        p = _period_of(ev, f"history[{k}]")
        if (p.start, p.months) in seen:
            raise HistoryError(
                f"unit {current.unit.id!r}: period {p.text!r} appears twice (history[{k}] and "
                f"{seen[(p.start, p.months)]})"
            )
        seen[(p.start, p.months)] = f"history[{k}]"
        if p.key >= now.key:
            raise HistoryError(
                f"unit {current.unit.id!r}: history[{k}] has period {p.text!r}, not earlier than "
                f"the current period {now.text!r}"
            )
        earlier.append((p, ev))
    return now, earlier


def trend_run(
    current: Evaluation, history: Iterable[Evaluation], ruleset: RuleSet
) -> tuple[Evaluation, ...]:
    """The evaluations the trend rules compare, oldest first, ending with ``current``.

    ``history`` holds the unit's earlier evaluations in any order (``current`` itself may be
    among them and is skipped); ``ruleset`` is the rule set that produced ``current``. Empty
    when ``current`` is incomplete. Raises :class:`~classguide.HistoryError` for another unit's
    evaluation, a repeated period, a period not earlier than the current one or a missing
    period, :class:`~classguide.PeriodError` for a period that cannot be placed in time.
    """
    now, earlier = _checked(current, history, ruleset)
    if not _usable(current, ruleset):
        return ()
    same_form = sorted(
        ((p, ev) for p, ev in earlier if p.months == now.months), key=lambda pe: pe[0].start
    )
    run = [current]
    start = now.start
    for p, ev in reversed(same_form):
        if p.end + 1 != start or not _usable(ev, ruleset):
            break
        run.append(ev)
        start = p.start
    return tuple(reversed(run))


def _degree(ev: Evaluation) -> float:
    assert ev.coordination is not None  # a run holds complete evaluations only
    return ev.coordination.degree


def _finish(ruleset: RuleSet, w: Warning) -> Warning:
    return attrs.evolve(
        w, countermeasures=countermeasures_for(ruleset, *warning_categories(ruleset, w))
    )


def _falling(ruleset: RuleSet, run: Sequence[Evaluation]) -> list[Warning]:
    if len(run) < 3:
        return []
    d = [_degree(ev) for ev in run[-3:]]
    if not (d[0] - d[1] > TOLERANCE and d[1] - d[2] > TOLERANCE):
        return []
    steps = " → ".join(f"{ev.period} D={x:.3f}" for ev, x in zip(run[-3:], d, strict=True))
    return [
        Warning(
            level=WarningLevel.YELLOW,
            code="trend.falling",
            message=Text(
                zh=f"耦合协调度连续两期下降：{steps}",
                en=f"Coordination degree D fell in two consecutive periods: {steps}",
            ),
            evidence=tuple(
                Evidence(subject=f"degree@{ev.period}", value=x, relation="falls")
                for ev, x in zip(run[-3:], d, strict=True)
            ),
        )
    ]


def _band_index(ruleset: RuleSet, degree: float) -> tuple[int, str]:
    bands = sorted(ruleset.coordination_bands, key=lambda b: b.min)
    band = band_for(degree, bands)
    return [b.id for b in bands].index(band), band


def _band_name(ruleset: RuleSet, band_id: str) -> Text:
    return next(b.name for b in ruleset.coordination_bands if b.id == band_id)


def _band_drop(ruleset: RuleSet, run: Sequence[Evaluation]) -> list[Warning]:
    if len(run) < 2:
        return []
    prev, cur = run[-2], run[-1]
    (i0, b0), (i1, b1) = _band_index(ruleset, _degree(prev)), _band_index(ruleset, _degree(cur))
    drop = i0 - i1
    if drop < 2:
        return []
    n0, n1 = _band_name(ruleset, b0), _band_name(ruleset, b1)
    d0, d1 = f"D={_degree(prev):.3f}", f"D={_degree(cur):.3f}"
    return [
        Warning(
            level=WarningLevel.ORANGE,
            code="trend.band_drop",
            message=Text(
                zh=f"协调等级较上期下降 {drop} 级：由“{n0.zh}”（{prev.period}，{d0}）"
                f"降至“{n1.zh}”（{cur.period}，{d1}）",
                en=f"Coordination band fell by {drop} since the previous period: from "
                f"'{n0('en')}' ({prev.period}, {d0}) to '{n1('en')}' ({cur.period}, {d1})",
            ),
            evidence=(
                Evidence(subject=f"band@{prev.period}", value=b0, relation="was"),
                Evidence(subject=f"band@{cur.period}", value=b1, threshold=2.0, relation="drop"),
            ),
        )
    ]


def _projected(ruleset: RuleSet, run: Sequence[Evaluation]) -> list[Warning]:
    if len(run) < 2:
        return []
    k = min(2, len(run) - 1)
    now = _degree(run[-1])
    slope = (now - _degree(run[-1 - k])) / k
    if slope >= -TOLERANCE:
        return []
    projected = min(1.0, max(0.0, now + slope))
    (i_now, b_now), (i_next, b_next) = (
        _band_index(ruleset, now),
        _band_index(ruleset, projected),
    )
    if i_next >= i_now:
        return []
    nxt = parse_period(run[-1].period or "").next().text
    n0, n1 = _band_name(ruleset, b_now), _band_name(ruleset, b_next)
    floor = min(b.min for b in ruleset.coordination_bands if b.id == b_now)
    return [
        Warning(
            level=WarningLevel.BLUE,
            code="trend.projected",
            predicted=True,
            message=Text(
                zh=f"趋势预测：按近期每期 {slope:+.3f} 的变化，下期（{nxt}）D≈{projected:.3f}，"
                f"将由“{n0.zh}”降入“{n1.zh}”",
                en=f"Projection: at the recent change of {slope:+.3f} per period, next period "
                f"({nxt}) D≈{projected:.3f} falls from '{n0('en')}' into '{n1('en')}'",
            ),
            evidence=(
                Evidence(subject=f"degree@{run[-1].period}", value=now, relation="now"),
                Evidence(
                    subject=f"degree@{nxt}", value=projected, threshold=floor, relation="projected"
                ),
            ),
        )
    ]


def trend_warnings(
    current: Evaluation, history: Iterable[Evaluation], ruleset: RuleSet
) -> tuple[Warning, ...]:
    """Trend warnings for ``current`` given the unit's earlier evaluations, most severe first.

    See the module documentation for the run that is compared and the three rules; arguments
    and errors as for :func:`trend_run`.
    """
    run = trend_run(current, history, ruleset)
    if not run:
        return ()
    found = [*_falling(ruleset, run), *_band_drop(ruleset, run), *_projected(ruleset, run)]
    return tuple(sorted((_finish(ruleset, w) for w in found), key=warning_sort_key))


def with_trends(current: Evaluation, history: Iterable[Evaluation], ruleset: RuleSet) -> Evaluation:
    """``current`` with its trend warnings added (replacing any earlier core trend warnings, so
    applying it twice changes nothing); the warnings stay sorted most severe first."""
    found = trend_warnings(current, history, ruleset)
    kept = [w for w in current.warnings if not (w.rule == "core" and w.code.startswith("trend."))]
    return attrs.evolve(current, warnings=tuple(sorted([*kept, *found], key=warning_sort_key)))
