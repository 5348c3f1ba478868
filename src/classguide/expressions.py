"""Derived indicators: a small, safe arithmetic language (never ``eval``).

Grammar::

    expr   := term (("+" | "-") term)*
    term   := unary (("*" | "/") unary)*
    unary  := "-" unary | atom
    atom   := NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"

Names are raw inputs of the unit's observations; the only functions are ``min`` and ``max``.
Evaluating returns a number, or :class:`Missing` with the reason when an input is missing or a
division by zero occurs — a derived indicator is then missing, never zero.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache

import attrs

from classguide.errors import ExpressionError

__all__ = ["Expression", "Missing", "parse_formula"]

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+)|([A-Za-z_][A-Za-z0-9_]*)|(.))")
_FUNCTIONS = ("min", "max")
_MAX_DEPTH = 64


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
        """The formula's value on ``values`` (raw inputs by name)."""
        return _eval(self.tree, values)


def _eval(node: Node, values: Mapping[str, object]) -> float | Missing:
    tag = node[0]
    if tag == "num":
        return float(node[1])  # type: ignore[arg-type]
    if tag == "name":
        name = str(node[1])
        v = values.get(name)
        if v is None:
            return Missing(f"input {name!r} is missing")
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            return Missing(f"input {name!r} is not a number: {v!r}")
        if math.isnan(v):
            return Missing(f"input {name!r} is missing (NaN)")
        return float(v)
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
        return Missing("division by zero")
    return left / right


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens: list[tuple[str, str, int]] = []
        for m in _TOKEN.finditer(text):
            num, name, other = m.groups()
            pos = m.start(m.lastindex or 0)
            if num is not None:
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
        if depth > _MAX_DEPTH:
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
    parser = _Parser(text)
    tree = parser.parse()
    return Expression(text=text, tree=tree, names=tuple(parser.names))
