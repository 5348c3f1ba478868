"""Units and their types: who is assessed (DESIGN §2).

``Text`` is a label in Chinese and English; ``UnitType`` declares which attributes units of a
kind carry and their allowed values; ``Unit`` is one assessed organisation.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from classguide._records import to_dict, to_tuple

__all__ = ["FOUNDATION_TIERS", "AttributeSpec", "Text", "Unit", "UnitType"]

#: The foundation tiers (基础) every unit carries as its ``foundation`` attribute.
FOUNDATION_TIERS = ("weak", "standard", "advanced")


def _nonempty(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not value.strip():
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must not be empty")


@attrs.frozen(kw_only=True)
class Text:
    """A user-facing label in Chinese (``zh``, the report default) and English (``en``)."""

    zh: str = attrs.field(validator=_nonempty)
    en: str = ""

    def __call__(self, lang: str = "zh") -> str:
        """The label in ``lang`` (``"zh"`` or ``"en"``), falling back to Chinese."""
        if lang == "en" and self.en:
            return self.en
        return self.zh

    def __str__(self) -> str:
        return self.zh if not self.en else f"{self.zh} ({self.en})"


@attrs.frozen(kw_only=True)
class AttributeSpec:
    """One attribute that units of a type carry, e.g. SOE ``category`` or hospital ``tier``."""

    name: str = attrs.field(validator=_nonempty)
    label: Text
    values: tuple[str, ...] = attrs.field(converter=to_tuple)
    value_labels: Mapping[str, Text] = attrs.field(factory=dict, converter=to_dict)
    required: bool = True


@attrs.frozen(kw_only=True)
class UnitType:
    """A kind of unit (机关, 国企, ...) and the attributes its units carry."""

    id: str = attrs.field(validator=_nonempty)
    name: Text
    attributes: tuple[AttributeSpec, ...] = attrs.field(converter=to_tuple, default=())
    description: Text | None = None

    def attribute(self, name: str) -> AttributeSpec | None:
        """The spec of attribute ``name``, or ``None``."""
        for spec in self.attributes:
            if spec.name == name:
                return spec
        return None

    def check(self, unit: Unit) -> list[str]:
        """Problems with ``unit``'s attributes against this type (empty when it fits)."""
        problems: list[str] = []
        for spec in self.attributes:
            value = unit.attributes.get(spec.name)
            if value is None:
                if spec.required:
                    problems.append(
                        f"unit {unit.id!r}: attribute {spec.name!r} is required for unit type "
                        f"{self.id!r} (one of {', '.join(spec.values)})"
                    )
            elif value not in spec.values:
                problems.append(
                    f"unit {unit.id!r}: attribute {spec.name}={value!r} is not allowed for unit "
                    f"type {self.id!r}; expected one of {', '.join(spec.values)}"
                )
        known = {spec.name for spec in self.attributes}
        for name in unit.attributes:
            if name not in known:
                problems.append(
                    f"unit {unit.id!r}: unknown attribute {name!r} for unit type {self.id!r}; "
                    f"known: {', '.join(sorted(known)) or '(none)'}"
                )
        return problems


@attrs.frozen(kw_only=True)
class Unit:
    """One assessed unit (a Party organisation and the body it leads).

    ``attributes`` maps attribute names to values (always including ``foundation``: weak /
    standard / advanced where the type declares it); ``parent`` is the id of the unit above it
    in the hierarchy, if any.
    """

    id: str = attrs.field(validator=_nonempty)
    name: str
    unit_type: str = attrs.field(validator=_nonempty)
    attributes: Mapping[str, str] = attrs.field(factory=dict, converter=to_dict)
    parent: str | None = None

    def key(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        """A hashable key of the unit's type and attributes (what selects its rule set)."""
        return (self.unit_type, tuple(sorted(self.attributes.items())))
