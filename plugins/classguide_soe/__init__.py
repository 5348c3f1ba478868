"""classguide sector plugin: state-owned enterprises (国有企业).

The rule sets follow
《中国共产党国有企业基层组织工作条例（试行）》
and live in this package's ``rules/*.toml``, one per ``category`` variant. They are registered
through the ``classguide`` entry-point group like any third-party plugin's: nothing in the core
imports this package. Block it with ``CLASSGUIDE_DISABLE_PLUGINS=soe``.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from importlib import resources

from classguide import RuleSet, hookimpl
from classguide.rulefiles import loads_ruleset

__all__ = ["classguide_rulesets", "rule_files"]


def rule_files() -> list[str]:
    """Names of the rule files shipped in this package, sorted."""
    folder = resources.files(__name__).joinpath("rules")
    return sorted(e.name for e in folder.iterdir() if e.name.endswith(".toml"))


@cache
def _rulesets() -> tuple[RuleSet, ...]:
    folder = resources.files(__name__).joinpath("rules")
    return tuple(
        loads_ruleset(
            folder.joinpath(name).read_text(encoding="utf-8"),
            format="toml",
            source=f"{__name__}/rules/{name}",
        )
        for name in rule_files()
    )


@hookimpl
def classguide_rulesets() -> Sequence[RuleSet]:
    """Every rule set of this sector (read once per process; rule sets are immutable)."""
    return _rulesets()
