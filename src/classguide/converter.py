"""The one owned, strict cattrs converter: the only door for untrusted structured data.

Strict means: no ``"false"`` → ``True``, no ``3.9`` → ``3``, no ``"0,3"`` → 0.3, no silently
ignored keys. Every error names the path inside the document (``indicators[3].weight``).
"""

from __future__ import annotations

import json
import math
from typing import Any, Literal, TypeVar, get_args, get_origin

import cattrs
from cattrs.errors import ClassValidationError, IterableValidationError

from classguide.errors import ConversionError
from classguide.results import Value, WarningLevel

__all__ = ["converter", "from_json", "structure", "to_json", "unstructure"]

T = TypeVar("T")


def _describe(value: object) -> str:
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(value).__name__} {text}"


def _strict_float(value: object, _: type) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"expected a number, got {_describe(value)}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"expected a finite number, got {value!r}")
    return result


def _strict_int(value: object, _: type) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"expected an integer, got {_describe(value)}")
    return value


def _strict_bool(value: object, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {_describe(value)}")
    return value


def _strict_str(value: object, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {_describe(value)}")
    return value


def _value(value: object, _: object) -> Value:
    if value is None or isinstance(value, (bool, str)):
        return value
    return _strict_float(value, float)


def _level(value: object, _: type) -> WarningLevel:
    if not isinstance(value, str):
        raise TypeError(f"expected a warning level name, got {_describe(value)}")
    return WarningLevel.parse(value)


def _make_converter() -> cattrs.Converter:
    conv = cattrs.Converter(forbid_extra_keys=True)
    conv.register_structure_hook(float, _strict_float)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(Value, _value)
    conv.register_structure_hook(WarningLevel, _level)
    conv.register_unstructure_hook(WarningLevel, lambda lvl: lvl.name.lower())
    return conv


#: The converter; use :func:`structure` / :func:`unstructure` rather than calling it directly.
converter = _make_converter()


def _format(exc: BaseException, type_: Any) -> str:
    if isinstance(exc, KeyError):
        return f"required key {exc.args[0]!r} is missing" if exc.args else "required key missing"
    if isinstance(exc, cattrs.ForbiddenExtraKeysError):
        return f"unknown key(s): {', '.join(sorted(exc.extra_fields))}"
    if get_origin(type_) is Literal:
        allowed = ", ".join(repr(a) for a in get_args(type_))
        got = str(exc).split(" not in literal", 1)[0]
        return f"expected one of {allowed}, got {got!r}"
    if isinstance(exc, (TypeError, ValueError)) and str(exc):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _split(line: str) -> tuple[str, str]:
    message, _, path = line.rpartition(" @ ")
    path = path[1:] if path.startswith("$") else path
    return path.lstrip("."), message


def structure(data: object, cls: type[T], *, what: str | None = None) -> T:
    """Turn plain data into ``cls``, strictly; errors raise :class:`ConversionError` with paths."""
    try:
        return converter.structure(data, cls)
    except (ClassValidationError, IterableValidationError) as exc:
        lines = cattrs.transform_error(exc, path="$", format_exception=_format)
        raise ConversionError([_split(line) for line in lines], what=what or cls.__name__) from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise ConversionError([("", _format(exc, cls))], what=what or cls.__name__) from None


def unstructure(obj: object) -> Any:
    """Plain data (dicts, lists, strings, numbers) for ``obj``."""
    return converter.unstructure(obj)


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not allowed in JSON")


def to_json(obj: object, *, indent: int | None = None) -> str:
    """``obj`` (any classguide record) as JSON text; Chinese stays readable (no ``\\u`` escapes)."""
    return json.dumps(unstructure(obj), ensure_ascii=False, indent=indent, allow_nan=False)


def from_json(cls: type[T], text: str | bytes) -> T:
    """Read a ``cls`` from JSON text written by :func:`to_json` (or by another system)."""
    try:
        data = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConversionError([("", f"not valid JSON: {exc}")], what=cls.__name__) from None
    return structure(data, cls)
