"""Rule-file documents: text in TOML, JSON or YAML → plain data, checked before conversion.

The first two stages of reading a rule file (see :mod:`classguide.rulefiles`): decode and parse
(YAML with the safe loader only), then plain-data checks — finite numbers, safe integers, string
keys, bounded depth and size, tables and lists where the schema wants them. Problems are raised
as :class:`DocumentError` carrying ``(path, message)`` pairs, a locator for their lines, and the
line of a syntax error.
"""

from __future__ import annotations

import functools
import json
import math
import re
import sys
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from classguide.locations import (
    Locator,
    format_path,
    json_locator,
    lazy,
    toml_locator,
    yaml_lines,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = [
    "MAX_DEPTH",
    "MAX_NODES",
    "PARSERS",
    "DocumentError",
    "check_plain",
    "check_shape",
    "decode",
    "tidy",
]

#: Deepest nesting a rule file may have (a rule set needs 5: ``groups[0].ahp.matrix[0][1]``).
MAX_DEPTH = 32
#: Most values (tables, lists, scalars) a rule file may hold.
MAX_NODES = 200_000
_MAX_INT = 2**53

Raw = list[tuple[str, str]]  # (path, message) before file and line are known


class DocumentError(Exception):
    """Problems that stop reading a document (never escapes :mod:`classguide.rulefiles`)."""

    def __init__(
        self, problems: Raw, locator: Locator | None = None, line: int | None = None
    ) -> None:
        self.problems = problems
        self.locator = locator
        self.line = line  # of a whole-document problem (a syntax error)


def decode(data: str | bytes) -> str:
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise DocumentError(
                [
                    (
                        "",
                        f"line {line}: not UTF-8 (byte {data[exc.start]:#04x} at offset "
                        f"{exc.start}); save the file as UTF-8",
                    )
                ]
            ) from None
    else:
        text = data
    return text[1:] if text.startswith("\ufeff") else text


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed (numbers must be finite)")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}")
        out[key] = value
    return out


def _parse_json(text: str) -> tuple[Any, Locator]:
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise DocumentError(
            [("", f"not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}")],
            line=exc.lineno,
        ) from None
    except ValueError as exc:
        raise DocumentError([("", f"not valid JSON: {exc}")]) from None
    return data, lazy(lambda: json_locator(text))


def _parse_toml(text: str) -> tuple[Any, Locator]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise DocumentError(
            [("", f"not valid TOML: {exc}")], line=int(m.group(1)) if m else None
        ) from None
    return data, lazy(lambda: toml_locator(text))


def _yaml_duplicates(node: Any) -> Raw:
    import yaml

    out: Raw = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(node, ())]
    seen = 0
    while stack and seen < MAX_NODES:
        n, path = stack.pop()
        seen += 1
        if isinstance(n, yaml.MappingNode):
            keys: set[str] = set()
            for key, value in n.value:
                name = str(key.value) if isinstance(key, yaml.ScalarNode) else "?"
                if name in keys and name != "<<":
                    out.append(
                        (
                            format_path(path),
                            f"line {key.start_mark.line + 1}: duplicate key {name!r}",
                        )
                    )
                keys.add(name)
                stack.append((value, (*path, name)))
        elif isinstance(n, yaml.SequenceNode):
            stack.extend((item, (*path, k)) for k, item in enumerate(n.value))
    return out


def _yaml_failure(exc: Exception, text: str) -> DocumentError:
    """A one-line message with the line of a YAML syntax error."""
    import yaml

    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
        return DocumentError(
            [("", f"not valid YAML: line {line}: character {chr(exc.character)!r} is not allowed")],
            line=line,
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        what = "; ".join(str(x) for x in (exc.context, exc.problem) if x)
        if "nesting depth" in what:  # PyYAML ≥ 6.0.4 stops deep nesting itself
            what = f"nested too deeply to read ({exc.problem})"
        if mark is not None:
            line = mark.line + 1
            return DocumentError(
                [("", f"not valid YAML: line {line}, column {mark.column + 1}: {what}")],
                line=line,
            )
        return DocumentError([("", f"not valid YAML: {what}")])
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return DocumentError([("", f"not valid YAML: {first}")])


def _parse_yaml(text: str) -> tuple[Any, Locator]:
    import yaml

    loader = None
    try:
        # libyaml when PyYAML has it (same safe constructor, ten times faster)
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
        node = loader.get_single_node()
        if node is None:
            raise DocumentError([("", "the document is empty")])
        duplicates = _yaml_duplicates(node)
        if duplicates:
            raise DocumentError(duplicates)
        data = loader.construct_document(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise _yaml_failure(exc, text) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, lazy(lambda: yaml_lines(node))


PARSERS: Mapping[str, Callable[[str], tuple[Any, Locator]]] = {
    "toml": _parse_toml,
    "json": _parse_json,
    "yaml": _parse_yaml,
}


def _describe(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:40] + '...' if len(text) > 43 else text}"


def check_plain(data: Any) -> Raw:
    """Finite numbers, safe integers, string keys, bounded depth and size (iteratively)."""
    problems: Raw = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    count = 0
    while stack:
        value, path = stack.pop()
        count += 1
        if count > MAX_NODES:
            return [
                (
                    "",
                    f"the document holds more than {MAX_NODES} values; a rule set is far "
                    "smaller (repeated YAML aliases?)",
                )
            ]
        if len(path) > MAX_DEPTH:
            return [(format_path(path[:MAX_DEPTH]), f"nested more than {MAX_DEPTH} levels deep")]
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    problems.append(
                        (format_path(path), f"keys must be strings, got {_describe(key)}")
                    )
                    continue
                stack.append((item, (*path, key)))
        elif isinstance(value, list):
            stack.extend((item, (*path, k)) for k, item in enumerate(value))
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int):
            if abs(value) > _MAX_INT:
                problems.append(
                    (
                        format_path(path),
                        f"number {str(value)[:30]}... is too large (beyond ±2**53)"
                        if len(str(value)) > 30
                        else f"number {value} is too large (beyond ±2**53)",
                    )
                )
        elif isinstance(value, float):
            if not math.isfinite(value):
                problems.append((format_path(path), f"expected a finite number, got {value!r}"))
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                problems.append(
                    (format_path(path), "string holds an unpaired surrogate (\\ud800-\\udfff)")
                )
        else:
            problems.append(
                (
                    format_path(path),
                    f"expected a string, number, boolean, list or table, got {_describe(value)}",
                )
            )
    return sorted(problems)


# What a type wants of its data: ("record", field types) | ("mapping", value type) |
# ("sequence", element type) | ("tuple", element types) | ("scalar", None).
_Shape = tuple[str, Any]


@functools.lru_cache(maxsize=256)
def _shape(tp: Any) -> _Shape:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if typing.get_origin(tp) in (typing.Union, getattr(types, "UnionType", None)):
        return _shape(args[0]) if len(args) == 1 else ("scalar", None)
    origin = typing.get_origin(tp)
    if attrs.has(tp):
        return ("record", typing.get_type_hints(tp))
    if origin in (dict, Mapping) or tp is dict:
        return ("mapping", args[1] if len(args) == 2 else None)
    if origin in (tuple, list):
        every = typing.get_args(tp)
        if len(every) == 2 and every[1] is Ellipsis:
            return ("sequence", every[0])
        return ("tuple", every)
    return ("scalar", None)


def check_shape(data: Any, tp: Any, path: tuple[str | int, ...], out: Raw) -> None:
    """Tables where records and mappings belong, lists where sequences belong.

    The converter would otherwise read a string as a list of characters or a table as the list
    of its keys.
    """
    kind, inner = _shape(tp)
    if kind == "scalar" or data is None:
        return
    if kind in ("record", "mapping"):
        if not isinstance(data, dict):
            what = "record" if kind == "record" else "table of key → value"
            out.append((format_path(path), f"expected a table ({what}), got {_describe(data)}"))
            return
        for key, value in data.items():
            if kind == "mapping":
                check_shape(value, inner, (*path, key), out)
            elif key in inner:
                check_shape(value, inner[key], (*path, key), out)
        return
    if not isinstance(data, list):
        out.append((format_path(path), f"expected a list, got {_describe(data)}"))
        return
    if kind == "sequence":
        for k, item in enumerate(data):
            check_shape(item, inner, (*path, k), out)
    elif len(data) == len(inner):
        for k, (item, arg) in enumerate(zip(data, inner, strict=True)):
            check_shape(item, arg, (*path, k), out)


_LITERAL = re.compile(r"^CattrsError: (.*) not in literal typing\.Literal\[(.*)\]$")


def tidy(message: str) -> str:
    m = _LITERAL.match(message)
    if m:
        return f"expected one of {m.group(2)}, got {m.group(1)!r}"
    return message
