"""Where a rule-set path (``indicators[3].weight``) sits in its file: the line, per format.

* **YAML**: exact, from the marks of ``yaml.compose`` (the key's line).
* **JSON**: exact, from a scan of the (already valid) text that records where each value
  starts.
* **TOML**: best effort. ``tomllib`` gives no positions, so the text is scanned for table and
  array-of-tables headers (``[weights]``, ``[[indicators]]``, ``[groups.ahp]``), counting
  array elements, and then for the key inside that table. Inline tables and multi-line values
  resolve to the line of their key.

A locator maps path components to a line number (1-based) or ``None``; when the exact path has
no line (a missing key, say) the nearest enclosing one is used.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

__all__ = [
    "Locator",
    "Path",
    "format_path",
    "json_locator",
    "lazy",
    "parse_path",
    "toml_locator",
    "yaml_lines",
]

Path = tuple[str | int, ...]
Locator = Callable[[Path], int | None]

_PATH_PART = re.compile(
    r"\.?([A-Za-z_][\w\-]*)|\[(\d+)\]|\[('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")\]"
)


def parse_path(path: str) -> Path:
    """``"indicators[3].grades['好']"`` → ``("indicators", 3, "grades", "好")`` (best effort)."""
    parts: list[str | int] = []
    pos = 0
    while pos < len(path):
        m = _PATH_PART.match(path, pos)
        if m is None:
            break
        name, index, quoted = m.groups()
        if name is not None:
            parts.append(name)
        elif index is not None:
            parts.append(int(index))
        else:
            parts.append(re.sub(r"\\(.)", r"\1", quoted[1:-1]))
        pos = m.end()
    return tuple(parts)


def lazy(build: Callable[[], Locator]) -> Locator:
    """A locator built on first use (most documents have no problem to locate)."""
    built: list[Locator] = []

    def locate(path: Path) -> int | None:
        if not built:
            built.append(build())
        return built[0](path)

    return locate


def _from_table(lines: Mapping[Path, int]) -> Locator:
    def locate(path: Path) -> int | None:
        for k in range(len(path), -1, -1):
            line = lines.get(path[:k])
            if line is not None:
                return line
        return None

    return locate


def yaml_lines(node: Any) -> Locator:
    """A locator from a composed YAML node (``yaml.SafeLoader(...).get_single_node()``)."""
    import yaml

    lines: dict[Path, int] = {}
    stack: list[tuple[Any, Path, int]] = [(node, (), 0)]
    seen = 0
    while stack:
        n, path, line = stack.pop()
        seen += 1
        if n is None or seen > 200_000:
            continue
        lines.setdefault(path, line or n.start_mark.line + 1)
        if isinstance(n, yaml.MappingNode):
            for key, value in n.value:
                name = key.value if isinstance(key, yaml.ScalarNode) else str(key.start_mark)
                stack.append((value, (*path, name), key.start_mark.line + 1))
        elif isinstance(n, yaml.SequenceNode):
            for k, item in enumerate(n.value):
                stack.append((item, (*path, k), item.start_mark.line + 1))
    return _from_table(lines)


_WS = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?\d[\d.eE+\-]*|-?[\d.eE+\-]+|true|false|null")


def json_locator(text: str) -> Locator:
    """A locator for valid JSON ``text`` (the line where each value starts)."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    lines: dict[Path, int] = {}
    # stack entries: [container kind, path, next index or pending key]
    stack: list[list[Any]] = []
    pos = _WS.match(text, 0).end()  # type: ignore[union-attr]
    path: Path = ()

    def line_at(p: int) -> int:
        return bisect.bisect_right(newlines, p - 1) + 1

    expecting_value = True
    while pos < len(text):
        ch = text[pos]
        if expecting_value:
            lines.setdefault(path, line_at(pos))
            if ch == "{":
                stack.append(["obj", path, None])
                pos += 1
                expecting_value = False
            elif ch == "[":
                stack.append(["arr", path, 0])
                pos += 1
                pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
                if pos < len(text) and text[pos] == "]":
                    expecting_value = False
                else:
                    path = (*path, 0)
                continue
            elif ch == '"':
                _, pos = scanstring(text, pos + 1)
                expecting_value = False
            else:
                m = _SCALAR.match(text, pos)
                pos = m.end() if m and m.end() > pos else pos + 1
                expecting_value = False
            continue
        # between values: a key, a comma, or a closing bracket
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text):
            break
        ch = text[pos]
        top = stack[-1] if stack else None
        if ch == '"' and top is not None and top[0] == "obj":
            key, pos = scanstring(text, pos + 1)
            lines.setdefault((*top[1], key), line_at(pos))
            pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
            pos += 1  # the colon
            pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
            path = (*top[1], key)
            expecting_value = True
        elif ch == "," and top is not None:
            pos += 1
            if top[0] == "arr":
                top[2] += 1
                path = (*top[1], top[2])
                pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
                expecting_value = True
        elif ch in "}]" and top is not None:
            stack.pop()
            path = top[1]
            pos += 1
        else:
            pos += 1
    return _from_table(lines)


_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\[\]#]+?)\s*\]\]?\s*(#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_\-]+)\s*[.=]""")


def _toml_key_parts(key: str) -> list[str]:
    parts = re.findall(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^.\s]+)\s*(?:\.|$)""", key)
    return [p[1:-1] if p[:1] in "\"'" else p for p in parts]


def _open_brackets(line: str) -> int:
    stripped = re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', "", line.split("#", 1)[0])
    return stripped.count("[") + stripped.count("{") - stripped.count("]") - stripped.count("}")


def toml_locator(text: str) -> Locator:
    """A best-effort locator for TOML ``text`` (headers, then keys inside their table)."""
    raw_lines = text.splitlines()
    headers: list[tuple[int, Path]] = [(0, ())]  # (line index, concrete path); 0 = top region
    counts: dict[Path, int] = {}
    depth = 0
    in_string = False
    for k, line in enumerate(raw_lines):
        if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
            in_string = not in_string
            continue
        if in_string:
            continue
        if depth > 0:
            depth = max(0, depth + _open_brackets(line))
            continue
        m = _HEADER.match(line)
        if m is None:
            if "=" in line:
                depth = max(0, _open_brackets(line.split("=", 1)[1]))
            continue
        is_array = m.group(1) == "[["
        parts = _toml_key_parts(m.group(2))
        concrete: list[str | int] = []
        for i, part in enumerate(parts):
            concrete.append(part)
            key = tuple(concrete)
            if i < len(parts) - 1 and key in counts:
                concrete.append(counts[key] - 1)
        if is_array:
            key = tuple(concrete)
            counts[key] = counts.get(key, 0) + 1
            concrete.append(counts[key] - 1)
        headers.append((k + 1, tuple(concrete)))

    def key_line(start: int, end: int, name: str) -> int | None:
        for k in range(start, end):
            m = _KEY.match(raw_lines[k])
            if m is not None:
                found = m.group(1)
                found = found[1:-1] if found[:1] in "\"'" else found
                if found == name:
                    return k + 1
        return None

    def locate(path: Path) -> int | None:
        best = -1
        for h, (_, hpath) in enumerate(headers):
            if hpath == path[: len(hpath)] and (best < 0 or len(hpath) >= len(headers[best][1])):
                best = h
        start, hpath = headers[best]
        end = headers[best + 1][0] - 1 if best + 1 < len(headers) else len(raw_lines)
        rest = path[len(hpath) :]
        if rest and isinstance(rest[0], str):
            line = key_line(start, end, rest[0])
            if line is not None:
                return line
        return start or None

    return locate


def format_path(
    path: Path, mapping_fields: frozenset[str] = frozenset({"selector", "grades"})
) -> str:
    """``("indicators", 3, "grades", "好")`` → ``"indicators[3].grades['好']"`` (cattrs' form).

    A string after one of ``mapping_fields`` is a mapping key and is written ``['key']``.
    """
    out = ""
    prev: str | int | None = None
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif prev in mapping_fields or not re.fullmatch(r"[A-Za-z_][\w\-]*", part):
            out += f"[{part!r}]"
        else:
            out += f".{part}" if out else part
        prev = part
    return out
