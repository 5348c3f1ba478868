"""The entry-point loader with fake installed distributions: every failure path, every knob.

Each failure must name the distribution, its version and the entry point, give the cause and
say what to do, and must not stop the other plugins from loading (unless strict mode is on).
"""

from __future__ import annotations

import importlib.metadata
import logging
import sys
import textwrap
from collections.abc import Callable, Iterator

import pytest

import classguide as cg
from classguide import loader
from fake_plugins import FakeDistribution, entry_points

GOOD = """
import classguide as cg
from classguide import hookimpl

@hookimpl
def classguide_rulesets():
    return [cg.RuleSet(
        id="{rid}", version="1", name=cg.Text(zh="好", en="good"), unit_type="organ",
        indicators=[
            cg.Indicator(id="p1", name=cg.Text(zh="p"), dimension="party", kind="ratio",
                         weight=1.0),
            cg.Indicator(id="b1", name=cg.Text(zh="b"), dimension="business", kind="ratio",
                         weight=1.0),
        ],
    )]
"""

WriteModule = Callable[[str, str], None]
Install = Callable[..., None]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in (loader.ENV_ONLY, loader.ENV_DISABLE, loader.ENV_STRICT, loader.ENV_TRACE):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def write_module(tmp_path, monkeypatch: pytest.MonkeyPatch) -> Iterator[WriteModule]:
    """Write plugin modules importable for this test only."""
    monkeypatch.syspath_prepend(str(tmp_path))
    names: list[str] = []

    def write(name: str, source: str) -> None:
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        names.append(name)

    yield write
    for name in names:
        sys.modules.pop(name, None)


@pytest.fixture
def install(monkeypatch: pytest.MonkeyPatch) -> Install:
    """Make ``Guide()`` see exactly these fake distributions' entry points."""

    def use(*dists: FakeDistribution) -> None:
        monkeypatch.setattr(loader, "entry_points_in_group", lambda: entry_points(*dists))

    return use


def load(*, strict: bool | None = None) -> tuple[cg.Guide, list[str]]:
    """A guide with autoload, and the plugin warnings it issued."""
    with pytest.warns() as record:
        guide = cg.Guide(strict=strict)
    messages = [str(w.message) for w in record if issubclass(w.category, cg.PluginWarning)]
    return guide, messages


def loaded(guide: cg.Guide) -> list[str]:
    return [p.name for p in guide.plugins if not p.builtin]


def single_failure(guide: cg.Guide, stage: str) -> cg.PluginFailure:
    failures = [f for f in guide.failures if f.stage == stage]
    assert len(failures) == 1, guide.failures
    return failures[0]


def test_a_working_plugin_loads_with_its_distribution(write_module, install) -> None:
    write_module("good_plugin", GOOD.format(rid="good"))
    install(FakeDistribution("classguide-good", "1.2.0", {"good": "good_plugin"}))
    guide = cg.Guide(strict=True)
    (info,) = [p for p in guide.plugins if p.name == "good"]
    assert (info.distribution, info.version, info.entry_point) == (
        "classguide-good",
        "1.2.0",
        "good_plugin",
    )
    assert info.rulesets == ("good",)
    assert info.hooks == ("classguide_rulesets",)
    assert info.module is not None and info.module.endswith("good_plugin.py")
    assert guide.failures == ()


def test_import_error_is_reported_and_others_still_load(write_module, install) -> None:
    write_module("good_plugin", GOOD.format(rid="good"))
    write_module("broken_plugin", "import not_installed_anywhere_xyz\n")
    install(
        FakeDistribution("classguide-good", "1.0", {"good": "good_plugin"}),
        FakeDistribution("classguide-broken", "0.3.1", {"broken": "broken_plugin"}),
    )
    guide, messages = load()
    assert loaded(guide) == ["good"]
    assert "good" in guide.rulesets
    failure = single_failure(guide, "import")
    text = str(failure)
    for part in ("classguide-broken", "0.3.1", "broken = broken_plugin", "ModuleNotFoundError"):
        assert part in text
    assert "CLASSGUIDE_DISABLE_PLUGINS=broken" in failure.hint
    assert any("classguide-broken" in m for m in messages)


def test_plugin_raising_on_import_is_a_defect_in_the_plugin(write_module, install) -> None:
    write_module("crash_plugin", "raise RuntimeError('database not reachable')\n")
    install(FakeDistribution("classguide-crash", "2.0", {"crash": "crash_plugin"}))
    guide, _ = load()
    failure = single_failure(guide, "import")
    assert "RuntimeError: database not reachable" in failure.cause
    assert "defect in the plugin" in failure.hint


def test_entry_point_attribute_missing_is_an_import_failure(write_module, install) -> None:
    write_module("attr_plugin", "x = 1\n")
    install(FakeDistribution("classguide-attr", "1.0", {"attr": "attr_plugin:nothing"}))
    guide, _ = load()
    assert "attr_plugin:nothing" in single_failure(guide, "import").cause


def test_unknown_hook_name_suggests_the_right_one(write_module, install) -> None:
    write_module(
        "typo_plugin",
        """
        from classguide import hookimpl

        @hookimpl
        def classguide_rulset():
            return []
        """,
    )
    install(FakeDistribution("classguide-typo", "0.1", {"typo": "typo_plugin"}))
    guide, messages = load()
    assert loaded(guide) == []
    failure = single_failure(guide, "register")
    assert "classguide_rulset" in failure.cause
    assert "did you mean 'classguide_rulesets'?" in failure.hint
    assert any("classguide-typo 0.1" in m and "did you mean" in m for m in messages)


def test_default_values_on_hookimpl_arguments_are_rejected(write_module, install) -> None:
    write_module(
        "default_plugin_x",
        """
        from classguide import hookimpl

        @hookimpl
        def classguide_countermeasures(ruleset=None):
            return []
        """,
    )
    install(FakeDistribution("classguide-defaults", "1.0", {"defaults": "default_plugin_x"}))
    guide, _ = load()
    failure = single_failure(guide, "register")
    assert "'ruleset' has a default value" in failure.cause
    assert "classguide-defaults" in str(failure)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "@hookimpl\ndef classguide_countermeasures(rule_set):\n    return []\n",
            "unknown argument 'rule_set'",
        ),
        (
            "@hookimpl\ndef classguide_rulesets(*args):\n    return []\n",
            "no *args, **kwargs or keyword-only",
        ),
        (
            "@hookimpl(wrapper=True)\ndef classguide_rulesets():\n    return (yield)\n",
            "wrappers are not supported",
        ),
        ("def classguide_rulesets():\n    return []\n", "without the @hookimpl marker"),
    ],
)
def test_invalid_hook_implementations_are_registration_failures(
    write_module, install, source: str, expected: str
) -> None:
    write_module("bad_impl_plugin", "from classguide import hookimpl\n\n" + source)
    install(FakeDistribution("classguide-bad", "1.0", {"bad": "bad_impl_plugin"}))
    guide, _ = load()
    assert expected in single_failure(guide, "register").cause
    assert loaded(guide) == []


def test_hook_raising_drops_the_whole_plugin(write_module, install) -> None:
    write_module(
        "half_plugin",
        GOOD.format(rid="half")
        + "\n@hookimpl\ndef classguide_warning_rules():\n    raise KeyError('oops')\n",
    )
    install(FakeDistribution("classguide-half", "1.0", {"half": "half_plugin"}))
    guide, _ = load()
    failure = single_failure(guide, "hooks")
    assert "classguide_warning_rules() raised KeyError" in failure.cause
    assert "half" not in guide.rulesets  # contributes fully or not at all
    assert loaded(guide) == []


@pytest.mark.parametrize(
    ("returned", "expected"),
    [("{'id': 'x'}", "returned dict"), ("['a rule set']", "returned str at position 0")],
)
def test_hook_returning_the_wrong_type_is_reported(
    write_module, install, returned: str, expected: str
) -> None:
    write_module(
        "wrong_plugin",
        f"from classguide import hookimpl\n\n@hookimpl\ndef classguide_rulesets():\n"
        f"    return {returned}\n",
    )
    install(FakeDistribution("classguide-wrong", "1.0", {"wrong": "wrong_plugin"}))
    guide, _ = load()
    assert expected in single_failure(guide, "hooks").cause


def test_duplicate_ruleset_id_names_both_distributions(write_module, install) -> None:
    write_module("one_plugin", GOOD.format(rid="shared"))
    write_module("two_plugin", GOOD.format(rid="shared"))
    install(
        FakeDistribution("classguide-one", "1.0", {"one": "one_plugin"}),
        FakeDistribution("classguide-two", "2.0", {"two": "two_plugin"}),
    )
    guide, _ = load()
    conflicts = [f for f in guide.failures if f.stage == "conflict"]
    assert {f.distribution for f in conflicts} == {"classguide-one", "classguide-two"}
    for f in conflicts:
        assert "classguide-one 1.0" in f.cause and "classguide-two 2.0" in f.cause
        assert "neither is used" in f.cause
    assert "shared" not in guide.rulesets
    with pytest.raises(cg.PluginConflictError, match=r"classguide-one 1\.0"):
        cg.Guide(strict=True)


def test_duplicate_unit_type_names_both_and_builtin_types_win(write_module, install) -> None:
    unit_types = """
    import classguide as cg
    from classguide import hookimpl

    @hookimpl
    def classguide_unit_types():
        return [cg.UnitType(id="{tid}", name=cg.Text(zh="类型"))]
    """
    write_module("ut_a", unit_types.format(tid="community"))
    write_module("ut_b", unit_types.format(tid="community"))
    write_module("ut_c", unit_types.format(tid="school"))
    install(
        FakeDistribution("classguide-a", "1", {"a": "ut_a"}),
        FakeDistribution("classguide-b", "1", {"b": "ut_b"}),
        FakeDistribution("classguide-c", "1", {"c": "ut_c"}),
    )
    guide, _ = load()
    assert "community" not in guide.unit_types
    school = [f for f in guide.failures if f.distribution == "classguide-c"]
    assert len(school) == 1 and "the core's is used" in school[0].cause
    assert guide.unit_types["school"] == cg.Guide(autoload=False).unit_types["school"]
    both = [f for f in guide.failures if f.distribution in ("classguide-a", "classguide-b")]
    assert len(both) == 2 and all("classguide-a 1" in f.cause for f in both)


def test_same_entry_point_name_in_two_distributions_loads_neither(write_module, install) -> None:
    write_module("dup_a", GOOD.format(rid="from-a"))
    write_module("dup_b", GOOD.format(rid="from-b"))
    install(
        FakeDistribution("classguide-a", "1.0", {"health": "dup_a"}),
        FakeDistribution("classguide-b", "3.0", {"health": "dup_b"}),
    )
    guide, _ = load()
    assert loaded(guide) == []
    conflicts = [f for f in guide.failures if f.stage == "conflict"]
    assert len(conflicts) == 2
    assert all("classguide-a 1.0 and classguide-b 3.0" in f.cause for f in conflicts)
    # choosing one by distribution name resolves it
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(loader.ENV_ONLY, "classguide-b")
        assert cg.Guide(strict=True).rulesets.keys() == {"from-b"}


def test_reserved_entry_point_name(write_module, install) -> None:
    write_module("core_plugin", GOOD.format(rid="x"))
    install(FakeDistribution("classguide-core-impostor", "1", {"core": "core_plugin"}))
    guide, _ = load()
    assert "reserved" in single_failure(guide, "select").cause


def test_rule_set_for_unknown_type_or_bad_selector_is_withheld(write_module, install) -> None:
    write_module(
        "withheld_plugin",
        """
        import attrs
        import classguide as cg
        from classguide import hookimpl
        from fake_plugins import ruleset

        @hookimpl
        def classguide_rulesets():
            return [
                ruleset("typo-type", unit_type="orgn"),
                ruleset("typo-attr", selector={"levle": ("county",)}),
                ruleset("typo-value", selector={"level": ("countyy",)}),
                ruleset("fine", selector={"level": ("county",)}),
            ]
        """,
    )
    install(FakeDistribution("classguide-w", "1", {"w": "withheld_plugin"}))
    guide, _ = load()
    assert list(guide.rulesets) == ["fine"]
    causes = " | ".join(f.cause for f in guide.failures if f.stage == "contribution")
    assert "did you mean 'organ'?" in causes
    assert "'levle' is not an attribute" in causes
    assert "'countyy'" in causes


def test_strict_mode_raises_listing_every_failure(write_module, install, monkeypatch) -> None:
    write_module("broken_plugin", "import not_installed_anywhere_xyz\n")
    write_module(
        "typo_plugin",
        "from classguide import hookimpl\n@hookimpl\ndef classguide_x():\n  return 1\n",
    )
    install(
        FakeDistribution("classguide-broken", "0.1", {"broken": "broken_plugin"}),
        FakeDistribution("classguide-typo", "0.2", {"typo": "typo_plugin"}),
    )
    with pytest.raises(cg.PluginError) as info:
        cg.Guide(strict=True)
    assert "classguide-broken 0.1" in str(info.value) and "classguide-typo 0.2" in str(info.value)
    assert len(info.value.failures) == 2
    monkeypatch.setenv(loader.ENV_STRICT, "1")
    with pytest.raises(cg.PluginError):
        cg.Guide()
    guide, _ = load(strict=False)  # the argument wins over the environment
    assert len(guide.failures) == 2


def test_load_only_the_named_plugins(write_module, install, monkeypatch) -> None:
    for name in ("a", "b", "c"):
        write_module(f"only_{name}", GOOD.format(rid=f"rs-{name}"))
    install(
        FakeDistribution("classguide-a", "1", {"a": "only_a"}),
        FakeDistribution("classguide-b", "1", {"b": "only_b"}),
        FakeDistribution("classguide-c", "1", {"c": "only_c"}),
    )
    monkeypatch.setenv(loader.ENV_ONLY, "a, classguide_c")  # entry-point or distribution names
    assert loaded(cg.Guide(strict=True)) == ["a", "c"]
    monkeypatch.setenv(loader.ENV_ONLY, "")
    assert loaded(cg.Guide(strict=True)) == []
    monkeypatch.setenv(loader.ENV_ONLY, "a,bb")
    guide, messages = load()
    assert loaded(guide) == ["a"]
    assert any("no installed plugin or distribution is called 'bb'" in m for m in messages)
    assert any("did you mean 'b'?" in note for note in guide.notes)


def test_disable_plugins_and_the_core_cannot_be_disabled(write_module, install, monkeypatch):
    for name in ("a", "b"):
        write_module(f"dis_{name}", GOOD.format(rid=f"rs-{name}"))
    install(
        FakeDistribution("classguide-a", "1", {"a": "dis_a"}),
        FakeDistribution("classguide-b", "1", {"b": "dis_b"}),
    )
    monkeypatch.setenv(loader.ENV_DISABLE, "classguide-a")
    assert loaded(cg.Guide(strict=True)) == ["b"]
    monkeypatch.setenv(loader.ENV_DISABLE, "core,zzz")
    guide, messages = load()
    assert loaded(guide) == ["a", "b"]
    assert "organ" in guide.unit_types  # the core's default plugin is still there
    assert any("cannot be disabled" in m for m in messages)
    assert any("'zzz'" in m for m in messages)


def test_autoload_false_ignores_installed_plugins(write_module, install, monkeypatch) -> None:
    write_module("ignored_plugin", "raise RuntimeError('must not be imported')\n")
    install(FakeDistribution("classguide-ignored", "1", {"ignored": "ignored_plugin"}))
    monkeypatch.setenv(loader.ENV_ONLY, "nothing-by-this-name")
    guide = cg.Guide(autoload=False, strict=True)
    assert guide.failures == () and guide.notes == ()
    assert "ignored_plugin" not in sys.modules


def test_trace_logs_every_hook_call(write_module, install, monkeypatch, caplog) -> None:
    write_module("traced_plugin", GOOD.format(rid="traced"))
    install(FakeDistribution("classguide-traced", "1", {"traced": "traced_plugin"}))
    monkeypatch.setenv(loader.ENV_TRACE, "1")
    caplog.set_level(logging.INFO, logger="classguide.plugins.trace")
    cg.Guide(strict=True)
    text = caplog.text
    assert "classguide_rulesets() [plugin traced]" in text
    assert "-> [RuleSet(id='traced')]" in text
    assert "classguide_unit_types() [plugin core]" in text
    assert "classguide_countermeasures(ruleset=RuleSet(id='traced'))" not in text  # none impl


def test_unreadable_flag_is_a_note(monkeypatch) -> None:
    monkeypatch.setenv(loader.ENV_TRACE, "maybe")
    with pytest.warns(cg.PluginWarning, match="CLASSGUIDE_TRACE_PLUGINS='maybe'"):
        cg.Guide(autoload=False)


def test_entry_points_come_from_importlib_metadata(monkeypatch) -> None:
    dist = FakeDistribution("classguide-found", "4.5", {"found": "found_mod"})

    class Finder:
        @staticmethod
        def find_spec(*args: object) -> None:
            return None

        @staticmethod
        def find_distributions(context: object = None) -> list[importlib.metadata.Distribution]:
            return [dist]

    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder()])
    (ep,) = [ep for ep in loader.entry_points_in_group() if ep.name == "found"]
    assert (ep.value, ep.dist.version) == ("found_mod", "4.5")  # type: ignore[union-attr]


def test_plugins_sharing_a_distribution_are_named_by_entry_point(write_module, install) -> None:
    write_module("multi_a", GOOD.format(rid="rs-a"))
    write_module(
        "multi_b",
        GOOD.format(rid="rs-b").replace('unit_type="organ"', 'unit_type="school"'),
    )
    install(FakeDistribution("classguide-multi", "2.1", {"a": "multi_a", "b": "multi_b"}))
    guide = cg.Guide(strict=True)
    assert guide.provenance("rs-a") == {"classguide-multi:a": "2.1"}
    assert (
        guide.explain(cg.Unit(id="s", name="s", unit_type="school", attributes={})).plugin
        == "classguide-multi:b"
    )
