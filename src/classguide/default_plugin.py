"""The core's own default plugin: the five built-in unit types, through the ordinary hook.

It is registered by every :class:`~classguide.Guide` under the name ``core`` (also with
``autoload=False``) and cannot be disabled, so a unit of a built-in type always has its type.
"""

from __future__ import annotations

from collections.abc import Sequence

from classguide.hookspecs import hookimpl
from classguide.model import UnitType
from classguide.unittypes import BUILTIN_UNIT_TYPES

__all__ = ["classguide_unit_types"]


@hookimpl
def classguide_unit_types() -> Sequence[UnitType]:
    """The built-in unit types: organ, soe, university, school, hospital."""
    return BUILTIN_UNIT_TYPES
