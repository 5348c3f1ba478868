"""The one error hierarchy of classguide.

Every error the library raises on purpose is a :class:`ClassguideError`. Specific errors also
subclass the nearest builtin, so ``except ValueError`` in a host system keeps working. Messages
say what was wrong, where (file, row, column, rule-set path, plugin distribution) and what was
expected.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

__all__ = [
    "AmbiguousRuleSetError",
    "ClassguideError",
    "ConversionError",
    "EvaluationInputError",
    "ExpressionError",
    "InputError",
    "NoRuleSetError",
    "PluginConflictError",
    "PluginError",
    "PluginWarning",
    "Problem",
    "RuleSetError",
    "ScaffoldError",
    "SelectionError",
    "WeightsError",
]


class ClassguideError(Exception):
    """Base class of every error classguide raises on purpose."""


class ConversionError(ClassguideError, ValueError):
    """Structured data (JSON, a rule file, a dict) does not fit the record it should become.

    ``.problems`` lists ``(path, message)`` pairs, e.g. ``("indicators[3].weight",
    "expected a number, got '0,3'")``.
    """

    def __init__(self, problems: Sequence[tuple[str, str]], *, what: str = "data") -> None:
        self.problems: tuple[tuple[str, str], ...] = tuple(problems)
        lines = [f"{what}: {len(self.problems)} problem(s)"]
        lines += [f"  {path or '<root>'}: {message}" for path, message in self.problems]
        super().__init__("\n".join(lines))


@attrs.frozen(kw_only=True)
class Problem:
    """One problem found in a rule set: where it is, how bad, and what is wrong.

    ``severity`` is ``"error"`` or ``"warning"``; ``path`` is a rule-set path such as
    ``indicators[3].weight``; ``file`` and ``line`` are set when the rule set came from a file
    (``line`` only where the format allows); ``code`` names the check (``"weights-sum"``,
    ``"duplicate-id"``, ...; see ``docs/rulefiles.md``) for programs that filter problems.
    """

    path: str
    message: str
    severity: str = "error"
    file: str | None = None
    line: int | None = None
    code: str | None = None

    def __str__(self) -> str:
        where = self.file or ""
        if self.line is not None:
            where += f":{self.line}" if where else f"line {self.line}"
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.severity}: {self.path or '<root>'}: {self.message}"


class RuleSetError(ClassguideError, ValueError):
    """A rule set could not be loaded or is invalid; ``.problems`` lists every :class:`Problem`."""

    def __init__(self, problems: Sequence[Problem], *, source: str | None = None) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        head = f"rule set {source!s}" if source else "rule set"
        lines = [f"{head}: {len(self.problems)} problem(s)"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class ExpressionError(ClassguideError, ValueError):
    """A derived-indicator formula does not parse (the message points at the column)."""


class EvaluationInputError(ClassguideError, ValueError):
    """Observations given to an evaluation do not fit the rule set (names the indicator)."""


class InputError(ClassguideError, ValueError):
    """Input files or tables have problems; ``.problems`` lists each with file, row and column."""

    def __init__(self, problems: Sequence[object], *, message: str | None = None) -> None:
        self.problems = tuple(problems)
        lines = [message or f"input: {len(self.problems)} problem(s)"]
        lines += [f"  {p}" for p in self.problems]
        super().__init__("\n".join(lines))


class WeightsError(ClassguideError, ValueError):
    """A weighting method got input it cannot use (not square, not positive, not reciprocal...)."""


class SelectionError(ClassguideError, LookupError):
    """No single rule set ("lock") could be chosen for a unit ("key")."""


class NoRuleSetError(SelectionError):
    """No rule set matches the unit; the message lists those that exist for its type."""


class AmbiguousRuleSetError(SelectionError):
    """Two or more equally specific rule sets match the unit; the message names them."""


class PluginError(ClassguideError, RuntimeError):
    """A plugin failed to load or register; the message names its distribution and entry point.

    ``.failures`` holds the :class:`~classguide.PluginFailure` records behind it (empty when the
    error concerns one plugin at evaluation time, e.g. a warning rule that raised).
    """

    def __init__(self, message: str, *, failures: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.failures: tuple[object, ...] = tuple(failures)


class PluginConflictError(PluginError):
    """Two plugins contribute the same id; the message names both distributions."""


class PluginWarning(UserWarning):
    """A plugin could not be loaded (outside strict mode), or a plugin name in an environment
    variable matches nothing; issued through :mod:`warnings`."""


class ScaffoldError(ClassguideError, ValueError):
    """``classguide new-plugin`` cannot scaffold as asked (bad name, existing folder, ...)."""
