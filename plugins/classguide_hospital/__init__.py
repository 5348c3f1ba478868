"""classguide sector plugin: public hospitals (公立医院).

The rule sets follow
《关于加强公立医院党的建设工作的意见》
and live in this package's ``rules/*.toml``, one per ``tier`` variant. They are registered
through the ``classguide`` entry-point group like any third-party plugin's: nothing in the core
imports this package. Block it with ``CLASSGUIDE_DISABLE_PLUGINS=hospital``.
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
