"""classguide sector plugin: primary and secondary schools (中小学校).

The rule sets follow
《关于建立中小学校党组织领导的校长负责制的意见（试行）》
and live in this package's ``rules/*.toml``, one per ``stage`` variant. They are registered
through the ``classguide`` entry-point group like any third-party plugin's: nothing in the core
imports this package. Block it with ``CLASSGUIDE_DISABLE_PLUGINS=school``.
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
