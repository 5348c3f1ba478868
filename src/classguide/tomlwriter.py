"""A small TOML writer for rule sets' plain data, in the layout of a hand-written rule file.

Top-level scalars and labels first, then one ``[table]`` per record (``[selector]``,
``[weights]``, ``[alerts]``) and one ``[[array]]`` block per list entry (``[[indicators]]``...);
everything inside an entry is written inline (``name = { zh = "…", en = "…" }``). TOML has no
null, so ``None`` values are left out — the loader's defaults stand for them; the caller checks
that reading the text back gives the same rule set.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["to_toml"]

_BARE = re.compile(r"[A-Za-z0-9_\-]+")
_ESCAPES = {
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
    '"': '\\"',
    "\\": "\\\\",
}


def _string(text: str) -> str:
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _comment(line: str) -> str:
    """A comment line; control characters (which TOML forbids in comments) as ``\\uXXXX``."""
    text = "".join(
        f"\\u{ord(ch):04x}" if (ord(ch) < 0x20 and ch != "\t") or ord(ch) == 0x7F else ch
        for ch in line
    )
    return f"# {text}" if text else "#"


def _key(key: str) -> str:
    return key if _BARE.fullmatch(key) else _string(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"TOML rule files hold finite numbers only, got {value!r}")
        return repr(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        items = [f"{_key(k)} = {_value(v)}" for k, v in value.items() if v is not None]
        return "{ " + ", ".join(items) + " }" if items else "{}"
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as TOML")


def _is_label(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) <= {"zh", "en"}


def _entries(table: Mapping[str, Any]) -> list[str]:
    return [f"{_key(k)} = {_value(v)}" for k, v in table.items() if v is not None]


def to_toml(data: Mapping[str, Any], *, header: str = "") -> str:
    """``data`` (a rule set's plain form) as TOML text, with ``header`` as leading comments."""
    lines = [_comment(line) for line in header.splitlines()]
    sections: list[str] = []
    for key, value in data.items():
        if value is None:
            continue
        is_table = isinstance(value, Mapping) and value and not _is_label(value)
        is_array = (
            isinstance(value, (list, tuple))
            and value
            and all(isinstance(v, Mapping) for v in value)
        )
        if is_table:
            sections += ["", f"[{_key(key)}]", *_entries(value)]
        elif is_array:
            for entry in value:
                sections += ["", f"[[{_key(key)}]]", *_entries(entry)]
        else:
            lines.append(f"{_key(key)} = {_value(value)}")
    return "\n".join(lines + sections) + "\n"
