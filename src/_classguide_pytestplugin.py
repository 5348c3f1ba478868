"""classguide's pytest plugin (entry point ``pytest11``): ``--classguide-plugin=NAME``.

It runs the rule-set contract suite (:class:`classguide.testing.RuleSetContract`) against an
installed classguide plugin without any test class: ``pytest --classguide-plugin=organ``.
Give the option several times to check several plugins.

The module lives outside the ``classguide`` package and imports only pytest at import time, so
having classguide installed costs a pytest run nothing: classguide, hypothesis and the suite
are imported only when the option is used (the lesson of hypothesis#3140).
"""

from __future__ import annotations

import importlib.util

import pytest

_SUITE = "classguide.testing._cli_contract"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("classguide", "classguide rule-set contract suite")
    group.addoption(
        "--classguide-plugin",
        action="append",
        default=[],
        metavar="NAME",
        dest="classguide_plugin",
        help=(
            "run the classguide rule-set contract suite against the installed plugin NAME "
            "(entry-point name in the 'classguide' group, or its distribution name); "
            "repeat for several. Without test paths, only the contract suite runs. "
            "CLASSGUIDE_CONTRACT_EXAMPLES=N sets the examples per property."
        ),
    )


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    names = config.getoption("classguide_plugin", default=[])
    if not names:
        return
    spec = importlib.util.find_spec(_SUITE)
    if spec is None or spec.origin is None:  # pragma: no cover - a broken installation
        raise pytest.UsageError(f"--classguide-plugin: cannot find the suite module {_SUITE}")
    explicit = config.args_source == pytest.Config.ArgsSource.ARGS
    config.args[:] = [*config.args, spec.origin] if explicit else [spec.origin]
