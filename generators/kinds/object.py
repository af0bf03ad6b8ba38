"""OBJECT: a nested record of the field's nested_fields, describing one thing (its name and
email fields describe the same person)."""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import Any

from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.kinds._json import json_of
from generators.kinds.kind import FieldKind, FieldMaking, NestedSchema, Scope, ValueMaker


class ObjectKind(FieldKind):
    field_type = FieldType.OBJECT
    nests = True
    flattens = True

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        return lambda v: isinstance(v, dict)

    def json_schema(
        self, spec: FieldSpec, rule: FieldConstraint, path: str, nested: NestedSchema
    ) -> dict[str, Any]:
        return nested(spec.nested_fields, f"{path}.")

    def maker(
        self,
        making: FieldMaking,
        spec: FieldSpec,
        path: str,
        rule: FieldConstraint,
        *,
        top_level: bool,
    ) -> ValueMaker:
        fields = [
            (child.name, making.field(child, f"{path}.{child.name}", top_level=False))
            for child in spec.nested_fields
        ]

        def make(rng: Random, scope: Scope) -> dict[str, Any]:
            inner = Scope(scope.index)
            return {name: value(rng, inner) for name, value in fields}

        return make

    def convert(self, raw: str) -> Any:
        return json_of(raw, dict, "object")


OBJECT = ObjectKind()
