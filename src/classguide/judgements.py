"""AHP judgement matrices inside a rule set: the weights a group's matrix gives its children.

A rule file may give a group's child weights as a pairwise-comparison matrix (``[groups.ahp]``);
the children then omit ``weight``. :func:`weight_placeholders` marks those children in the plain
document before conversion, :func:`apply_ahp` computes the weights (with
:func:`classguide.weights.ahp`) and records CR and weights in the group's :class:`AhpJudgement`.
"""

from __future__ import annotations

from typing import Any

import attrs

from classguide.errors import Problem, WeightsError
from classguide.ruleset import Group, RuleSet
from classguide.validation import AHP_WEIGHT_TOLERANCE
from classguide.weights import ahp

__all__ = ["apply_ahp", "weight_placeholders"]


def weight_placeholders(data: Any) -> set[tuple[str, int]]:
    """Give children of AHP groups that omit ``weight`` a placeholder the matrix replaces."""
    placeholders: set[tuple[str, int]] = set()
    if not isinstance(data, dict):
        return placeholders
    groups = data.get("groups")
    if not isinstance(groups, list):
        return placeholders
    named: set[object] = set()
    judged: set[object] = set()
    for g in groups:
        judgement = g.get("ahp") if isinstance(g, dict) else None
        if not isinstance(judgement, dict):
            continue
        judged.add(g.get("id"))
        children = judgement.get("children")
        if isinstance(children, list):
            named.update(c for c in children if isinstance(c, str))
    for field, parent_key in (("groups", "parent"), ("indicators", "group")):
        items = data.get(field)
        if not isinstance(items, list):
            continue
        for k, item in enumerate(items):
            if not isinstance(item, dict) or "weight" in item:
                continue
            if item.get("id") in named or item.get(parent_key) in judged:
                item["weight"] = 1.0
                placeholders.add((field, k))
    return placeholders


def apply_ahp(
    ruleset: RuleSet, *, derived: frozenset[tuple[str, int]] = frozenset()
) -> tuple[RuleSet, list[Problem]]:
    """Fill in the weights that groups' AHP judgement matrices give their children.

    For each group with ``ahp``, the matrix's weights (:func:`classguide.weights.ahp` with its
    ``method`` and ``ri`` table) become the weights of ``ahp.children`` in that order, and
    ``ahp.cr`` and ``ahp.weights`` are recorded. A child that states its own weight must agree
    with the matrix (within 1e-6), as must a stated ``cr`` or ``weights``; ``derived`` names the
    children (``("indicators", k)``) whose weight was a placeholder. Returns the new rule set
    and the problems (a bad matrix, children that are not the group's children, a
    disagreement). Consistency (CR < 0.10) is checked by :func:`validate_ruleset`, not here.
    """
    problems: list[Problem] = []
    index: dict[str, tuple[str, int]] = {}
    for k, g in enumerate(ruleset.groups):
        index.setdefault(g.id, ("groups", k))
    for k, i in enumerate(ruleset.indicators):
        index.setdefault(i.id, ("indicators", k))
    groups, indicators = list(ruleset.groups), list(ruleset.indicators)
    unset = set(derived)
    nodes: dict[str, list[Any]] = {"groups": groups, "indicators": indicators}
    for gk, g in enumerate(ruleset.groups):
        if g.ahp is None:
            continue
        path = f"groups[{gk}].ahp"
        try:
            result = ahp(g.ahp.matrix, method=g.ahp.method, ri=g.ahp.ri)
        except WeightsError as exc:
            problems.append(Problem(path=f"{path}.matrix", message=str(exc), code="ahp-matrix"))
            continue
        if len(g.ahp.children) != len(result.weights):
            problems.append(
                Problem(
                    path=f"{path}.children",
                    code="ahp-children",
                    message=f"{len(g.ahp.children)} children for a {len(result.weights)}×"
                    f"{len(result.weights)} matrix",
                )
            )
            continue
        for cid, w in zip(g.ahp.children, result.weights, strict=True):
            where = index.get(cid)
            node = None if where is None else nodes[where[0]][where[1]]
            parent = (
                None if node is None else (node.parent if isinstance(node, Group) else node.group)
            )
            if where is None or node is None or parent != g.id:
                problems.append(
                    Problem(
                        path=f"{path}.children",
                        code="ahp-children",
                        message=f"{cid!r} is not a child of group {g.id!r}",
                    )
                )
                continue
            if where not in derived and abs(node.weight - w) > AHP_WEIGHT_TOLERANCE:
                problems.append(
                    Problem(
                        path=f"{where[0]}[{where[1]}].weight",
                        code="ahp-weights",
                        message=f"weight {node.weight:g} disagrees with {w:.6f} from the AHP "
                        f"matrix of group {g.id!r}; drop the weight or make it agree",
                    )
                )
                continue
            nodes[where[0]][where[1]] = attrs.evolve(node, weight=w)
            unset.discard(where)
        stated = g.ahp
        if stated.cr is not None and abs(stated.cr - result.cr) > AHP_WEIGHT_TOLERANCE:
            problems.append(
                Problem(
                    path=f"{path}.cr",
                    code="ahp-weights",
                    message=f"stated CR {stated.cr:g} but the matrix gives {result.cr:.6f}",
                )
            )
        if stated.weights and (
            len(stated.weights) != len(result.weights)
            or any(
                abs(a - b) > AHP_WEIGHT_TOLERANCE
                for a, b in zip(stated.weights, result.weights, strict=False)
            )
        ):
            problems.append(
                Problem(
                    path=f"{path}.weights",
                    code="ahp-weights",
                    message="stated weights disagree with the matrix's "
                    f"({', '.join(f'{w:.6f}' for w in result.weights)})",
                )
            )
        groups[gk] = attrs.evolve(
            groups[gk], ahp=attrs.evolve(stated, cr=result.cr, weights=result.weights)
        )
    for field, k in sorted(unset):
        node = nodes[field][k]
        problems.append(
            Problem(
                path=f"{field}[{k}].weight",
                code="ahp-children",
                message=f"{node.id!r} has no weight and no AHP matrix ranks it; give a weight "
                "or list it in its group's ahp.children",
            )
        )
    return attrs.evolve(ruleset, groups=groups, indicators=indicators), problems
