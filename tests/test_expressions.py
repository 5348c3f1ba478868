"""Derived-indicator formulas: grammar, evaluation, missing values, errors and fuzzing."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from classguide.errors import ExpressionError
from classguide.expressions import MAX_DEPTH, MAX_LENGTH, Missing, parse_formula


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("8 / 4 / 2", 1.0),
        ("8 - 4 - 2", 2.0),
        ("-2 * -3", 6.0),
        ("--2", 2.0),
        ("-(1 + 1)", -2.0),
        ("min(3, 1, 2)", 1.0),
        ("max(3, 1 + 9, 2)", 10.0),
        ("min(4)", 4.0),
        (".5 + 1.", 1.5),
        ("1e3 / 1E-1", 10000.0),
        ("a / b", 0.25),
        ("  a\n*\tb ", 4.0),
        ("max(a, b) - min(a, b)", 3.0),
    ],
)
def test_values(text: str, expected: float) -> None:
    assert parse_formula(text).evaluate({"a": 1, "b": 4.0}) == pytest.approx(expected)


def test_names_in_order_of_first_use() -> None:
    assert parse_formula("trained / total + trained * max(x, total)").names == (
        "trained",
        "total",
        "x",
    )


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"b": 2}, "input 'a' is missing"),
        ({"a": None, "b": 2}, "input 'a' is missing"),
        ({"a": float("nan"), "b": 2}, "missing (NaN)"),
        ({"a": 1, "b": 0}, "division by zero (b is 0)"),
        ({"a": True, "b": 2}, "not a number"),
        ({"a": "3", "b": 2}, "not a number"),
        ({"a": Decimal(3), "b": 2}, "not a number"),
        ({"a": float("inf"), "b": 2}, "not finite"),
    ],
)
def test_missing_with_reason(values: dict[str, object], reason: str) -> None:
    result = parse_formula("a / b").evaluate(values)
    assert isinstance(result, Missing)
    assert reason in result.reason


def test_division_by_zero_of_an_expression() -> None:
    result = parse_formula("a / (b - b)").evaluate({"a": 1, "b": 2})
    assert result == Missing("division by zero")


def test_overflow_is_missing_not_infinite() -> None:
    result = parse_formula("a * a * a").evaluate({"a": 1e200})
    assert isinstance(result, Missing)
    assert "overflow" in result.reason


def test_numpy_and_fraction_inputs_are_numbers() -> None:
    f = parse_formula("a / b")
    assert f.evaluate({"a": np.int64(1), "b": np.float32(4)}) == 0.25
    assert f.evaluate({"a": Fraction(1, 2), "b": 1}) == 0.5


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("", 1, "empty formula"),
        ("   ", 1, "empty formula"),
        ("a +", 4, "unexpected end"),
        ("a b", 3, "unexpected 'b'"),
        ("a ** 2", 4, "expected a number"),
        ("a ^ 2", 3, "unexpected character '^'"),
        ("(a + 1", 7, "expected ')'"),
        ("a + 1)", 6, "unexpected ')'"),
        ("pow(a, 2)", 1, "unknown function 'pow'"),
        ("min + 1", 1, "min needs arguments"),
        ("max(1, 2", 9, "expected ')' to close the call"),
        ("min()", 5, "expected a number"),
        ("__import__('os')", 12, "unexpected character"),
        ("1e999", 1, "too large"),
        ("a.b", 2, "unexpected character '.'"),
        ("培训人数 / 总人数", 1, "unexpected character"),
        ("a = 1", 3, "unexpected character '='"),
    ],
)
def test_errors_point_at_the_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_formula(text)
    message = str(info.value)
    assert fragment in message
    assert f"column {column}:" in message


def test_limits() -> None:
    with pytest.raises(ExpressionError, match="at most"):
        parse_formula("a+" * MAX_LENGTH + "a")
    with pytest.raises(ExpressionError, match="nests too deeply"):
        parse_formula("(" * (MAX_DEPTH + 2) + "a" + ")" * (MAX_DEPTH + 2))
    with pytest.raises(ExpressionError, match="chain"):
        parse_formula("+".join(["a"] * 300))
    assert parse_formula("+".join(["a"] * 200)).evaluate({"a": 1}) == 200
    assert parse_formula("(" * 30 + "a" + ")" * 30).evaluate({"a": 2}) == 2
    with pytest.raises(ExpressionError, match="must be a string"):
        parse_formula(3)  # type: ignore[arg-type]


# --- fuzzing --------------------------------------------------------------------------------------

ALPHABET = "abcxyz_019.eE+-*/(), \t\nminax^%$#'\"=[]{}@!~<>|&\\中"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_arbitrary_text_parses_or_raises_expression_error(text: str) -> None:
    try:
        expr = parse_formula(text)
    except ExpressionError:
        return
    values = dict.fromkeys(expr.names, 1.5)
    result = expr.evaluate(values)
    assert isinstance(result, Missing) or math.isfinite(result)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_unicode_parses_or_raises_expression_error(text: str) -> None:
    try:
        expr = parse_formula(text)
    except ExpressionError as exc:
        message = str(exc)
    else:
        assert all(name.isascii() and name.isidentifier() for name in expr.names)
        return
    assert "column" in message


NAMES = ["a", "b", "c"]


@st.composite
def formulas(draw: st.DrawFn, depth: int = 0) -> tuple[str, object]:
    """A formula's text and a reference value tree evaluated independently below."""
    if depth > 4 or draw(st.integers(0, 2)) == 0:
        if draw(st.booleans()):
            value = draw(st.integers(0, 50))
            return str(value), ("num", float(value))
        name = draw(st.sampled_from(NAMES))
        return name, ("name", name)
    kind = draw(st.sampled_from(["+", "-", "*", "/", "neg", "min", "max", "paren"]))
    if kind in ("+", "-", "*", "/"):
        lt, lv = draw(formulas(depth + 1))
        rt, rv = draw(formulas(depth + 1))
        return f"({lt}) {kind} ({rt})", (kind, lv, rv)
    if kind == "neg":
        t, v = draw(formulas(depth + 1))
        return f"-({t})", ("neg", v)
    if kind == "paren":
        t, v = draw(formulas(depth + 1))
        return f"({t})", v
    args = [draw(formulas(depth + 1)) for _ in range(draw(st.integers(1, 3)))]
    return f"{kind}({', '.join(t for t, _ in args)})", (kind, *(v for _, v in args))


def reference(tree: object, values: dict[str, float]) -> float | None:
    """Plain recursive evaluation; None stands for a division by zero."""
    assert isinstance(tree, tuple)
    tag = tree[0]
    if tag == "num":
        return float(tree[1])
    if tag == "name":
        return values[tree[1]]
    parts = [reference(t, values) for t in tree[1:]]
    if any(p is None for p in parts):
        return None
    nums = [p for p in parts if p is not None]
    if tag == "neg":
        return -nums[0]
    if tag in ("min", "max"):
        return min(nums) if tag == "min" else max(nums)
    a, b = nums
    if tag == "/":
        return None if b == 0 else a / b
    return {"+": a + b, "-": a - b, "*": a * b}[tag]


@settings(max_examples=300, deadline=None)
@given(formulas(), st.lists(st.integers(-5, 5), min_size=3, max_size=3))
def test_generated_formulas_match_a_reference_evaluator(
    case: tuple[str, object], raw: list[int]
) -> None:
    text, tree = case
    values = dict(zip(NAMES, map(float, raw), strict=True))
    expected = reference(tree, values)
    result = parse_formula(text).evaluate(values)
    if expected is None:
        assert isinstance(result, Missing)
        assert "division by zero" in result.reason
    else:
        assert result == pytest.approx(expected, rel=1e-12, abs=1e-12)
