"""ADDRESS: a US postal address, always an object of the same five parts (street, city,
state, postal_code, country); a part with a rule of its own (`home.city`) follows it."""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import Any

from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.core.schema import ADDRESS_PARTS
from generators.kinds._json import json_of
from generators.kinds.kind import FieldKind, FieldMaking, NestedSchema, Scope, ValueMaker
from generators.kinds.string import STRING
from generators.values.people import make_address


class AddressKind(FieldKind):
    field_type = FieldType.ADDRESS
    flattens = True

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        return lambda v: isinstance(v, dict)

    def json_schema(
        self, spec: FieldSpec, rule: FieldConstraint, path: str, nested: NestedSchema
    ) -> dict[str, Any]:
        return nested(ADDRESS_PARTS, f"{path}.")

    def maker(
        self,
        making: FieldMaking,
        spec: FieldSpec,
        path: str,
        rule: FieldConstraint,
        *,
        top_level: bool,
    ) -> ValueMaker:
        context = making.context
        pools = context.pools
        parts = []
        for part in ADDRESS_PARTS:
            part_path = f"{path}.{part.name}"
            part_rule = context.schema.rule(part_path)
            if part_rule != FieldConstraint():
                parts.append(
                    (part.name, STRING.maker(making, part, part_path, part_rule, top_level=False))
                )
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
