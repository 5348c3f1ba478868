"""The contract suite on every sector plugin the classguide distribution ships.

The plugins are found by their entry points (group ``classguide``, distribution ``classguide``),
exactly as ``pytest --classguide-plugin=NAME`` would find them; nothing imports them by name.
"""

from __future__ import annotations

import importlib.metadata

import pytest

from classguide.testing import RuleSetContract


def _shipped() -> list[str]:
    return sorted(
        ep.name
        for ep in importlib.metadata.entry_points(group="classguide")
        if ep.dist is not None and ep.dist.name == "classguide"
    )


_NONE = pytest.param(
    None, marks=pytest.mark.skip(reason="no sector plugin is installed with classguide yet")
)


class TestShippedSectorPlugins(RuleSetContract):
    """Each shipped sector plugin keeps the contract (one parametrised run per plugin)."""

    max_examples = 10  # tests/test_sector_contracts.py runs the same suite with more examples

    @pytest.fixture(params=_shipped() or [_NONE])
    def plugin(self, request: pytest.FixtureRequest) -> object:
        return request.param
