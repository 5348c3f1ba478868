"""Rule-set files: TOML (and JSON) read into a :class:`RuleSet` through the strict converter."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from classguide.converter import structure
from classguide.errors import ConversionError, Problem, RuleSetError
from classguide.ruleset import RuleSet

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["load_ruleset", "loads_ruleset"]

_FORMATS = {".toml": "toml", ".json": "json"}


def loads_ruleset(text: str, *, format: str = "toml", source: str | None = None) -> RuleSet:
    """Read a rule set from ``text`` in ``format`` (``"toml"`` or ``"json"``)."""
    try:
        if format == "toml":
            data = tomllib.loads(text)
        elif format == "json":
            data = json.loads(text)
        else:
            raise RuleSetError(
                [Problem(path="", message=f"unknown format {format!r}; expected toml or json")],
                source=source,
            )
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise RuleSetError(
            [Problem(path="", message=str(exc), file=source)], source=source
        ) from None
    try:
        return structure(data, RuleSet, what=source or "rule set")
    except ConversionError as exc:
        problems = [Problem(path=p, message=m, file=source) for p, m in exc.problems]
        raise RuleSetError(problems, source=source) from None


def load_ruleset(path: str | Path) -> RuleSet:
    """Read the rule-set file at ``path`` (format from its suffix)."""
    p = Path(path)
    fmt = _FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise RuleSetError(
            [Problem(path="", message=f"unknown rule-file suffix {p.suffix!r}", file=str(p))],
            source=str(p),
        )
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleSetError(
            [Problem(path="", message=str(exc), file=str(p))], source=str(p)
        ) from None
    return loads_ruleset(text, format=fmt, source=str(p))
