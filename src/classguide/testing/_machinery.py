"""The contract's machinery: capabilities, fixtures, and running a property per rule set.

The fixtures and capabilities are documented once, in :mod:`classguide.testing.contract`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import classguide
from classguide.model import Unit, UnitType
from classguide.ruleset import RuleSet
from classguide.testing import _oracle
from classguide.testing._guides import guide_for, plugin_label
from classguide.testing._report import violation
from classguide.testing.strategies import observations

__all__ = ["Body", "ContractBase"]

_EPS = 1e-9
Body = Callable[[RuleSet, Any], None]


class ContractBase:
    """Capabilities (class attributes), the fixtures to override, and the runner."""

    covers_whole_unit_types: ClassVar[bool] = True
    unit_types: ClassVar[tuple[str, ...] | None] = None
    max_examples: ClassVar[int | None] = 50
    missing_share: ClassVar[float] = 0.5

    # --- fixtures to override ------------------------------------------------------------

    @pytest.fixture
    def plugin(self) -> object:
        """The plugin under test: override in your test class."""
        raise NotImplementedError(
            "override the `plugin` fixture in your RuleSetContract subclass: return your plugin "
            "module (e.g. `import classguide_myplugin; return classguide_myplugin`) or its "
            "entry-point name"
        )

    @pytest.fixture
    def guide(self, plugin: object) -> Any:
        """The Guide under test: only ``plugin``, no entry-point autoloading, strict."""
        return guide_for(plugin)

    def observation_strategy(
        self, ruleset: RuleSet, unit: Unit, **options: Any
    ) -> st.SearchStrategy[dict[str, object]]:
        """Observations for ``ruleset`` and ``unit`` (``options`` as for ``observations``)."""
        return observations(ruleset, unit=unit, **options)

    # --- machinery ------------------------------------------------------------------------

    def _settings(self) -> settings:
        env = os.environ.get("CLASSGUIDE_CONTRACT_EXAMPLES")
        n = int(env) if env else self.max_examples
        extra: dict[str, Any] = {} if n is None else {"max_examples": n}
        return settings(
            deadline=None,
            suppress_health_check=[
                HealthCheck.too_slow,
                HealthCheck.data_too_large,
                HealthCheck.filter_too_much,
            ],
            **extra,
        )

    def _types(self, guide: Any) -> list[UnitType]:
        ids = self.unit_types or sorted({rs.unit_type for rs in guide.rulesets.values()})
        return [guide.unit_types[i] for i in ids if i in guide.unit_types]

    def _space(self, guide: Any) -> dict[str, list[Unit]]:
        """Rule-set id → units (one per attribute combination) the guide resolves to it."""
        out: dict[str, list[Unit]] = {rid: [] for rid in guide.rulesets}
        for ut in self._types(guide):
            for k, combo in enumerate(_oracle.attribute_space(ut) or []):
                unit = Unit(
                    id=f"{ut.id}-{k + 1:04d}",
                    name=f"{ut.name.zh}{k + 1}",
                    unit_type=ut.id,
                    attributes=combo,
                )
                try:
                    rs = guide.ruleset_for(unit)
                except classguide.SelectionError:
                    continue
                out.setdefault(rs.id, []).append(unit)
        return out

    def _units(self, guide: Any, ruleset: RuleSet) -> st.SearchStrategy[Unit]:
        known = self._space(guide).get(ruleset.id)
        if known:
            return st.sampled_from(known)
        ut = guide.unit_types[ruleset.unit_type]

        def resolves_here(unit: Unit) -> bool:
            try:
                return bool(guide.ruleset_for(unit).id == ruleset.id)
            except classguide.SelectionError:
                return False

        from classguide.testing.strategies import units

        return units(ut, where=ruleset.selector).filter(resolves_here)

    def _each(self, guide: Any, body: Body) -> None:
        """Run ``body(ruleset, data)`` under hypothesis for every rule set of the plugin."""
        rulesets = list(guide.rulesets.values())
        if not rulesets:
            raise violation("contributes", plugin=plugin_label(guide))
        for ruleset in rulesets:
            self._check_one(ruleset, body)

    def _check_one(self, ruleset: RuleSet, body: Body) -> None:
        @self._settings()
        @given(data=st.data())
        def run(data: Any) -> None:
            note(f"rule set: {ruleset.id} v{ruleset.version}")
            body(ruleset, data)

        run()

    def _example(
        self, guide: Any, ruleset: RuleSet, data: Any, **options: Any
    ) -> tuple[Unit, dict[str, object]]:
        unit = data.draw(self._units(guide, ruleset), label="unit")
        obs = data.draw(self.observation_strategy(ruleset, unit, **options), label="observations")
        return unit, obs
