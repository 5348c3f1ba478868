"""The per-rule-set compile cache: once per rule set, no strong reference, no stale hits."""

from __future__ import annotations

import gc
import weakref

import attrs

from classguide.batch.plan import column_plan_for
from classguide.demo import example_ruleset
from classguide.plan import per_ruleset, plan_for


def test_compiled_once_per_rule_set_and_per_identity() -> None:
    calls: list[str] = []

    @per_ruleset
    def compiled(ruleset):  # type: ignore[no-untyped-def]
        calls.append(ruleset.id)
        return len(ruleset.indicators)

    rs = example_ruleset()
    assert compiled(rs) == compiled(rs) == len(rs.indicators)
    assert calls == [rs.id]
    twin = attrs.evolve(rs, id="twin")  # another rule set: compiled on its own
    compiled(twin)
    assert calls == [rs.id, "twin"]
    assert compiled.__name__ == "compiled"


def test_cache_keeps_no_rule_set_alive() -> None:
    rs = attrs.evolve(example_ruleset(), id="short-lived")
    assert plan_for(rs) is plan_for(rs)
    assert column_plan_for(rs) is column_plan_for(rs)
    ref = weakref.ref(rs)
    del rs
    gc.collect()
    assert ref() is None
