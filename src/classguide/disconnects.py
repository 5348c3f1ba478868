"""The five disconnects (五个脱节, source article 000): which tagged indicators evidence each,
and their weighted score.

Indicators carry tags ``planning``, ``study``, ``carrier``, ``activity``, ``outcome``. A tag's
score is the weighted mean of the scores of its present indicators, each weighted by its share of
its sub-system times that sub-system's composite weight (so a Party-building indicator and a
business indicator count as they do in S). The ``disconnect.<tag>`` warning compares it with
``alerts.disconnect_threshold`` (:mod:`classguide.diagnosis`).
"""

from __future__ import annotations

from classguide.model import Text
from classguide.plan import plan_for
from classguide.results import Evaluation, IndicatorResults
from classguide.ruleset import DISCONNECTS, Indicator, RuleSet

__all__ = ["DISCONNECT_LABELS", "disconnect_members", "disconnect_scores"]

#: 五个脱节 — the five disconnects (source article 000).
DISCONNECT_LABELS: dict[str, Text] = {
    "planning": Text(
        zh="党建谋划与中心工作脱节", en="Party-building planning detached from the central task"
    ),
    "study": Text(
        zh="理论学习与指导实践脱节", en="theoretical study detached from guiding practice"
    ),
    "carrier": Text(
        zh="载体设计与工作需要脱节", en="carriers designed apart from the needs of the work"
    ),
    "activity": Text(zh="活动开展与党员需求脱节", en="activities detached from members' needs"),
    "outcome": Text(
        zh="党建成果与群众满意脱节", en="Party-building results detached from public satisfaction"
    ),
}


def disconnect_members(ruleset: RuleSet, ev: Evaluation, tag: str) -> list[Indicator]:
    """The indicators tagged ``tag`` that have a score in ``ev`` (id order)."""
    plan = plan_for(ruleset)
    out = []
    for k in plan.tagged_indices:
        ind = plan.indicators[k]
        res = ev.indicators.get(ind.id)
        if tag in ind.tags and res is not None and not res.missing:
            out.append(ind)
    return out


def disconnect_scores(ruleset: RuleSet, ev: Evaluation) -> dict[str, float]:
    """Weighted score of each disconnect tag's indicators (tags with no present indicator omitted).

    An indicator's weight is its share of its sub-system times the sub-system's composite weight;
    missing indicators are left out (never read as zero).
    """
    acc: dict[str, list[float]] = {}
    plan = plan_for(ruleset)
    results = ev.indicators
    columns = results.scores if isinstance(results, IndicatorResults) else None
    shares = plan.tree.indicator_share
    for k in plan.tagged_indices:
        ind = plan.indicators[k]
        if columns is not None:
            score = columns[k]
        else:
            res = results.get(ind.id)
            score = None if res is None else res.score
        if score is None:
            continue
        w = shares[k] * (
            ruleset.weights.party if ind.dimension == "party" else ruleset.weights.business
        )
        for tag in ind.tags:
            if tag in DISCONNECTS:
                pair = acc.setdefault(tag, [0.0, 0.0])
                pair[0] += w * score
                pair[1] += w
    return {t: s / w for t, (s, w) in acc.items() if w > 0.0}
