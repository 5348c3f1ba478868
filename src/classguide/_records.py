"""Converters the frozen records use so that what they hold cannot change after creation."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    """Any iterable (a list from a file, a generator) as a tuple."""
    return tuple(value)


def to_dict(value: Mapping[Any, Any]) -> dict[Any, Any]:
    """A private copy of a mapping, so the caller's dict cannot change the record."""
    return dict(value)
