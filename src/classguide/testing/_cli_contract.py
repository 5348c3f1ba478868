"""The contract suite as ``pytest --classguide-plugin=NAME`` runs it: one class per name.

Collected only through the option (the pytest plugin adds this file to the run); the names
parametrise the ``plugin`` fixture.
"""

from __future__ import annotations

import pytest

from classguide.testing.contract import RuleSetContract


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "classguide_plugin_name" in metafunc.fixturenames:
        names = list(metafunc.config.getoption("classguide_plugin", default=[]))
        metafunc.parametrize("classguide_plugin_name", names, ids=names, scope="class")


class TestClassguidePluginContract(RuleSetContract):
    """The contract, for each installed plugin named with ``--classguide-plugin``."""

    @pytest.fixture
    def plugin(self, classguide_plugin_name: str) -> object:
        return classguide_plugin_name
