"""OBJECT: a nested record of the field's nested_fields, describing one thing (its name and
email fields describe the same person)."""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import Any

from generators.core.request import FieldConstraint, FieldType
from generators.kinds._json import json_of
from generators.kinds.kind import FieldAt, FieldKind, FieldMaking, NestedSchema, Scope, ValueMaker


class ObjectKind(FieldKind):
    field_type = FieldType.OBJECT
    nests = True
    flattens = True

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        return lambda v: isinstance(v, dict)

    def json_schema(self, field: FieldAt, nested: NestedSchema) -> dict[str, Any]:
        return nested(field.spec.nested_fields, f"{field.path}.")

    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        """An object of the nested fields' makers, whose fields describe one person."""
        fields = [
            (child.name, making.nested(child, f"{field.path}.{child.name}"))
            for child in field.spec.nested_fields
        ]

        def make(rng: Random, scope: Scope) -> dict[str, Any]:
            inner = Scope(scope.index)
            return {name: value(rng, inner) for name, value in fields}

        return make

    def convert(self, raw: str) -> Any:
        return json_of(raw, dict, "object")


OBJECT = ObjectKind()
