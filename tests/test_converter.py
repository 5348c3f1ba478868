"""The one strict converter: no coercion, no ignored keys, errors that name the path."""

from __future__ import annotations

import json

import pytest

import classguide as cg
from classguide.converter import structure, unstructure
from classguide.demo import example_ruleset

RS = example_ruleset()


def doc() -> dict[str, object]:
    return json.loads(cg.to_json(RS))  # type: ignore[no-any-return]


def problems_of(data: object, cls: type = cg.RuleSet) -> dict[str, str]:
    with pytest.raises(cg.ConversionError) as err:
        structure(data, cls)
    assert isinstance(err.value, ValueError) and isinstance(err.value, cg.ClassguideError)
    return dict(err.value.problems)


def test_rule_set_round_trip() -> None:
    assert structure(doc(), cg.RuleSet) == RS
    assert cg.from_json(cg.RuleSet, cg.to_json(RS)) == RS


def test_string_for_number_names_the_path() -> None:
    d = doc()
    d["indicators"][3]["weight"] = "0,3"  # type: ignore[index]
    found = problems_of(d)
    assert "indicators[3].weight" in found
    assert "expected a number" in found["indicators[3].weight"]
    assert "'0,3'" in found["indicators[3].weight"]


def test_no_string_to_bool() -> None:
    with pytest.raises(cg.ConversionError, match="expected true or false"):
        structure("false", bool)
    ar = unstructure(cg.AttributeSpec(name="a", label=cg.Text(zh="甲"), values=("x",)))
    ar["required"] = "false"
    assert "required" in problems_of(ar, cg.AttributeSpec)


def test_no_float_to_int() -> None:
    d = doc()
    d["sources"][0]["year"] = 3.9  # type: ignore[index]
    assert "expected an integer" in problems_of(d)["sources[0].year"]


def test_no_bool_to_number() -> None:
    d = doc()
    d["lag_threshold"] = True
    assert "expected a number" in problems_of(d)["lag_threshold"]


def test_unknown_keys_are_rejected() -> None:
    d = doc()
    d["indicators"][0]["wieght"] = 0.5  # type: ignore[index]
    d["colour"] = "red"
    found = problems_of(d)
    assert any("wieght" in m for m in found.values())
    assert any("colour" in m for m in found.values())


def test_missing_keys_and_literals() -> None:
    d = doc()
    del d["indicators"][1]["dimension"]  # type: ignore[attr-defined]
    d["indicators"][2]["direction"] = "upwards"  # type: ignore[index]
    found = problems_of(d)
    assert "indicators[1].dimension" in found or any("dimension" in k for k in found)
    assert any("indicators[2]" in k for k in found)


def test_every_problem_is_reported_at_once() -> None:
    d = doc()
    d["indicators"][0]["weight"] = "x"  # type: ignore[index]
    d["indicators"][5]["floor"] = "y"  # type: ignore[index]
    found = problems_of(d)
    assert {"indicators[0].weight", "indicators[5].floor"} <= set(found)


def test_nan_and_bad_json_are_rejected() -> None:
    with pytest.raises(cg.ConversionError, match="NaN"):
        cg.from_json(cg.Text, '{"zh": "a", "en": NaN}')
    with pytest.raises(cg.ConversionError, match="not valid JSON"):
        cg.from_json(cg.Text, "{")


def test_warning_level_is_a_name_in_json() -> None:
    w = cg.Warning(level=cg.WarningLevel.ORANGE, code="lag", message=cg.Text(zh="滞后", en="lag"))
    assert json.loads(cg.to_json(w))["level"] == "orange"
    assert cg.from_json(cg.Warning, cg.to_json(w)) == w
    assert (
        cg.WarningLevel.RED > cg.WarningLevel.ORANGE > cg.WarningLevel.YELLOW > cg.WarningLevel.BLUE
    )


def test_chinese_stays_readable() -> None:
    assert "示例" in cg.to_json(RS)
