"""classguide sector plugin: Party and state organs (机关).

The rule sets follow
《中国共产党党和国家机关基层组织工作条例》
and live in this package's ``rules/*.toml``, one per ``level`` variant. They are registered
through the ``classguide`` entry-point group like any third-party plugin's: nothing in the core
imports this package. Block it with ``CLASSGUIDE_DISABLE_PLUGINS=organ``.
"""

from __future__ import annotations

from collections.abc import Sequence

from classguide import RuleSet, hookimpl
from classguide.rulefiles import load_package_rulesets

__all__ = ["classguide_rulesets"]


@hookimpl
def classguide_rulesets() -> Sequence[RuleSet]:
    """Every rule set of this sector, from ``rules/`` (read once per process)."""
    return load_package_rulesets(__name__)
