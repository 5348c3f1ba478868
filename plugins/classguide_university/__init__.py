"""classguide sector plugin: universities (普通高等学校).

The rule sets follow
《中国共产党普通高等学校基层组织工作条例》
and live in this package's ``rules/*.toml``, one per ``kind`` variant. They are registered
through the ``classguide`` entry-point group like any third-party plugin's: nothing in the core
imports this package. Block it with ``CLASSGUIDE_DISABLE_PLUGINS=university``.
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
