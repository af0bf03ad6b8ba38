"""ENUM: one of the field's enum values (a custom ENUM field must be given them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generators.core.request import FieldConstraint, FieldType
from generators.kinds._edges import boundary_of, pick_end
from generators.kinds.kind import (
    EdgeAt,
    EdgeKind,
    FieldAt,
    FieldKind,
    FieldMaking,
    NestedSchema,
    ValueMaker,
)
from generators.values.sampling import pick


class EnumKind(FieldKind):
    field_type = FieldType.ENUM
    constraints = frozenset({"enum_values"})

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        return lambda v: isinstance(v, str)

    def json_schema(self, field: FieldAt, nested: NestedSchema) -> dict[str, Any]:
        result: dict[str, Any] = {"type": "string"}
        if field.rule.enum_values:
            result["enum"] = list(field.rule.enum_values)
        return result

    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        values = field.rule.enum_values
        if not values:
            msg = f"ENUM field {field.path!r} needs enum_values"
            raise ValueError(msg)
        return lambda rng, _scope: pick(rng, values)

    def edge(self, edge: EdgeKind, value: Any, field: FieldAt, at: EdgeAt) -> tuple[bool, Any]:
        """The first and last enum values, and those just inside them."""
        boundary = boundary_of(edge)
        if boundary is None or not field.rule.enum_values:
            return False, value
        return pick_end(list(field.rule.enum_values), low=boundary[0], inside=boundary[1])


ENUM = EnumKind()
