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
import os
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import attrs

from classguide.converter import structure, to_json
from classguide.documents import (
    MAX_DEPTH,
    MAX_NODES,
    PARSERS,
    DocumentError,
    check_plain,
    check_shape,
    decode,
    tidy,
)
from classguide.errors import ConversionError, Problem, RuleSetError
from classguide.judgements import apply_ahp, weight_placeholders
from classguide.locations import Locator, parse_path
from classguide.model import UnitType
from classguide.ruleset import RuleSet
from classguide.validation import STRUCTURAL, validate_ruleset

__all__ = [
    "FORMATS",
    "MAX_DEPTH",
    "MAX_NODES",
    "apply_ahp",
    "check_ruleset_file",
    "dumps_ruleset",
    "load_package_rulesets",
    "load_ruleset",
    "loads_ruleset",
    "run_validate",
]

#: File suffix → format.
FORMATS: Mapping[str, str] = {".toml": "toml", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}


def _read(data: str | bytes, fmt: str) -> tuple[RuleSet, list[Problem], Locator]:
    """Parse and structure; raises :class:`DocumentError` on problems that stop loading."""
    if fmt not in PARSERS:
        raise DocumentError([("", f"unknown format {fmt!r}; expected one of {', '.join(PARSERS)}")])
    try:
        doc, locator = PARSERS[fmt](decode(data))
    except RecursionError:
        raise DocumentError([("", "nested too deeply to read")]) from None
    plain = check_plain(doc)
    if not plain:
        check_shape(doc, RuleSet, (), plain)
    if plain:
        raise DocumentError(plain, locator)
    derived = weight_placeholders(doc)
    try:
        ruleset = structure(doc, RuleSet, what="rule set")
    except ConversionError as exc:
        raise DocumentError([(p, tidy(m)) for p, m in exc.problems], locator) from None
    ruleset, ahp_problems = apply_ahp(ruleset, derived=frozenset(derived))
    if ahp_problems:
        raise DocumentError([(p.path, p.message) for p in ahp_problems], locator)
    return ruleset, validate_ruleset(ruleset), locator


def _place(problems: Sequence[Problem], locator: Locator | None, file: str | None) -> list[Problem]:
    out = []
    for p in problems:
        line = p.line
        if line is None and locator is not None:
            line = locator(parse_path(p.path))
        out.append(attrs.evolve(p, file=file, line=line))
    return sorted(out, key=lambda p: (p.severity != "error", p.line or 0))


_UNKNOWN_KEYS = "unknown key(s): "


def _raw_problems(failure: DocumentError, file: str | None) -> list[Problem]:
    problems = []
    for path, message in failure.problems:
        line = None if path else failure.line
        if message.startswith(_UNKNOWN_KEYS) and failure.locator is not None:
            # point at the (first) unknown key rather than at its table
            first = message[len(_UNKNOWN_KEYS) :].split(", ")[0]
            line = failure.locator((*parse_path(path), first))
        problems.append(Problem(path=path, message=message, code="load", line=line))
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
    except DocumentError as failure:
        raise RuleSetError(_raw_problems(failure, source), source=source) from None
    errors = [p for p in problems if p.severity == "error"]
    if any(p.code in STRUCTURAL for p in errors) or (validate and errors):
        raise RuleSetError(_place(errors, locator, source), source=source)
    return ruleset


def _format_of(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise DocumentError(
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
        raise DocumentError([("", f"cannot read the file: {exc.strerror or exc}")]) from None


def load_ruleset(path: str | Path, *, validate: bool = False) -> RuleSet:
    """Read the rule-set file at ``path`` (format from its suffix: .toml, .json, .yaml/.yml).

    Raises :class:`RuleSetError` as :func:`loads_ruleset` does, naming the file.
    """
    p = Path(path)
    try:
        data = _read_bytes(p)
        fmt = _format_of(p)
    except DocumentError as failure:
        raise RuleSetError(_raw_problems(failure, str(p)), source=str(p)) from None
    return loads_ruleset(data, format=fmt, source=str(p), validate=validate)


@cache
def load_package_rulesets(package: str, folder: str = "rules") -> tuple[RuleSet, ...]:
    """Every rule file in the ``folder`` of the installed ``package``, read once per process.

    The rule files (``.toml``, ``.json``, ``.yaml``/``.yml``) are read in file-name order from
    the package's resources, so a plugin shipped as a wheel or a zip works as one installed from
    a folder. A plugin's whole ``classguide_rulesets`` hook can be::

        @hookimpl
        def classguide_rulesets():
            return load_package_rulesets(__name__)

    Rule sets are immutable, so the cached tuple is shared safely. Raises
    :class:`RuleSetError` naming ``package/folder/file`` for a file that does not read, and
    ``FileNotFoundError`` when the package has no such folder.
    """
    root = resources.files(package).joinpath(folder)
    if not root.is_dir():
        raise FileNotFoundError(f"package {package!r} has no rule-file folder {folder!r}")
    names = sorted(
        e.name for e in root.iterdir() if e.is_file() and Path(e.name).suffix.lower() in FORMATS
    )
    return tuple(
        loads_ruleset(
            root.joinpath(name).read_bytes(),
            format=FORMATS[Path(name).suffix.lower()],
            source=f"{package}/{folder}/{name}",
        )
        for name in names
    )


def check_ruleset_file(
    path: str | Path, *, unit_types: Mapping[str, UnitType] | None = None
) -> list[Problem]:
    """Every problem of the rule file at ``path``, errors then warnings, with file and line.

    Never raises for a bad file: a file that cannot be read or structured gives its reading
    problems; one that can gives :func:`validate_ruleset`'s. ``unit_types`` (id → type, e.g.
    a :class:`~classguide.Guide`'s) lets the selector be checked against a plugin's unit type.
    """
    p = Path(path)
    try:
        ruleset, problems, locator = _read(_read_bytes(p), _format_of(p))
    except DocumentError as failure:
        return _raw_problems(failure, str(p))
    unit_type = (unit_types or {}).get(ruleset.unit_type)
    if unit_type is not None:
        problems = validate_ruleset(ruleset, unit_type)
    return _place(problems, locator, str(p))


def _installed_unit_types() -> Mapping[str, UnitType]:
    """Unit types of the installed plugins (built-in ones included), to check selectors."""
    from classguide.guide import Guide

    return Guide().unit_types


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
    "problems"}`` objects. The status is 1 when any file has an error, else 0. Selectors are
    checked against the unit types of the installed plugins.
    """
    reports = []
    failed = False
    unit_types = _installed_unit_types()
    for path in _expand_patterns(paths):
        problems = check_ruleset_file(path, unit_types=unit_types)
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


#: Order of the top-level keys in a written TOML file: the reading order of a hand-written one.
_TOML_ORDER = (
    "id", "version", "unit_type", "name", "description", "comparable_versions",
    "lag_threshold", "completeness_threshold", "pass_score", "selector", "sources", "weights",
    "groups", "indicators", "grades", "coordination_bands", "alerts", "countermeasures",
    "adjustments",
)  # fmt: skip


def _dumps_toml(ruleset: RuleSet) -> str:
    from classguide._version import __version__
    from classguide.tomlwriter import to_toml

    header = f"rule set {ruleset.id} {ruleset.version}, written by classguide {__version__}"
    plain = json.loads(to_json(ruleset))
    first = [k for k in _TOML_ORDER if k in plain]
    ordered = {k: plain[k] for k in [*first, *(k for k in plain if k not in first)]}
    text = to_toml(ordered, header=header)
    again = loads_ruleset(text, format="toml")
    if again != ruleset:
        lost = [
            f"{name}: {getattr(ruleset.alerts, name)!r}"
            for name in ("red_at_or_below", "orange_at_or_below")
            if getattr(ruleset.alerts, name) != getattr(again.alerts, name)
        ]
        raise RuleSetError(
            [
                Problem(
                    path="alerts" if lost else "",
                    message="TOML has no null, so this rule set cannot be written as TOML "
                    f"without changing it ({', '.join(lost) or 'a value would change'}); "
                    "write JSON or YAML instead",
                )
            ],
            source=ruleset.id,
        )
    return text


def dumps_ruleset(ruleset: RuleSet, *, format: str = "json") -> str:
    """``ruleset`` as rule-file text in ``format``: ``"json"``, ``"yaml"`` or ``"toml"``.

    Loading the text gives back an equal rule set (AHP weights included). TOML has no null: a
    rule set that needs one (an alert band explicitly switched off with ``None``) raises
    :class:`RuleSetError` for ``"toml"``.
    """
    if format == "json":
        return to_json(ruleset, indent=2) + "\n"
    if format == "yaml":
        import yaml

        plain = json.loads(to_json(ruleset))
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        return str(yaml.dump(plain, Dumper=dumper, allow_unicode=True, sort_keys=False))
    if format == "toml":
        return _dumps_toml(ruleset)
    raise RuleSetError(
        [Problem(path="", message=f"unknown format {format!r}; expected json, yaml or toml")]
    )
