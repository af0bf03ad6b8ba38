"""BOOLEAN: true or false, each about half the time."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from generators.core.request import FieldConstraint, FieldType
from generators.kinds._edges import boundary_of
from generators.kinds.kind import (
    EdgeAt,
    EdgeKind,
    FieldAt,
    FieldKind,
    FieldMaking,
    NestedSchema,
    SqlType,
    ValueMaker,
)

_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f"})


class BooleanKind(FieldKind):
    field_type = FieldType.BOOLEAN

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        return lambda v: isinstance(v, bool)

    def json_schema(self, field: FieldAt, nested: NestedSchema) -> dict[str, Any]:
        return {"type": "boolean"}

    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        return lambda rng, _scope: rng.random() < 0.5

    def sql_type(self, rule: FieldConstraint, overrides: Iterable[str]) -> SqlType:
        return SqlType.BOOLEAN

    def convert(self, raw: str) -> Any:
        word = raw.strip().lower()
        if word in _TRUE | _FALSE:
            return word in _TRUE
        msg = "expected true or false"
        raise ValueError(msg)

    def edge(self, edge: EdgeKind, value: Any, field: FieldAt, at: EdgeAt) -> tuple[bool, Any]:
        """false at the low boundary, true at the high one (nothing lies inside)."""
        boundary = boundary_of(edge)
        if boundary is None or boundary[1]:
            return False, value
        return True, not boundary[0]


BOOLEAN = BooleanKind()
