"""Aggregation up the indicator tree (DESIGN §3, "Aggregation"), of any depth.

A group's score is the weighted arithmetic mean of its children's scores (``Σ wᵢsᵢ / Σ wᵢ``) or,
where the group says so, the weighted geometric mean (``exp(Σ wᵢ ln sᵢ / Σ wᵢ)``, 0 if any child
scores 0). Weights are always divided by their siblings' sum, so scaling sibling weights by a
positive constant changes nothing. Missing children are never read as zero: they are left out
and the present siblings' weights renormalise; a group with no present child is missing.

The two sub-systems are the roots: P aggregates the top-level nodes of dimension ``party``, B
those of dimension ``business`` and ``fusion``. Children are visited in id order, so reordering
a rule file changes nothing, not even the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import attrs

from classguide.ruleset import RuleSet

__all__ = ["BUSINESS", "PARTY", "Node", "Tree", "build_tree", "weighted_mean"]

PARTY = "party"
BUSINESS = "business"


@attrs.frozen(kw_only=True)
class Node:
    """A group (or sub-system root) of the compiled tree.

    ``children`` are ``(is_indicator, index, normalised weight)`` triples in id order.
    """

    id: str
    geometric: bool
    children: tuple[tuple[bool, int, float], ...]


@attrs.frozen(kw_only=True)
class Tree:
    """The rule set's tree compiled for evaluation: groups bottom-up, then the two roots.

    ``indicator_share[i]`` is indicator ``i``'s share of its sub-system (the product of
    normalised weights on its path); ``indicator_root[i]`` is ``"party"`` or ``"business"``.
    """

    indicator_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    nodes: tuple[Node, ...]
    roots: dict[str, int]
    indicator_share: tuple[float, ...]
    indicator_root: tuple[str, ...]


def weighted_mean(parts: Sequence[tuple[float, float]], geometric: bool) -> float | None:
    """Weighted mean of ``(score, weight)`` pairs; ``None`` if there are none."""
    total = 0.0
    acc = 0.0
    if geometric:
        for s, w in parts:
            if s <= 0.0:
                return 0.0
            acc += w * math.log(s)
            total += w
        return None if total == 0.0 else min(100.0, math.exp(acc / total))
    for s, w in parts:
        acc += w * s
        total += w
    return None if total == 0.0 else min(100.0, max(0.0, acc / total))


def _root_of(dimension: str) -> str:
    return PARTY if dimension == PARTY else BUSINESS


def build_tree(ruleset: RuleSet) -> Tree:
    """Compile ``ruleset``'s groups and indicators into a :class:`Tree`.

    Assumes the structure is valid (parents exist, no cycles); :func:`validate_ruleset` says
    where it is not.
    """
    ind_ids = tuple(sorted(i.id for i in ruleset.indicators))
    ind_index = {iid: k for k, iid in enumerate(ind_ids)}
    indicators = {i.id: i for i in ruleset.indicators}
    groups = {g.id: g for g in ruleset.groups}
    children: dict[str | None, list[tuple[str, bool, float]]] = {}
    for g in ruleset.groups:
        key = g.parent if g.parent is not None else f"<root:{_root_of(g.dimension)}>"
        children.setdefault(key, []).append((g.id, False, g.weight))
    for i in ruleset.indicators:
        key = i.group if i.group is not None else f"<root:{_root_of(i.dimension)}>"
        children.setdefault(key, []).append((i.id, True, i.weight))

    # Depth-first post-order from the roots gives every group after its children.
    order: list[str] = []
    seen: set[str] = set()

    def visit(gid: str) -> None:
        if gid in seen:
            return
        seen.add(gid)
        for cid, is_ind, _ in sorted(children.get(gid, []), key=lambda c: c[0]):
            if not is_ind:
                visit(cid)
        order.append(gid)

    for root in (PARTY, BUSINESS):
        for cid, is_ind, _ in sorted(children.get(f"<root:{root}>", []), key=lambda c: c[0]):
            if not is_ind:
                visit(cid)
    group_ids = tuple(order)
    group_index = {gid: k for k, gid in enumerate(group_ids)}

    nodes: list[Node] = []
    weight_of: dict[tuple[bool, str], float] = {}
    parent_of: dict[tuple[bool, str], str | None] = {}

    def make(node_id: str, key: str, geometric: bool) -> Node:
        kids = sorted(children.get(key, []), key=lambda c: c[0])
        total = sum(w for _, _, w in kids) or 1.0
        triples = []
        for cid, is_ind, w in kids:
            idx = ind_index[cid] if is_ind else group_index.get(cid, -1)
            if idx < 0:
                continue
            weight_of[(is_ind, cid)] = w / total
            parent_of[(is_ind, cid)] = key
            triples.append((is_ind, idx, w / total))
        return Node(id=node_id, geometric=geometric, children=tuple(triples))

    for gid in group_ids:
        nodes.append(make(gid, gid, groups[gid].aggregation == "geometric"))
    roots: dict[str, int] = {}
    for root in (PARTY, BUSINESS):
        roots[root] = len(nodes)
        nodes.append(make(root, f"<root:{root}>", False))

    shares: list[float] = []
    root_names: list[str] = []
    for iid in ind_ids:
        share = weight_of.get((True, iid), 0.0)
        up = parent_of.get((True, iid))
        while up is not None and not up.startswith("<root:"):
            share *= weight_of.get((False, up), 0.0)
            up = parent_of.get((False, up))
        shares.append(share)
        if up is not None:
            root_names.append(up[len("<root:") : -1])
        else:
            root_names.append(_root_of(indicators[iid].dimension))
    return Tree(
        indicator_ids=ind_ids,
        group_ids=group_ids,
        nodes=tuple(nodes),
        roots=roots,
        indicator_share=tuple(shares),
        indicator_root=tuple(root_names),
    )


def aggregate(tree: Tree, scores: Sequence[float | None]) -> list[float | None]:
    """Scores of every node of ``tree`` (groups in ``tree.group_ids`` order, then the roots)."""
    node_scores: list[float | None] = []
    for node in tree.nodes:
        parts: list[tuple[float, float]] = []
        for is_ind, idx, w in node.children:
            s = scores[idx] if is_ind else node_scores[idx]
            if s is not None:
                parts.append((s, w))
        node_scores.append(weighted_mean(parts, node.geometric))
    return node_scores
