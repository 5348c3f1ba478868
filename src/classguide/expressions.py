"""Derived indicators: a small, safe arithmetic language (never ``eval``).

Grammar::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := "-" unary | atom
    atom   := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"

Numbers are decimal (``0.5``, ``.5``, ``12``, ``1e3``); names are ASCII identifiers
(``trained_members``) naming raw inputs of the unit's observations; the only functions are
``min`` and ``max`` (one or more arguments). ``-`` is the only unary operator; ``*`` and ``/``
bind tighter than ``+`` and ``-``; all four associate to the left.

Evaluating returns a number, or :class:`Missing` with the reason when an input is missing (absent,
``None`` or NaN) or not a number, a division by zero occurs, or the result overflows — a
derived indicator is then missing, never zero. Formulas are at most :data:`MAX_LENGTH`
characters and nest at most :data:`MAX_DEPTH` levels, so parsing and evaluating are bounded.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from functools import lru_cache

import attrs

from classguide.errors import ExpressionError

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "Expression", "Missing", "parse_formula"]

_TOKEN = re.compile(
    r"\s*(?:([0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)"
    r"|([A-Za-z_][A-Za-z0-9_]*)|(.))",
    re.DOTALL,
)
_FUNCTIONS = ("min", "max")
#: Longest formula accepted, in characters.
MAX_LENGTH = 1000
#: Deepest nesting of parentheses, calls and unary minus accepted.
MAX_DEPTH = 64
_MAX_TREE = 256  # deepest tree (a chain of 256 operators); bounds the evaluator's recursion


@attrs.frozen
class Missing:
    """Why a formula has no value (an input is missing, or a division by zero)."""

    reason: str


# An expression node: ("num", x) | ("name", n) | ("neg", e) | (op, a, b) | ("call", f, args)
Node = tuple[object, ...]


@attrs.frozen
class Expression:
    """A parsed formula; ``names`` are the raw inputs it reads."""

    text: str
    tree: Node
    names: tuple[str, ...]

    def evaluate(self, values: Mapping[str, object]) -> float | Missing:
        """The formula's value on ``values`` (raw inputs by name), or why it has none."""
        result = _eval(self.tree, values)
        if isinstance(result, Missing) or math.isfinite(result):
            return result
        return Missing(f"the result is not a finite number ({result!r}): the inputs overflow")


def _eval(node: Node, values: Mapping[str, object]) -> float | Missing:
    tag = node[0]
    if tag == "num":
        return float(node[1])  # type: ignore[arg-type]
    if tag == "name":
        name = str(node[1])
        v = values.get(name)
        if v is None:
            return Missing(f"input {name!r} is missing")
        if isinstance(v, bool) or not isinstance(v, numbers.Real):
            return Missing(f"input {name!r} is not a number: {v!r}")
        x = float(v)
        if math.isnan(x):
            return Missing(f"input {name!r} is missing (NaN)")
        if math.isinf(x):
            return Missing(f"input {name!r} is not finite: {v!r}")
        return x
    if tag == "neg":
        inner = _eval(node[1], values)  # type: ignore[arg-type]
        return inner if isinstance(inner, Missing) else -inner
    if tag == "call":
        call_args: tuple[Node, ...] = node[2]  # type: ignore[assignment]
        args = [_eval(a, values) for a in call_args]
        for a in args:
            if isinstance(a, Missing):
                return a
        nums = [a for a in args if not isinstance(a, Missing)]
        return min(nums) if node[1] == "min" else max(nums)
    left = _eval(node[1], values)  # type: ignore[arg-type]
    if isinstance(left, Missing):
        return left
    right = _eval(node[2], values)  # type: ignore[arg-type]
    if isinstance(right, Missing):
        return right
    if tag == "+":
        return left + right
    if tag == "-":
        return left - right
    if tag == "*":
        return left * right
    if right == 0.0:
        divisor = node[2]
        what = f" ({divisor[1]} is 0)" if divisor[0] == "name" else ""  # type: ignore[index]
        return Missing(f"division by zero{what}")
    return left / right


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        for m in _TOKEN.finditer(text):
            num, name, other = m.groups()
            pos = m.start(m.lastindex or 0)
            if num is not None:
                if not math.isfinite(float(num)):
                    self.fail(f"number {num} is too large", pos)
                self.tokens.append(("num", num, pos))
            elif name is not None:
                self.tokens.append(("name", name, pos))
            elif other is not None and not other.isspace():
                if other not in "+-*/(),":
                    self.fail(f"unexpected character {other!r}", pos)
                self.tokens.append(("op", other, pos))
        self.pos = 0
        self.names: list[str] = []

    def fail(self, message: str, at: int | None = None) -> None:
        col = at if at is not None else self.peek()[2]
        raise ExpressionError(f"formula {self.text!r}, column {col + 1}: {message}")

    def peek(self) -> tuple[str, str, int]:
        if self.pos < len(self.tokens):
            return self.tokens[self.pos]
        return ("end", "", len(self.text))

    def take(self, value: str) -> bool:
        kind, tok, _ = self.peek()
        if kind == "op" and tok == value:
            self.pos += 1
            return True
        return False

    def parse(self) -> Node:
        if not self.tokens:
            self.fail("empty formula", 0)
        node = self.expr(0)
        if self.peek()[0] != "end":
            self.fail(f"unexpected {self.peek()[1]!r}")
        return node

    def expr(self, depth: int) -> Node:
        node = self.term(depth)
        while True:
            if self.take("+"):
                node = ("+", node, self.term(depth))
            elif self.take("-"):
                node = ("-", node, self.term(depth))
            else:
                return node

    def term(self, depth: int) -> Node:
        node = self.unary(depth)
        while True:
            if self.take("*"):
                node = ("*", node, self.unary(depth))
            elif self.take("/"):
                node = ("/", node, self.unary(depth))
            else:
                return node

    def unary(self, depth: int) -> Node:
        if depth > MAX_DEPTH:
            self.fail("formula nests too deeply")
        if self.take("-"):
            return ("neg", self.unary(depth + 1))
        return self.atom(depth)

    def atom(self, depth: int) -> Node:
        kind, tok, pos = self.peek()
        if kind == "num":
            self.pos += 1
            return ("num", float(tok))
        if kind == "name":
            self.pos += 1
            if self.take("("):
                if tok not in _FUNCTIONS:
                    self.fail(f"unknown function {tok!r}; only min and max are allowed", pos)
                args = [self.expr(depth + 1)]
                while self.take(","):
                    args.append(self.expr(depth + 1))
                if not self.take(")"):
                    self.fail("expected ')' to close the call")
                return ("call", tok, tuple(args))
            if tok in _FUNCTIONS:
                self.fail(f"{tok} needs arguments: {tok}(a, b)", pos)
            if tok not in self.names:
                self.names.append(tok)
            return ("name", tok)
        if self.take("("):
            node = self.expr(depth + 1)
            if not self.take(")"):
                self.fail("expected ')'")
            return node
        self.fail("expected a number, a name or '('" if kind != "end" else "unexpected end")
        raise AssertionError("unreachable")


@lru_cache(maxsize=4096)
def parse_formula(text: str) -> Expression:
    """Parse ``text``; :class:`ExpressionError` names the column of the first problem."""
    if not isinstance(text, str):
        raise ExpressionError(f"a formula must be a string, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"formula is {len(text)} characters long; at most {MAX_LENGTH} are allowed"
        )
    parser = _Parser(text)
    tree = parser.parse()
    if _tree_depth(tree) > _MAX_TREE:
        raise ExpressionError(
            f"formula {text[:40]!r}...: more than {_MAX_TREE} operators in a chain; split it "
            "into several derived indicators"
        )
    return Expression(text=text, tree=tree, names=tuple(parser.names))


def _children(node: Node) -> tuple[Node, ...]:
    tag = node[0]
    if tag in ("num", "name"):
        return ()
    if tag == "call":
        return node[2]  # type: ignore[return-value]
    return node[1:]  # type: ignore[return-value]


def _tree_depth(tree: Node) -> int:
    deepest = 0
    stack: list[tuple[Node, int]] = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in _children(node))
    return deepest
