"""ADDRESS: a US postal address, always an object of the same five parts (street, city,
state, postal_code, country); a part with a rule of its own (`home.city`) follows it."""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import Any

from generators.core.request import FieldConstraint, FieldType
from generators.core.schema import ADDRESS_PARTS
from generators.kinds._json import json_of
from generators.kinds.kind import FieldAt, FieldKind, FieldMaking, NestedSchema, Scope, ValueMaker
from generators.kinds.string import STRING
from generators.values.people import make_address


class AddressKind(FieldKind):
    field_type = FieldType.ADDRESS
    flattens = True

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        return lambda v: isinstance(v, dict)

    def json_schema(self, field: FieldAt, nested: NestedSchema) -> dict[str, Any]:
        return nested(ADDRESS_PARTS, f"{field.path}.")

    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        context = making.context
        pools = context.pools
        parts = []
        for part in ADDRESS_PARTS:
            path = f"{field.path}.{part.name}"
            rule = context.schema.rule(path)
            if rule != FieldConstraint():
                parts.append((part.name, STRING.maker(making, FieldAt(part, path, rule))))
        if not parts:
            return lambda rng, _scope: make_address(rng, pools)

        def make(rng: Random, scope: Scope) -> dict[str, str]:
            address = make_address(rng, pools)
            for name, value in parts:
                address[name] = value(rng, scope)
            return address

        return make

    def convert(self, raw: str) -> Any:
        return json_of(raw, dict, "object")


ADDRESS = AddressKind()
