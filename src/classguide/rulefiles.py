"""Rule-set files: TOML, JSON and YAML read into a :class:`RuleSet` (DESIGN §5).

The file schema is the rule set's unstructured form (:func:`classguide.converter.unstructure`);
``docs/rulefiles.md`` documents every key. Reading goes through these steps, and any problem in
any step raises :class:`RuleSetError` listing every problem with its file, line (where the
format allows) and rule-set path:

1. decode (UTF-8; a leading byte-order mark is dropped) and parse — YAML with the safe loader
   only; JSON rejects ``NaN``/``Infinity`` and duplicate keys, YAML duplicate keys;
2. plain-data checks: finite numbers, integers within ±2**53, string keys, nesting at most
   :data:`MAX_DEPTH` deep and at most :data:`MAX_NODES` values, tables where tables belong and
   lists where lists belong;
3. the strict converter (unknown keys, wrong types, values out of their choices);
4. AHP judgement matrices (``[groups.ahp]``) give their children's weights (:func:`apply_ahp`);
5. structural validation (:data:`classguide.validation.STRUCTURAL`), and with
   ``validate=True`` every error of :func:`classguide.validate_ruleset`.
"""

from __future__ import annotations

import glob
import json
import math
import os
import re
import sys
import typing
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs

from classguide.converter import structure, to_json
from classguide.errors import ConversionError, Problem, RuleSetError, WeightsError
from classguide.locations import (
    Locator,
    format_path,
    json_locator,
    parse_path,
    toml_locator,
    yaml_lines,
)
from classguide.ruleset import Group, RuleSet
from classguide.validation import AHP_WEIGHT_TOLERANCE, STRUCTURAL, validate_ruleset
from classguide.weights import ahp

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = [
    "FORMATS",
    "MAX_DEPTH",
    "MAX_NODES",
    "apply_ahp",
    "check_ruleset_file",
    "dumps_ruleset",
    "load_ruleset",
    "loads_ruleset",
    "run_validate",
]

#: File suffix → format.
FORMATS: Mapping[str, str] = {".toml": "toml", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}
#: Deepest nesting a rule file may have (a rule set needs 5: ``groups[0].ahp.matrix[0][1]``).
MAX_DEPTH = 32
#: Most values (tables, lists, scalars) a rule file may hold.
MAX_NODES = 200_000
_MAX_INT = 2**53

_Raw = list[tuple[str, str]]  # (path, message) before file and line are known


class _Failure(Exception):  # noqa: N818 - internal signal, never escapes
    def __init__(
        self, problems: _Raw, locator: Locator | None = None, line: int | None = None
    ) -> None:
        self.problems = problems
        self.locator = locator
        self.line = line  # of a whole-document problem (a syntax error)


def _decode(data: str | bytes) -> str:
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise _Failure(
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
        raise _Failure(
            [("", f"not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}")],
            line=exc.lineno,
        ) from None
    except ValueError as exc:
        raise _Failure([("", f"not valid JSON: {exc}")]) from None
    return data, json_locator(text)


def _parse_toml(text: str) -> tuple[Any, Locator]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        raise _Failure(
            [("", f"not valid TOML: {exc}")], line=int(m.group(1)) if m else None
        ) from None
    return data, toml_locator(text)


def _yaml_duplicates(node: Any) -> _Raw:
    import yaml

    out: _Raw = []
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


def _yaml_failure(exc: Exception, text: str) -> _Failure:
    """A one-line message with the line of a YAML syntax error."""
    import yaml

    if isinstance(exc, yaml.reader.ReaderError):
        line = text[: exc.position].count("\n") + 1
        return _Failure(
            [("", f"not valid YAML: line {line}: character {chr(exc.character)!r} is not allowed")],
            line=line,
        )
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        what = "; ".join(str(x) for x in (exc.context, exc.problem) if x)
        if mark is not None:
            line = mark.line + 1
            return _Failure(
                [("", f"not valid YAML: line {line}, column {mark.column + 1}: {what}")],
                line=line,
            )
        return _Failure([("", f"not valid YAML: {what}")])
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return _Failure([("", f"not valid YAML: {first}")])


def _parse_yaml(text: str) -> tuple[Any, Locator]:
    import yaml

    loader = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        if node is None:
            raise _Failure([("", "the document is empty")])
        duplicates = _yaml_duplicates(node)
        if duplicates:
            raise _Failure(duplicates)
        data = loader.construct_document(node)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        raise _yaml_failure(exc, text) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, yaml_lines(node)


_PARSERS: Mapping[str, Callable[[str], tuple[Any, Locator]]] = {
    "toml": _parse_toml,
    "json": _parse_json,
    "yaml": _parse_yaml,
}


def _describe(value: object) -> str:
    text = repr(value)
    return f"{type(value).__name__} {text[:40] + '...' if len(text) > 43 else text}"


def _check_plain(data: Any) -> _Raw:
    """Finite numbers, safe integers, string keys, bounded depth and size (iteratively)."""
    problems: _Raw = []
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
        where = format_path(path)
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    problems.append((where, f"keys must be strings, got {_describe(key)}"))
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
                        where,
                        f"number {str(value)[:30]}... is too large (beyond ±2**53)"
                        if len(str(value)) > 30
                        else f"number {value} is too large (beyond ±2**53)",
                    )
                )
        elif isinstance(value, float):
            if not math.isfinite(value):
                problems.append((where, f"expected a finite number, got {value!r}"))
        elif isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                problems.append((where, "string holds an unpaired surrogate (\\ud800-\\udfff)"))
        else:
            problems.append(
                (
                    where,
                    f"expected a string, number, boolean, list or table, got {_describe(value)}",
                )
            )
    return sorted(problems)


def _shape_type(tp: Any) -> Any:
    args = [a for a in typing.get_args(tp) if a is not type(None)]
    if typing.get_origin(tp) in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        return args[0] if len(args) == 1 else None
    return tp


def _check_shape(data: Any, tp: Any, path: tuple[str | int, ...], out: _Raw) -> None:
    """Tables where records and mappings belong, lists where sequences belong.

    The converter would otherwise read a string as a list of characters or a table as the list
    of its keys.
    """
    tp = _shape_type(tp)
    if tp is None or data is None:
        return
    origin = typing.get_origin(tp)
    if attrs.has(tp) or origin in (dict, Mapping) or tp is dict:
        if not isinstance(data, dict):
            kind = "record" if attrs.has(tp) else "table of key → value"
            out.append((format_path(path), f"expected a table ({kind}), got {_describe(data)}"))
            return
        if attrs.has(tp):
            hints = typing.get_type_hints(tp)
            for key, value in data.items():
                if key in hints:
                    _check_shape(value, hints[key], (*path, key), out)
        else:
            value_tp = typing.get_args(tp)[1] if typing.get_args(tp) else None
            for key, value in data.items():
                _check_shape(value, value_tp, (*path, key), out)
    elif origin in (tuple, list):
        if not isinstance(data, list):
            out.append((format_path(path), f"expected a list, got {_describe(data)}"))
            return
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            for k, item in enumerate(data):
                _check_shape(item, args[0], (*path, k), out)
        elif args and len(data) == len(args):
            for k, (item, arg) in enumerate(zip(data, args, strict=True)):
                _check_shape(item, arg, (*path, k), out)


_LITERAL = re.compile(r"^CattrsError: (.*) not in literal typing\.Literal\[(.*)\]$")


def _tidy(message: str) -> str:
    m = _LITERAL.match(message)
    if m:
        return f"expected one of {m.group(2)}, got {m.group(1)!r}"
    return message


def _ahp_placeholders(data: Any) -> set[tuple[str, int]]:
    """Give children of AHP groups that omit ``weight`` a placeholder the matrix replaces."""
    placeholders: set[tuple[str, int]] = set()
    if not isinstance(data, dict):
        return placeholders
    groups = data.get("groups")
    if not isinstance(groups, list):
        return placeholders
    named: set[object] = set()
    judged: set[object] = set()
    for g in groups:
        judgement = g.get("ahp") if isinstance(g, dict) else None
        if not isinstance(judgement, dict):
            continue
        judged.add(g.get("id"))
        children = judgement.get("children")
        if isinstance(children, list):
            named.update(c for c in children if isinstance(c, str))
    for field, parent_key in (("groups", "parent"), ("indicators", "group")):
        items = data.get(field)
        if not isinstance(items, list):
            continue
        for k, item in enumerate(items):
            if not isinstance(item, dict) or "weight" in item:
                continue
            if item.get("id") in named or item.get(parent_key) in judged:
                item["weight"] = 1.0
                placeholders.add((field, k))
    return placeholders


def apply_ahp(
    ruleset: RuleSet, *, derived: frozenset[tuple[str, int]] = frozenset()
) -> tuple[RuleSet, list[Problem]]:
    """Fill in the weights that groups' AHP judgement matrices give their children.

    For each group with ``ahp``, the matrix's weights (:func:`classguide.weights.ahp` with its
    ``method`` and ``ri`` table) become the weights of ``ahp.children`` in that order, and
    ``ahp.cr`` and ``ahp.weights`` are recorded. A child that states its own weight must agree
    with the matrix (within 1e-6), as must a stated ``cr`` or ``weights``; ``derived`` names the
    children (``("indicators", k)``) whose weight was a placeholder. Returns the new rule set
    and the problems (a bad matrix, children that are not the group's children, a
    disagreement). Consistency (CR < 0.10) is checked by :func:`validate_ruleset`, not here.
    """
    problems: list[Problem] = []
    index: dict[str, tuple[str, int]] = {}
    for k, g in enumerate(ruleset.groups):
        index.setdefault(g.id, ("groups", k))
    for k, i in enumerate(ruleset.indicators):
        index.setdefault(i.id, ("indicators", k))
    groups, indicators = list(ruleset.groups), list(ruleset.indicators)
    unset = set(derived)
    nodes: dict[str, list[Any]] = {"groups": groups, "indicators": indicators}
    for gk, g in enumerate(ruleset.groups):
        if g.ahp is None:
            continue
        path = f"groups[{gk}].ahp"
        try:
            result = ahp(g.ahp.matrix, method=g.ahp.method, ri=g.ahp.ri)
        except WeightsError as exc:
            problems.append(Problem(path=f"{path}.matrix", message=str(exc), code="ahp-matrix"))
            continue
        if len(g.ahp.children) != len(result.weights):
            problems.append(
                Problem(
                    path=f"{path}.children",
                    code="ahp-children",
                    message=f"{len(g.ahp.children)} children for a {len(result.weights)}×"
                    f"{len(result.weights)} matrix",
                )
            )
            continue
        for cid, w in zip(g.ahp.children, result.weights, strict=True):
            where = index.get(cid)
            node = None if where is None else nodes[where[0]][where[1]]
            parent = (
                None if node is None else (node.parent if isinstance(node, Group) else node.group)
            )
            if where is None or node is None or parent != g.id:
                problems.append(
                    Problem(
                        path=f"{path}.children",
                        code="ahp-children",
                        message=f"{cid!r} is not a child of group {g.id!r}",
                    )
                )
                continue
            if where not in derived and abs(node.weight - w) > AHP_WEIGHT_TOLERANCE:
                problems.append(
                    Problem(
                        path=f"{where[0]}[{where[1]}].weight",
                        code="ahp-weights",
                        message=f"weight {node.weight:g} disagrees with {w:.6f} from the AHP "
                        f"matrix of group {g.id!r}; drop the weight or make it agree",
                    )
                )
                continue
            nodes[where[0]][where[1]] = attrs.evolve(node, weight=w)
            unset.discard(where)
        stated = g.ahp
        if stated.cr is not None and abs(stated.cr - result.cr) > AHP_WEIGHT_TOLERANCE:
            problems.append(
                Problem(
                    path=f"{path}.cr",
                    code="ahp-weights",
                    message=f"stated CR {stated.cr:g} but the matrix gives {result.cr:.6f}",
                )
            )
        if stated.weights and (
            len(stated.weights) != len(result.weights)
            or any(
                abs(a - b) > AHP_WEIGHT_TOLERANCE
                for a, b in zip(stated.weights, result.weights, strict=False)
            )
        ):
            problems.append(
                Problem(
                    path=f"{path}.weights",
                    code="ahp-weights",
                    message="stated weights disagree with the matrix's "
                    f"({', '.join(f'{w:.6f}' for w in result.weights)})",
                )
            )
        groups[gk] = attrs.evolve(
            groups[gk], ahp=attrs.evolve(stated, cr=result.cr, weights=result.weights)
        )
    for field, k in sorted(unset):
        node = nodes[field][k]
        problems.append(
            Problem(
                path=f"{field}[{k}].weight",
                code="ahp-children",
                message=f"{node.id!r} has no weight and no AHP matrix ranks it; give a weight "
                "or list it in its group's ahp.children",
            )
        )
    return attrs.evolve(ruleset, groups=groups, indicators=indicators), problems


def _read(data: str | bytes, fmt: str) -> tuple[RuleSet, list[Problem], Locator]:
    """Parse and structure; raises :class:`_Failure` on problems that stop loading."""
    if fmt not in _PARSERS:
        raise _Failure([("", f"unknown format {fmt!r}; expected one of {', '.join(_PARSERS)}")])
    try:
        doc, locator = _PARSERS[fmt](_decode(data))
    except RecursionError:
        raise _Failure([("", "nested too deeply to read")]) from None
    plain = _check_plain(doc)
    if not plain:
        _check_shape(doc, RuleSet, (), plain)
    if plain:
        raise _Failure(plain, locator)
    derived = _ahp_placeholders(doc)
    try:
        ruleset = structure(doc, RuleSet, what="rule set")
    except ConversionError as exc:
        raise _Failure([(p, _tidy(m)) for p, m in exc.problems], locator) from None
    ruleset, ahp_problems = apply_ahp(ruleset, derived=frozenset(derived))
    if ahp_problems:
        raise _Failure([(p.path, p.message) for p in ahp_problems], locator)
    return ruleset, validate_ruleset(ruleset), locator


def _place(problems: Sequence[Problem], locator: Locator | None, file: str | None) -> list[Problem]:
    out = []
    for p in problems:
        line = p.line
        if line is None and locator is not None:
            line = locator(parse_path(p.path))
        out.append(attrs.evolve(p, file=file, line=line))
    return sorted(out, key=lambda p: (p.severity != "error", p.line or 0))


def _raw_problems(failure: _Failure, file: str | None) -> list[Problem]:
    problems = [
        Problem(path=p, message=m, code="load", line=None if p else failure.line)
        for p, m in failure.problems
    ]
    return _place(problems, failure.locator, file)


def loads_ruleset(
    text: str | bytes,
    *,
    format: str = "toml",
    source: str | None = None,
    validate: bool = False,
) -> RuleSet:
    """Read a rule set from ``text`` in ``format`` (``"toml"``, ``"json"`` or ``"yaml"``).

    ``source`` names the file in messages. Raises :class:`RuleSetError` on any problem reading
    it and on structural errors; with ``validate=True`` on every validation error too
    (warnings never raise).
    """
    try:
        ruleset, problems, locator = _read(text, format)
    except _Failure as failure:
        raise RuleSetError(_raw_problems(failure, source), source=source) from None
    errors = [p for p in problems if p.severity == "error"]
    if any(p.code in STRUCTURAL for p in errors) or (validate and errors):
        raise RuleSetError(_place(errors, locator, source), source=source)
    return ruleset


def _format_of(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise _Failure(
            [
                (
                    "",
                    f"unknown rule-file suffix {path.suffix!r}; expected one of "
                    f"{', '.join(FORMATS)}",
                )
            ]
        )
    return fmt


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise _Failure([("", f"cannot read the file: {exc.strerror or exc}")]) from None


def load_ruleset(path: str | Path, *, validate: bool = False) -> RuleSet:
    """Read the rule-set file at ``path`` (format from its suffix: .toml, .json, .yaml/.yml).

    Raises :class:`RuleSetError` as :func:`loads_ruleset` does, naming the file.
    """
    p = Path(path)
    try:
        data = _read_bytes(p)
        fmt = _format_of(p)
    except _Failure as failure:
        raise RuleSetError(_raw_problems(failure, str(p)), source=str(p)) from None
    return loads_ruleset(data, format=fmt, source=str(p), validate=validate)


def check_ruleset_file(path: str | Path) -> list[Problem]:
    """Every problem of the rule file at ``path``, errors then warnings, with file and line.

    Never raises for a bad file: a file that cannot be read or structured gives its reading
    problems; one that can gives :func:`validate_ruleset`'s.
    """
    p = Path(path)
    try:
        ruleset, problems, locator = _read(_read_bytes(p), _format_of(p))
    except _Failure as failure:
        return _raw_problems(failure, str(p))
    del ruleset
    return _place(problems, locator, str(p))


def _expand_patterns(paths: Sequence[str]) -> list[str]:
    """Paths, with glob patterns the shell left alone expanded (``**`` is recursive).

    Shells without ``globstar`` (and Windows shells) pass ``plugins/**/*.toml`` through
    unexpanded or half-expanded; a pattern that names no file is expanded here, in sorted order.
    A pattern matching nothing is kept, so that it is reported as unreadable.
    """
    out: list[str] = []
    for path in paths:
        if not os.path.exists(path) and any(ch in path for ch in "*?["):
            matches = sorted(glob.glob(path, recursive=True))
            out.extend(matches or [path])
        else:
            out.append(path)
    return out


def run_validate(paths: Sequence[str], *, as_json: bool, echo: Callable[[str], None]) -> int:
    """``classguide validate``: check each file, print the problems, return the exit status.

    Human output is one ``file:line: severity: path: message [code]`` line per problem and a
    summary per file; ``--json`` prints a list of ``{"file", "ok", "errors", "warnings",
    "problems"}`` objects. The status is 1 when any file has an error, else 0.
    """
    reports = []
    failed = False
    for path in _expand_patterns(paths):
        problems = check_ruleset_file(path)
        errors = sum(p.severity == "error" for p in problems)
        failed = failed or errors > 0
        reports.append((path, problems, errors, len(problems) - errors))
    if as_json:
        payload = [
            {
                "file": path,
                "ok": errors == 0,
                "errors": errors,
                "warnings": warnings,
                "problems": [
                    {
                        "severity": p.severity,
                        "code": p.code,
                        "path": p.path,
                        "line": p.line,
                        "message": p.message,
                    }
                    for p in problems
                ],
            }
            for path, problems, errors, warnings in reports
        ]
        echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        for path, problems, errors, warnings in reports:
            for p in problems:
                echo(f"{p} [{p.code}]" if p.code else str(p))
            verdict = "OK" if errors == 0 else "FAILED"
            echo(f"{path}: {verdict} ({errors} error(s), {warnings} warning(s))")
    return 1 if failed else 0


def dumps_ruleset(ruleset: RuleSet, *, format: str = "json") -> str:
    """``ruleset`` as rule-file text in ``format`` (``"json"`` or ``"yaml"``).

    Loading the text gives back an equal rule set (AHP weights included).
    """
    if format == "json":
        return to_json(ruleset, indent=2) + "\n"
    if format == "yaml":
        import yaml

        plain = json.loads(to_json(ruleset))
        return str(yaml.safe_dump(plain, allow_unicode=True, sort_keys=False))
    raise RuleSetError(
        [Problem(path="", message=f"unknown format {format!r}; expected 'json' or 'yaml'")]
    )
